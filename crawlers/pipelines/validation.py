"""Validation: a posting without a title or a description, or with an absurd one, is dropped.

Each drop is logged with the source and the reason and counted (`tpm/rejected/<kind>`).
"""

from __future__ import annotations

from typing import Self

from scrapy.crawler import Crawler

from crawlers.outcomes import reject
from crawlers.pipelines.base import CrawlerPipeline
from matcher.models import Posting


class ValidationPipeline(CrawlerPipeline):
    """Drop postings lacking a title or a description, or with a garbage-sized one."""

    def __init__(self, crawler: Crawler, max_chars: int) -> None:
        super().__init__(crawler)
        self.max_chars = max_chars

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, crawler.settings.getint("TPM_MAX_DESCRIPTION_CHARS", 300_000))

    def process_item(self, item: Posting) -> Posting:
        """Return the item, or raise DropItem naming what is missing."""
        if not isinstance(item.title, str) or not item.title.strip():
            raise reject(self.crawler, item, "missing_title", "no title")
        html, text = item.description_html or "", item.description_text or ""
        if not html.strip() and not text.strip():
            raise reject(self.crawler, item, "missing_description", "no description")
        size = max(len(html), len(text))
        if size > self.max_chars:
            reason = (
                f"description is {size:,} characters, over the {self.max_chars:,} limit "
                "(TPM_MAX_DESCRIPTION_CHARS); not a real posting"
            )
            raise reject(self.crawler, item, "description_too_long", reason)
        return item
