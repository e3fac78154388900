"""Typed contracts that travel between the rooms (see ARCHITECTURE.md).

`Posting` is what a crawl writes (one JSON line per posting) and what the matcher
and the warehouse read. `Extraction` is what the matcher writes for one posting
(the `tpm-match extract` line). Both are plain dataclasses so that every layer can
use them without importing Scrapy, spaCy or DuckDB.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

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

    id: str
    source: str
    company: str
    title: str
    url: str
    description_text: str
    description_html: str | None = None
    location: str | None = None
    remote: bool | None = None
    employment_type: str | None = None
    salary_min: float | None = None
    salary_max: float | None = None
    salary_currency: str | None = None
    salary_period: str | None = None
    posted_at: str | None = None
    fetched_at: str | None = None
    content_hash: str = ""

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
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Posting:
        """Build from a JSON object, ignoring keys this version does not know."""
        known = _POSTING_FIELDS if cls is Posting else frozenset(f.name for f in fields(cls))
        if data.keys() <= known:
            return cls(**data)
        return cls(**{k: v for k, v in data.items() if k in known})


#: Posting's field names (from_dict ignores other keys).
_POSTING_FIELDS: frozenset[str] = frozenset(f.name for f in fields(Posting))


@dataclass(slots=True)
class Requirement:
    """One taxonomy concept a text asks for (or, for a résumé, claims)."""

    id: str
    name: str
    kind: str
    required: bool
    evidence: str
    start: int
    end: int
    years: float | None = None
    #: Shared by the members of one alternative group ("PMP or PgMP"); None alone.
    group: int | None = None


@dataclass(slots=True)
class Degree:
    level: str | None = None
    fields: list[str] = field(default_factory=list)
    required: bool = True
    or_equivalent: bool = False


@dataclass(slots=True)
class Extraction:
    """The `tpm-match extract` line for one posting or résumé."""

    id: str
    requirements: list[Requirement] = field(default_factory=list)
    min_years_experience: float | None = None
    degree: Degree | None = None
    level: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Extraction:
        degree = data.get("degree")
        return cls(
            id=data["id"],
            requirements=[Requirement(**r) for r in data.get("requirements", [])],
            min_years_experience=data.get("min_years_experience"),
            degree=Degree(**degree) if degree else None,
            level=data.get("level"),
        )


@dataclass(slots=True)
class Match:
    """The score of one candidate against one posting, with what explains it."""

    candidate_id: str
    posting_id: str
    score: float
    breakdown: dict[str, float] = field(default_factory=dict)
    matched: list[str] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)
    missing_preferred: list[str] = field(default_factory=list)
    rank: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
