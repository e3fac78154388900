"""Dedup within a crawl: the same id twice, or the same content under another id."""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawlers.outcomes import source_of
from crawlers.pipelines.base import CrawlerPipeline
from matcher.models import Posting

logger = logging.getLogger(__name__)


class DedupPipeline(CrawlerPipeline):
    """Keep the first posting of each id and of each content hash."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.ids: set[str] = set()
        self.hashes: dict[str, str] = {}

    def process_item(self, item: Posting) -> Posting:
        """Return the item the first time; raise DropItem for repeats (counted)."""
        if item.id in self.ids:
            reason = "the same id appears twice in the board"
        elif item.content_hash in self.hashes:
            reason = f"same content as {self.hashes[item.content_hash]}"
        else:
            self.ids.add(item.id)
            self.hashes[item.content_hash] = item.id
            return item
        self.crawler.stats.inc_value("tpm/duplicates")
        logger.info(
            "[%s] duplicate %s dropped: %s", source_of(self.crawler.spider), item.id, reason
        )
        raise DropItem(f"duplicate: {reason}", log_level="DEBUG")
