"""The incremental crawl cache: unchanged raw objects reuse last night's parse."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from crawlers.crawl_cache import CrawlCache, cache_context, raw_digest
from crawlers.runner import crawl
from matcher.models import Posting

from .conftest import FAST

DEMO = Path(__file__).resolve().parents[2] / "crawlers" / "demo" / "boards"
BOARD = "northwind-cloud"


def _postings(path: Path) -> dict[str, dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return {row["id"]: row for row in rows}


def _without_fetched_at(rows: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {k: {f: v for f, v in row.items() if f != "fetched_at"} for k, row in rows.items()}


@pytest.mark.slow
def test_unchanged_jobs_reuse_the_parse_and_a_changed_one_is_parsed_again(
    tmp_path: Path,
) -> None:
    from crawlers.demo_board import DemoBoard

    root = tmp_path / "board"
    (root / "greenhouse").mkdir(parents=True)
    board_file = root / "greenhouse" / f"{BOARD}.json"
    shutil.copy(DEMO / "greenhouse" / f"{BOARD}.json", board_file)
    cache_dir = tmp_path / "cache"
    with DemoBoard(root=root) as board:
        source = next(s for s in board.sources() if s.key == f"greenhouse:{BOARD}")

        def crawl_into(name: str, with_cache: bool = True) -> Any:
            cache = cache_dir if with_cache else None
            result = crawl([source], tmp_path / name, FAST, 60, cache_dir=cache)[source.key]
            shutil.copy(result.out_path, tmp_path / f"{name}.jsonl")
            return result

        first = crawl_into("first")
        data = json.loads(board_file.read_text(encoding="utf-8"))
        changed = data["jobs"][0]
        changed["content"] += "&lt;p&gt;Update: this role now owns the vendor review.&lt;/p&gt;"
        board_file.write_text(json.dumps(data), encoding="utf-8")
        second = crawl_into("second")
        plain = crawl_into("plain", with_cache=False)
    assert first.ok and second.ok and plain.ok
    assert first.kept == second.kept == plain.kept >= 3
    # the first crawl parsed everything, the second only the changed job (and the jobs
    # the title filter drops, which are never stored)
    assert first.stats.get("tpm/crawl_cache/hits", 0) == 0
    assert second.stats["tpm/crawl_cache/hits"] == first.kept - 1
    assert "tpm/crawl_cache/misses" in second.stats
    assert "tpm/crawl_cache/hits" not in plain.stats
    # the reused and re-parsed postings are exactly what a crawl without the cache gives
    got, want = _postings(tmp_path / "second.jsonl"), _postings(tmp_path / "plain.jsonl")
    assert _without_fetched_at(got) == _without_fetched_at(want)
    # in the same order
    order = [json.loads(line)["id"] for line in (tmp_path / "second.jsonl").open()]
    assert order == [json.loads(line)["id"] for line in (tmp_path / "plain.jsonl").open()]
    assert len(order) == second.kept
    edited = got[f"greenhouse:{BOARD}:{changed['id']}"]
    assert "owns the vendor review" in edited["description_text"]
    before = _postings(tmp_path / "first.jsonl")[edited["id"]]
    assert edited["content_hash"] != before["content_hash"]
    # fetched_at is tonight's, not the cached one
    assert all(row["fetched_at"] >= before["fetched_at"] for row in got.values())


def _posting(n: int) -> Posting:
    return Posting(
        id=f"greenhouse:b:{n}",
        source="greenhouse",
        company="B",
        title="Technical Program Manager",
        url=f"https://example.test/{n}",
        description_text="Plan programs.",
        fetched_at="2026-01-01T00:00:00+00:00",
    )


def _opened(path: Path, context: dict[str, Any]) -> CrawlCache:
    cache = CrawlCache(path)
    cache.load(context)
    return cache


def test_cache_round_trip_and_context_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    context = cache_context("greenhouse", {"board": "b", "company": None})
    night1 = _opened(path, context)
    assert night1.lookup(raw_digest({"id": 1}), "2026-01-02T00:00:00+00:00") is None
    item = _posting(1)
    night1.track(item, raw_digest({"id": 1}))
    assert not night1.is_reused(item)
    dropped = _posting(2)
    night1.track(dropped, raw_digest({"id": 2}))
    night1.forget(dropped)  # a pipeline dropped it: never stored
    night1.keep(item)
    night1.save()

    night2 = _opened(path, context)
    hit = night2.lookup(raw_digest({"id": 1}), "2026-01-02T00:00:00+00:00")
    assert hit is not None and night2.is_reused(hit)
    assert hit.fetched_at == "2026-01-02T00:00:00+00:00" and hit.title == item.title
    assert night2.lookup(raw_digest({"id": 2}), "x") is None
    assert (night2.hits, night2.misses) == (1, 1)

    other = cache_context("greenhouse", {"board": "c", "company": None})
    assert _opened(path, other).previous == {}
    # another CACHE_VERSION or package version: not used either
    assert _opened(path, {**context, "version": context["version"] + 1}).previous == {}
    assert _opened(path, {**context, "package": "0.0.0-other"}).previous == {}


def test_an_unreadable_cache_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    context = cache_context("lever", {"board": "b", "company": None})
    path.write_text(json.dumps({"context": context}) + "\n{not json\n", encoding="utf-8")
    assert _opened(path, context).previous == {}
    assert _opened(tmp_path / "missing.jsonl", context).previous == {}
