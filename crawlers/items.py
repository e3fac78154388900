"""The crawl's one item type: `matcher.models.Posting` (a dataclass Scrapy handles natively)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from matcher.models import Posting

__all__ = ["Posting", "posting_row"]

_FIELDS = tuple(f.name for f in fields(Posting))


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
