"""The stats file the runner reads: each crawler's stats as JSON when its spider closes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class StatsFile:
    """Dump `crawler.stats` plus the close reason to the file named by `TPM_STATS_FILE`.

    Several crawlers run in one process, each with its own `TPM_STATS_FILE`.
    """

    def __init__(self, crawler: Crawler, path: Path) -> None:
        self.crawler = crawler
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("TPM_STATS_FILE")
        if not path:
            raise NotConfigured("TPM_STATS_FILE is not set")
        ext = cls(crawler, Path(path))
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Write the stats atomically (a temporary file renamed into place)."""
        stats = dict(self.crawler.stats.get_stats())
        stats["tpm/finish_reason"] = reason
        stats["tpm/source_key"] = getattr(spider, "source_key", spider.name)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(stats, default=str, indent=1), encoding="utf-8")
        tmp.replace(self.path)
