"""Spider middleware: group consecutive postings served by the crawl cache into batches.

On a night when most of a board is unchanged, most postings come from the crawl cache
(crawlers/crawl_cache.py). Each item costs Scrapy a round of signals, deferreds and
middleware calls, far more than our pipelines' own work on a cached posting, so runs of
cached postings travel as one `PostingBatch` (at most `TPM_REUSED_BATCH_SIZE`, default
500). A freshly parsed posting or a request ends the run first, so the postings keep
their order (the dedup pipeline keeps the first of two equal postings). It sits next to
the spider (order 990), so the other spider middlewares see only batches.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.http import Response

from crawlers.items import Posting, PostingBatch


class ReusedPostingBatches:
    """Turn runs of cache-served postings in a callback's output into PostingBatch items."""

    def __init__(self, crawler: Crawler, size: int) -> None:
        self.crawler = crawler
        self.size = max(1, size)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, crawler.settings.getint("TPM_REUSED_BATCH_SIZE", 500))

    def _reused(self, obj: Any) -> bool:
        cache = getattr(self.crawler.spider, "crawl_cache", None)
        return cache is not None and type(obj) is Posting and cache.is_reused(obj)

    def _step(self, obj: Any, run: list[Posting]) -> Iterator[Any]:
        """What to emit for `obj` given the current run (which it may extend or end)."""
        if self._reused(obj):
            run.append(obj)
            if len(run) >= self.size:
                yield PostingBatch(run[:])
                run.clear()
            return
        if run:
            yield PostingBatch(run[:])
            run.clear()
        yield obj

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        """Batch a synchronous callback's output."""
        run: list[Posting] = []
        for obj in result:
            yield from self._step(obj, run)
        if run:
            yield PostingBatch(run)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        """Batch an asynchronous callback's output."""
        run: list[Posting] = []
        async for obj in result:
            for out in self._step(obj, run):
                yield out
        if run:
            yield PostingBatch(run)
