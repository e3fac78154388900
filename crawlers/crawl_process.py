"""The crawl process: several sources as several crawlers in ONE Scrapy `CrawlerProcess`.

`python -m crawlers.crawl_process SPEC.json` (started by crawlers/runner.py) imports
Scrapy once and runs one reactor. SPEC is a `CrawlSpec` as JSON: the Scrapy settings
that override crawlers/settings.py, how many sources crawl at once, and one entry per
source (spider type, spider arguments, its JSON Lines feed, its stats file, its crawl
cache, its own setting overrides). Each crawler gets its own `FEEDS` and
`TPM_STATS_FILE` (crawlers.extensions.StatsFile); `CLOSESPIDER_TIMEOUT` bounds each.
A crawler that cannot even start (bad spider arguments) gets a stats file that says so.
SIGTERM closes every spider cleanly (Scrapy's own shutdown handler).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from crawlers.spiders import registry


def project_settings(overrides: dict[str, Any]) -> Settings:
    """crawlers/settings.py with `overrides` on top (at command-line priority)."""
    settings = Settings()
    settings.setmodule("crawlers.settings", priority="project")
    settings.update(overrides, priority="cmdline")
    return settings


def make_crawler(settings: Settings, entry: dict[str, Any], init_reactor: bool) -> Crawler:
    """A Crawler of `entry`'s spider with its own feed, stats file, cache and overrides.

    The first crawler of the process installs the reactor (`init_reactor`).
    """
    own = settings.copy()
    own.update(entry.get("settings") or {}, priority="cmdline")
    feed = {entry["feed"]: {"format": "jsonlines", "overwrite": True, "encoding": "utf-8"}}
    own.set("FEEDS", feed, priority="cmdline")
    own.set("TPM_STATS_FILE", entry["stats"], priority="cmdline")
    own.set("TPM_CRAWL_CACHE", entry.get("cache"), priority="cmdline")
    return Crawler(registry()[entry["type"]], own, init_reactor=init_reactor)


def write_failed_start(entry: dict[str, Any], reason: str) -> None:
    """The stats file of a crawler that could not start, naming why."""
    stats = {"tpm/finish_reason": "not started", "tpm/errors": [f"cannot start: {reason}"]}
    Path(entry["stats"]).write_text(json.dumps(stats), encoding="utf-8")


def run(spec: dict[str, Any]) -> None:
    """Crawl every entry of `spec`, `concurrency` at a time, in this process's one reactor."""
    process = CrawlerProcess(project_settings(spec.get("settings") or {}))
    pending: Iterator[dict[str, Any]] = iter(spec["crawls"])
    made: list[Crawler] = []

    def start_next(_: Any = None) -> None:
        entry = next(pending, None)
        if entry is None:
            return
        try:
            crawler = make_crawler(process.settings, entry, init_reactor=not made)
            made.append(crawler)
            done = process.crawl(crawler, **entry.get("args", {}))
        except Exception as exc:  # reported per source, the others go on
            write_failed_start(entry, f"{type(exc).__name__}: {exc}")
            start_next()
            return

        def failed(failure: Any) -> None:
            if not Path(entry["stats"]).exists():
                write_failed_start(entry, str(failure.value))

        # the next crawl joins before process.join() sees the active set empty
        done.addErrback(failed)
        done.addBoth(start_next)

    for _ in range(max(1, int(spec.get("concurrency", 1)))):
        start_next()
    process.start()


def main(argv: list[str] | None = None) -> int:
    """Entry point: `python -m crawlers.crawl_process SPEC.json`."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m crawlers.crawl_process SPEC.json", file=sys.stderr)
        return 2
    run(json.loads(Path(args[0]).read_text(encoding="utf-8")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
