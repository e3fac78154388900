"""Crawl extensions: the stats file the runner reads, and posting counts for batches.

- StatsFile: write the crawl's stats as JSON when the spider closes (read by the runner).
- BatchCounts: `item_scraped_count` counts postings, also those scraped in a batch.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawlers.items import PostingBatch


class StatsFile:
    """Dump `crawler.stats` plus the close reason to the file named by `TPM_STATS_FILE`."""

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


class BatchCounts:
    """Keep `item_scraped_count` a count of postings: a PostingBatch of N adds N, not 1.

    Scrapy's core stats count one per scraped item; a batch (crawlers/items.py) is one
    item, so this adds the other N - 1 (an empty batch takes its 1 back).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        ext = cls(crawler)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        return ext

    def item_scraped(self, item: Any) -> None:
        """Correct the count for a batch."""
        if type(item) is PostingBatch:
            self.crawler.stats.inc_value("item_scraped_count", len(item.postings) - 1)
