"""Typed contracts that travel between the rooms (see ARCHITECTURE.md).

`Posting` is what a crawl writes (one JSON line per posting) and what the matcher
and the warehouse read. `Extraction` is what the matcher writes for one posting
(the `tpm-match extract` line). All are plain dataclasses so that every layer can
use them without importing Scrapy, spaCy or DuckDB. Their field types carry the wire
rules (strict types, non-empty ids, non-negative numbers, ISO-8601 times); they are
checked where data crosses a boundary, by `matcher.wire`, never on construction.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import partial
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    PlainValidator,
    Strict,
    StrictBool,
    StrictInt,
    StrictStr,
)

#: Fields of a posting whose change means "the posting changed" (re-extract, re-score).
CONTENT_FIELDS: tuple[str, ...] = (
    "title",
    "company",
    "location",
    "remote",
    "employment_type",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "description_text",
)


def _iso_8601(value: str) -> str:
    """Accept an ISO-8601 date/time text unchanged; raise ValueError naming the format."""
    try:
        datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(
            f"{value!r:.60} is not an ISO-8601 date/time (e.g. 2026-11-25T10:00:00Z)"
        ) from None
    return value


def _number(value: Any, low: float = 0, high: float = math.inf) -> float:
    """A number from `low` to `high` (inclusive), returned unchanged: an int stays an int,
    as the content hash of `120000` and of `120000.0` differ. Never a flag, text or NaN.

    >>> _number(120000), _number(2.5)
    (120000, 2.5)
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {type(value).__name__} {value!r:.60}")
    if not low <= value <= high:
        raise ValueError(f"expected a number from {low:g} to {high:g}, got {value!r}")
    return value


#: Wire types: what a field accepts when `matcher.wire` checks a row (no coercion from text).
Id = Annotated[StrictStr, Field(min_length=1, pattern=r"\S")]
Number = Annotated[float, PlainValidator(_number)]
Texts = Annotated[list[StrictStr], Strict()]
Timestamp = Annotated[StrictStr, AfterValidator(_iso_8601)]
Offset = Annotated[StrictInt, Field(ge=0)]
#: every boundary check re-validates the object it is given (pydantic's default trusts it)
_CHECKED = ConfigDict(revalidate_instances="always")


#: json.dumps(..., sort_keys=True, ensure_ascii=False, separators=(",", ":")), built once
_hash_json = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def content_hash(values: dict[str, Any]) -> str:
    """Return a stable SHA-256 over the fields in CONTENT_FIELDS.

    >>> content_hash({"title": "TPM"}) == content_hash({"title": "TPM", "url": "x"})
    True
    """
    payload = {name: values.get(name) for name in CONTENT_FIELDS}
    return hashlib.sha256(_hash_json(payload).encode("utf-8")).hexdigest()


@dataclass(slots=True)
class Posting:
    """One job posting as crawled. `id` is stable across runs: `{source}:{board}:{source_id}`."""

    __pydantic_config__ = _CHECKED

    id: Id
    source: Id
    company: StrictStr
    title: StrictStr
    url: StrictStr
    description_text: StrictStr
    description_html: StrictStr | None = None
    location: StrictStr | None = None
    remote: StrictBool | None = None
    employment_type: StrictStr | None = None
    salary_min: Number | None = None
    salary_max: Number | None = None
    salary_currency: StrictStr | None = None
    salary_period: StrictStr | None = None
    posted_at: Timestamp | None = None
    fetched_at: Timestamp | None = None
    content_hash: StrictStr = ""

    def __post_init__(self) -> None:
        if not self.content_hash:
            try:  # the content fields hold plain values: no need to copy the whole posting
                self.content_hash = content_hash({n: getattr(self, n) for n in CONTENT_FIELDS})
            except TypeError:  # e.g. a dataclass in a field: asdict turns it into a dict
                self.content_hash = content_hash(asdict(self))

    @property
    def source_key(self) -> str:
        """The board this posting came from: the first two parts of the id.

        >>> Posting(id="lever:acme:4f2a", source="lever", company="Acme", title="TPM",
        ...         url="u", description_text="d").source_key
        'lever:acme'
        """
        return ":".join(self.id.split(":", 2)[:2])

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of this posting (see `matcher.wire`)."""
        return asdict(self)


@dataclass(slots=True)
class TextToExtract:
    """A `tpm-match extract` input line: an id, a title and the text (HTML or plain).

    A full Posting line is one too (its `description_text` / `description_html`).
    """

    __pydantic_config__ = _CHECKED

    id: Id
    title: StrictStr | None = None
    description: StrictStr | None = None
    description_html: StrictStr | None = None
    description_text: StrictStr | None = None

    @property
    def text(self) -> str | None:
        """The first non-empty of description, description_html, description_text.

        >>> TextToExtract("a", description="", description_text="Jira").text
        'Jira'
        """
        return self.description or self.description_html or self.description_text or None


@dataclass(slots=True)
class Requirement:
    """One taxonomy concept a text asks for (or, for a résumé, claims)."""

    __pydantic_config__ = _CHECKED

    id: StrictStr
    name: StrictStr
    kind: StrictStr
    required: StrictBool
    evidence: StrictStr
    start: Offset
    end: Offset
    years: Number | None = None
    #: Shared by the members of one alternative group ("PMP or PgMP"); None alone.
    group: Annotated[StrictInt, Field(ge=1)] | None = None


@dataclass(slots=True)
class Degree:
    __pydantic_config__ = _CHECKED

    level: StrictStr | None = None
    fields: Texts = field(default_factory=list)
    required: StrictBool = True
    or_equivalent: StrictBool = False


@dataclass(slots=True)
class Extraction:
    """The `tpm-match extract` line for one posting or résumé."""

    __pydantic_config__ = _CHECKED

    id: Id
    requirements: Annotated[list[Requirement], Strict()] = field(default_factory=list)
    min_years_experience: Number | None = None
    degree: Degree | None = None
    level: StrictStr | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of this extraction (see `matcher.wire`)."""
        return asdict(self)


@dataclass(slots=True)
class Match:
    """The score of one candidate against one posting, with what explains it."""

    __pydantic_config__ = _CHECKED

    candidate_id: Id
    posting_id: Id
    score: Annotated[float, PlainValidator(partial(_number, high=100))]
    breakdown: Annotated[
        dict[StrictStr, Annotated[float, PlainValidator(partial(_number, low=-math.inf))]], Strict()
    ] = field(default_factory=dict)
    matched: Texts = field(default_factory=list)
    missing_required: Texts = field(default_factory=list)
    missing_preferred: Texts = field(default_factory=list)
    rank: Annotated[StrictInt, Field(ge=1)] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of this match (see `matcher.wire`)."""
        return asdict(self)
