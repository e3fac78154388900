"""Postings served by the crawl cache travel in batches, with the same outcome as alone."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.exceptions import DropItem

from crawlers.items import Posting, PostingBatch
from crawlers.middlewares.batches import ReusedPostingBatches
from crawlers.pipelines.base import PostingPipeline
from crawlers.runner import cache_path_for, crawl_source

from .conftest import FAST

DEMO = Path(__file__).resolve().parents[2] / "crawlers" / "demo" / "boards"


def _posting(n: int) -> Posting:
    return Posting(
        id=f"ashby:b:{n}",
        source="ashby",
        company="B",
        title="Technical Program Manager",
        url=f"u{n}",
        description_text="Plan.",
    )


class _Cache:
    def __init__(self, reused: set[int]) -> None:
        self.reused = reused

    def is_reused(self, item: Posting) -> bool:
        return id(item) in self.reused


def _middleware(reused: list[Posting], size: int = 3) -> ReusedPostingBatches:
    spider = SimpleNamespace(crawl_cache=_Cache({id(p) for p in reused}))
    return ReusedPostingBatches(SimpleNamespace(spider=spider), size)  # type: ignore[arg-type]


def _shape(out: list[Any]) -> list[Any]:
    return [[p.id for p in o.postings] if isinstance(o, PostingBatch) else o.id for o in out]


def test_runs_of_reused_postings_become_batches_in_order() -> None:
    p = [_posting(n) for n in range(8)]
    reused = [p[0], p[1], p[3], p[4], p[5], p[6], p[7]]  # p[2] was parsed tonight
    out = list(_middleware(reused).process_spider_output(None, iter(p)))  # type: ignore[arg-type]
    assert _shape(out) == [
        ["ashby:b:0", "ashby:b:1"],
        "ashby:b:2",
        ["ashby:b:3", "ashby:b:4", "ashby:b:5"],  # at most `size` per batch
        ["ashby:b:6", "ashby:b:7"],
    ]


def test_the_async_output_is_batched_the_same_way() -> None:
    import asyncio

    p = [_posting(n) for n in range(5)]

    async def source() -> Any:
        for item in p:
            yield item

    async def collect() -> list[Any]:
        mw = _middleware([p[1], p[2], p[4]])
        return [o async for o in mw.process_spider_output_async(None, source())]  # type: ignore[arg-type]

    assert _shape(asyncio.run(collect())) == [
        "ashby:b:0",
        ["ashby:b:1", "ashby:b:2"],
        "ashby:b:3",
        ["ashby:b:4"],
    ]


class _DropOdd(PostingPipeline):
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    def process_posting(self, posting: Posting) -> Posting:
        if int(posting.id.rsplit(":", 1)[1]) % 2:
            raise DropItem("odd", log_level="DEBUG")
        return posting


def test_a_batch_goes_through_a_pipeline_posting_by_posting() -> None:
    sent: list[tuple[str, str]] = []

    class Signals:
        def send_catch_log(self, signal: Any, item: Posting, **kw: Any) -> None:
            sent.append((item.id, str(kw["exception"])))

    class LogFormatter:
        def dropped(self, *args: Any) -> None:
            return None

    crawler = SimpleNamespace(spider=None, signals=Signals(), logformatter=LogFormatter())
    batch = PostingBatch([_posting(n) for n in range(4)])
    out = _DropOdd(crawler).process_item(batch)
    assert out is batch and [p.id for p in batch.postings] == ["ashby:b:0", "ashby:b:2"]
    assert sent == [("ashby:b:1", "odd"), ("ashby:b:3", "odd")]  # the item_dropped signal
    assert _DropOdd(crawler).process_item(_posting(2)).id == "ashby:b:2"
    with pytest.raises(DropItem):
        _DropOdd(crawler).process_item(_posting(3))


@pytest.mark.slow
def test_a_batched_crawl_counts_and_drops_like_an_unbatched_one(tmp_path: Path) -> None:
    from crawlers.demo_board import DemoBoard

    root = tmp_path / "board"
    (root / "ashby").mkdir(parents=True)
    data = json.loads((DEMO / "ashby" / "ledgerly.json").read_text(encoding="utf-8"))
    data["jobs"].append(dict(data["jobs"][0]))  # the same job twice: the dedup drops one
    (root / "ashby" / "ledgerly.json").write_text(json.dumps(data), encoding="utf-8")
    with DemoBoard(root=root) as board:
        source = next(s for s in board.sources() if s.key == "ashby:ledgerly")
        cache = cache_path_for(tmp_path / "cache", source)
        runs = [
            crawl_source(
                source,
                tmp_path / f"{night}.jsonl",
                timeout_s=60,
                settings_overrides=FAST,
                cache_path=cache,
            )
            for night in ("first", "second")
        ]
    first, second = runs
    assert first.ok and second.ok, (first.errors, second.errors)
    assert second.stats["tpm/crawl_cache/hits"] >= 2  # the repeated job is a hit twice
    for key in (
        "item_scraped_count",
        "item_dropped_count",
        "tpm/duplicates",
        "tpm/dropped_by_filter",
    ):
        assert first.stats.get(key) == second.stats.get(key), key
    assert first.duplicates == second.duplicates == 1
    assert first.kept == second.kept == len((tmp_path / "second.jsonl").read_text().splitlines())
