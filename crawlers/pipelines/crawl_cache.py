"""Store every posting that passed the pipelines in the spider's crawl cache (runs last)."""

from __future__ import annotations

from crawlers.pipelines.base import PostingPipeline
from matcher.models import Posting


class CrawlCachePipeline(PostingPipeline):
    """Hand each kept posting to `spider.crawl_cache` (when the crawl has one)."""

    def process_posting(self, item: Posting) -> Posting:
        """Record the item under its raw object's digest; return it unchanged."""
        cache = getattr(self.crawler.spider, "crawl_cache", None)
        if cache is not None:
            cache.keep(item)
        return item
