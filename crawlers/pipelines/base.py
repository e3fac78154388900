"""The base of our item pipelines: they keep the crawler (its stats, settings, spider)."""

from __future__ import annotations

from typing import Self

from scrapy.crawler import Crawler


class CrawlerPipeline:
    """An item pipeline built `from_crawler` that keeps it as `self.crawler`.

    Subclasses implement Scrapy's `process_item(item)`; one that reads settings overrides
    `from_crawler` (and `__init__`, calling this one).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)
