"""Memo of pair explanations: reuse yesterday's `score_pair` result for an unchanged pair.

`score_all` explains every kept pair with `scoring.score_pair`, the slow part of a
nightly scoring when most pairs are the same as the night before. A memo key covers,
in full, everything `score_pair` reads of the pair (the candidate's facts; the posting's
id, location and remote flag; its extraction), so a hit is exactly the explanation
`score_pair` would give. The taxonomy and scoring config are covered by
`memo_context`: the caller keeps memos of different contexts apart. Pure: storing a
memo between runs is the caller's business.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any

from matcher.models import Degree, Extraction, Match, Posting, Requirement
from matcher.profile import CandidateFacts
from matcher.scoring_config import ScoringConfig
from matcher.taxonomy import Taxonomy


@dataclass(slots=True)
class ExplainMemo:
    """Explanations (`score_pair` results) of earlier runs, to reuse for unchanged pairs.

    Keyed by `pair_key`: the candidate's facts, the posting fields scoring reads and the
    extraction, all in full, so a hit is exactly what `score_pair` would return. Valid
    for one taxonomy and one scoring config (the caller keeps them apart, see
    `memo_context`). `current` holds tonight's kept pairs (to store for the next run).
    """

    previous: dict[str, Match] = field(default_factory=dict)
    current: dict[str, Match] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0


def memo_context(taxonomy: Taxonomy, config: ScoringConfig) -> str:
    """A digest of what every explanation depends on besides the pair itself."""
    blob = f"{taxonomy.content_hash}|{config.model_dump_json()}"
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()


def _digest(value: object) -> str:
    return hashlib.sha1(repr(value).encode("utf-8")).hexdigest()


#: Posting fields a score can never depend on (the text may not even be loaded).
_UNSCORED_FIELDS = frozenset({"description_text", "description_html", "fetched_at", "content_hash"})


def _names(cls: type, skip: frozenset[str] = frozenset()) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls) if f.name not in skip)


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A getter of `names` that always returns a tuple (attrgetter of one name does not)."""
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return attrgetter(*names)


# Every field of the contract classes, read once at import: a field added to one of them is
# in the key without touching this module. The nested lists of the extraction (its
# requirements and degree) are flattened to tuples of field values: `repr` of a tuple of
# plain values is many times quicker than the recursive `repr` of dataclasses.
_POSTING_NAMES = _names(Posting, _UNSCORED_FIELDS)
_EXTRACTION_NAMES = _names(Extraction, frozenset({"requirements", "degree"}))
_REQUIREMENT_NAMES = _names(Requirement)
_DEGREE_NAMES = _names(Degree)
_posting_values = _getter(_POSTING_NAMES)
_extraction_values = _getter(_EXTRACTION_NAMES)
_requirement_values = _getter(_REQUIREMENT_NAMES)
_degree_values = _getter(_DEGREE_NAMES)
#: The layout of the flattened key: a change of the contract classes changes every key.
_LAYOUT = repr((_POSTING_NAMES, _EXTRACTION_NAMES, _REQUIREMENT_NAMES, _DEGREE_NAMES))


def _plain_digest(value: object) -> str:
    """SHA-1 of `value` (plain values: str, numbers, bool, None, tuples and lists of them).

    Pickled with the memo off (`fast`), so the bytes depend only on the values, never on
    which equal strings happen to be one object; pickle keeps types apart (1 != 1.0 !=
    True) and is several times quicker than `repr` on long strings and floats.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo: equal values give equal bytes
    pickler.dump(value)
    return hashlib.sha1(buffer.getbuffer()).hexdigest()


def posting_key(posting: Posting, extraction: Extraction) -> str:
    """The posting side of a pair key: every posting field but its text, and the extraction.

    Taking every field (not only those `score_pair` reads today: id, location, remote,
    salary) keeps the memo right when scoring starts to read another one. The digest is
    over plain values only (no set or hash order is involved), so it is the same in every
    process.
    """
    degree = extraction.degree
    flat = (
        _LAYOUT,
        _posting_values(posting),
        _extraction_values(extraction),
        tuple(map(_requirement_values, extraction.requirements)),
        None if degree is None else _degree_values(degree),
    )
    return _plain_digest(flat)


def candidate_key(candidate: CandidateFacts) -> str:
    """The candidate side of a pair key: every fact scoring may read."""
    return _digest(candidate)


def pair_key(candidate_side: str, posting_side: str) -> str:
    """The memo key of a pair from `candidate_key(...)` and `posting_key(...)`."""
    return f"{candidate_side}:{posting_side}"
