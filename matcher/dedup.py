"""Cross-source deduplication of postings.

The same job is often listed on two boards (a company's Greenhouse board and its own
careers page with schema.org JSON-LD, say). Two postings are the same job when they come
from *different* sources (`Posting.source_key`), their companies are equal once
normalised, their locations are equal once normalised, and their titles are similar by
rapidfuzz (`token_sort_ratio` at or above `title_threshold`). Two postings of one board
are never merged: a board listing the same title twice has two openings.

The result maps a canonical posting id to the ids of its duplicates; the warehouse keeps
every duplicate row (and so every source URL) and links it to the canonical one through
`set_duplicates`. The canonical posting is the smallest id of the group, so it is stable
from one night to the next.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from matcher.models import Posting

#: Default minimum rapidfuzz token_sort_ratio (0-100) for two titles to be the same job.
TITLE_THRESHOLD = 90.0

_LEGAL_SUFFIXES = frozenset(
    {
        "inc",
        "incorporated",
        "llc",
        "l l c",
        "ltd",
        "limited",
        "corp",
        "corporation",
        "co",
        "company",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "bv",
        "nv",
        "plc",
        "pty",
        "oy",
        "ab",
        "srl",
        "spa",
    }
)
_NON_WORD = re.compile(r"[^\w]+")
_LOCATION_SPLIT = re.compile(r"[,;|()/]")


def _fold(text: str) -> str:
    """Lowercase, strip accents and punctuation, collapse spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", plain.casefold()).split())


def normalize_company(name: str | None) -> str:
    """Company name without case, accents, punctuation or trailing legal suffixes.

    >>> normalize_company("Acme, Inc.") == normalize_company("ACME") == "acme"
    True
    >>> normalize_company("Société Générale SA")
    'societe generale'
    """
    words = _fold(name or "").split()
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def normalize_location(location: str | None) -> str:
    """The first part of a location (the city, or "remote"), folded; "" when unknown.

    >>> normalize_location("San Francisco, CA") == normalize_location("san francisco (HQ)")
    True
    >>> normalize_location(None)
    ''
    """
    if not location:
        return ""
    return _fold(_LOCATION_SPLIT.split(location, maxsplit=1)[0])


def normalize_title(title: str) -> str:
    """Title folded for fuzzy comparison.

    >>> normalize_title("Sr. Technical Program Manager – Cloud")
    'sr technical program manager cloud'
    """
    return _fold(title)


@dataclass(slots=True)
class _Group:
    canonical: Posting
    title: str
    sources: set[str]
    members: list[str] = field(default_factory=list)


def find_duplicates(
    postings: Iterable[Posting], *, title_threshold: float = TITLE_THRESHOLD
) -> dict[str, list[str]]:
    """Group cross-source duplicates; return {canonical_id: [duplicate ids, sorted]}.

    Postings without a duplicate do not appear. Deterministic: postings are visited in
    id order and each joins the first group (of its company and location) that has no
    posting from its source yet and whose canonical title is similar enough.

    >>> def p(i, title, company="Acme", loc="Berlin"):
    ...     return Posting(id=i, source=i.split(":")[0], company=company, title=title,
    ...                    url="u", description_text="d", location=loc)
    >>> find_duplicates([p("lever:acme:1", "Technical Program Manager"),
    ...                  p("greenhouse:acme:9", "Technical Program Manager"),
    ...                  p("greenhouse:acme:8", "Technical Program Manager")])
    {'greenhouse:acme:8': ['lever:acme:1']}
    """
    buckets: dict[tuple[str, str], list[Posting]] = defaultdict(list)
    for posting in postings:
        key = (normalize_company(posting.company), normalize_location(posting.location))
        buckets[key].append(posting)
    result: dict[str, list[str]] = {}
    for bucket in buckets.values():
        if len({p.source_key for p in bucket}) < 2:
            continue
        groups: list[_Group] = []
        for posting in sorted(bucket, key=lambda p: p.id):
            title = normalize_title(posting.title)
            for group in groups:
                if posting.source_key in group.sources:
                    continue
                if fuzz.token_sort_ratio(title, group.title) >= title_threshold:
                    group.members.append(posting.id)
                    group.sources.add(posting.source_key)
                    break
            else:
                groups.append(_Group(posting, title, {posting.source_key}))
        for group in groups:
            if group.members:
                result[group.canonical.id] = sorted(group.members)
    return result
