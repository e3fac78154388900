"""The crawl's items: `matcher.models.Posting`, and batches of postings reused from the cache.

A `Posting` is a dataclass Scrapy handles natively. A `PostingBatch` carries consecutive
postings that the crawl cache served unchanged (crawlers/middlewares/batches.py): they
go through the same pipelines, one posting at a time (crawlers/pipelines/base.py), but
through Scrapy's item machinery once per batch, which is most of the cost of re-crawling
an unchanged board.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from matcher.models import Posting

__all__ = ["Posting", "PostingBatch", "posting_row"]

_FIELDS = tuple(f.name for f in fields(Posting))


@dataclass(slots=True)
class PostingBatch:
    """Postings that travel together through the item pipelines and the feed."""

    postings: list[Posting] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.postings)


def posting_row(item: Posting) -> dict[str, Any]:
    """The posting as a flat dict in field order: `dataclasses.asdict` without its deep copy.

    Every Posting field is a str, number, bool or None, so nothing needs copying.

    >>> from dataclasses import asdict
    >>> p = Posting(id="lever:a:1", source="lever", company="A", title="TPM", url="u",
    ...             description_text="d", salary_min=1.0)
    >>> posting_row(p) == asdict(p) and list(posting_row(p)) == list(asdict(p))
    True
    """
    return {name: getattr(item, name) for name in _FIELDS}
