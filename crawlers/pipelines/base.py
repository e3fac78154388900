"""The base of our item pipelines: one posting at a time, also inside a PostingBatch.

A pipeline implements `process_posting(posting)` (return it, or raise DropItem). For a
`PostingBatch` it is called for each posting; a dropped one leaves the batch and is
handled as Scrapy handles a dropped item (the log line at the DropItem's level and the
`item_dropped` signal, which also counts it in `item_dropped_count`), so a posting is kept
or dropped for the same reason, with the same traces, whether it came alone or batched.
"""

from __future__ import annotations

import logging
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.log import logformatter_adapter

from crawlers.items import Posting, PostingBatch

logger = logging.getLogger("scrapy.core.scraper")


class PostingPipeline:
    """Base of our item pipelines: subclasses implement `process_posting`.

    It keeps the crawler as `self.crawler`; a pipeline that reads settings overrides
    `from_crawler` (and `__init__`, calling this one).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_posting(self, posting: Posting) -> Posting:
        """Return the posting (perhaps changed) or raise DropItem."""
        raise NotImplementedError

    def process_item(self, item: Any) -> Any:
        """A posting goes to `process_posting`; a batch, posting by posting."""
        if type(item) is not PostingBatch:
            return self.process_posting(item)
        kept: list[Posting] = []
        for posting in item.postings:
            try:
                kept.append(self.process_posting(posting))
            except DropItem as exc:
                self._dropped(posting, exc)
        item.postings = kept
        return item

    def _dropped(self, posting: Posting, exc: DropItem) -> None:
        crawler, spider = self.crawler, self.crawler.spider
        logkws = crawler.logformatter.dropped(posting, exc, None, spider)
        if logkws is not None:
            logger.log(*logformatter_adapter(logkws), extra={"spider": spider})
        crawler.signals.send_catch_log(
            signal=signals.item_dropped, item=posting, response=None, spider=spider, exception=exc
        )
