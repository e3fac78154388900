"""The crawl's one item type: `matcher.models.Posting` (a dataclass Scrapy handles natively)."""

from __future__ import annotations

from matcher.models import Posting

__all__ = ["Posting"]
