"""Crawl throughput: postings/s of the demo board and of generated large boards.

Prints, per source: the subprocess's wall time, Scrapy's own elapsed time (the rest is
Python + Scrapy start-up), postings kept and postings/s. The large boards are generated
from the demo board's postings (new ids, same text) into a temporary folder and served by
DemoBoard(root=...), so the real spiders and pipelines run on N postings per format.

    python bench/bench_crawl.py [--n 2000]
"""

from __future__ import annotations

import argparse
import copy
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from crawlers.demo_board import DEFAULT_ROOT, DemoBoard
from crawlers.runner import CrawlResult, crawl

#: Local sources crawl without politeness delays anyway (crawlers.runner.LOCAL_OVERRIDES).
LOCAL = {"LOG_LEVEL": "WARNING"}


def _grow(items: list[dict[str, Any]], n: int, id_key: str, url_key: str) -> list[dict]:
    """n postings cycled from `items`, each with a new id (and text varied by its number)."""
    good = [i for i in items if isinstance(i, dict) and i.get(id_key)]
    out = []
    for k in range(n):
        item = copy.deepcopy(good[k % len(good)])
        item[id_key] = (
            f"{item[id_key]}-{k}" if isinstance(item[id_key], str) else item[id_key] * 100000 + k
        )
        if url_key in item:
            item[url_key] = f"{item[url_key]}?n={k}"
        for text_key in ("content", "descriptionHtml", "description"):
            if isinstance(item.get(text_key), str) and item[text_key]:
                item[text_key] += f" (copy {k})"
        out.append(item)
    return out


def generate(root: Path, n: int) -> None:
    """A Greenhouse, a Lever and an Ashby board of n postings each under root."""
    for kind in ("greenhouse", "lever", "ashby"):
        (root / kind).mkdir(parents=True)
    gh = json.loads((DEFAULT_ROOT / "greenhouse" / "northwind-cloud.json").read_text())
    jobs = _grow(gh["jobs"], n, "id", "absolute_url")
    (root / "greenhouse" / "big.json").write_text(json.dumps({"jobs": jobs, "meta": {"total": n}}))
    lever = json.loads((DEFAULT_ROOT / "lever" / "quarry-games.json").read_text())
    (root / "lever" / "big.json").write_text(json.dumps(_grow(lever, n, "id", "hostedUrl")))
    ashby = json.loads((DEFAULT_ROOT / "ashby" / "ledgerly.json").read_text())
    big = {**ashby, "jobs": _grow(ashby["jobs"], n, "id", "jobUrl")}
    (root / "ashby" / "big.json").write_text(json.dumps(big))


def report(title: str, results: list[CrawlResult], wall: float) -> None:
    print(f"\n{title} (wall {wall:.1f} s)")
    print(f"{'source':34} {'subproc s':>9} {'scrapy s':>9} {'seen':>6} {'kept':>6} {'seen/s':>8}")
    total_seen = 0
    for r in results:
        scrapy_s = float(r.stats.get("elapsed_time_seconds", 0.0))
        seen = r.kept + r.dropped_by_filter + r.rejected_count + r.duplicates
        total_seen += seen
        rate = seen / scrapy_s if scrapy_s else 0.0
        print(
            f"{r.source_key:34} {r.seconds:9.2f} {scrapy_s:9.2f} {seen:6d} {r.kept:6d} {rate:8.0f}"
        )
    print(f"total: {total_seen} postings in {wall:.1f} s wall = {total_seen / wall:.1f} postings/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="postings per generated board")
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        with DemoBoard() as board:
            started = time.monotonic()
            results = list(
                crawl(
                    board.sources(), out / "demo", LOCAL, 300, concurrency=args.concurrency
                ).values()
            )
            report("demo board (TPM filter on)", results, time.monotonic() - started)
        root = Path(tmp) / "big"
        generate(root, args.n)
        with DemoBoard(root) as board:
            started = time.monotonic()
            by_key = crawl(
                board.sources(),
                out / "big",
                LOCAL,
                600,
                concurrency=args.concurrency,
                all_titles=True,
            )
            results = list(by_key.values())
            report(
                f"generated boards, {args.n} postings each (--all-titles)",
                results,
                time.monotonic() - started,
            )


if __name__ == "__main__":
    main()
