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
from dataclasses import dataclass, field, fields

from matcher.models import Extraction, Match, Posting
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


def posting_key(posting: Posting, extraction: Extraction) -> str:
    """The posting side of a pair key: every posting field but its text, and the extraction.

    Taking every field (not only those `score_pair` reads today: id, location, remote,
    salary) keeps the memo right when scoring starts to read another one.
    """
    scored = tuple(
        (f.name, getattr(posting, f.name))
        for f in fields(posting)
        if f.name not in _UNSCORED_FIELDS
    )
    return _digest((scored, extraction))


def candidate_key(candidate: CandidateFacts) -> str:
    """The candidate side of a pair key: every fact scoring may read."""
    return _digest(candidate)


def pair_key(candidate_side: str, posting_side: str) -> str:
    """The memo key of a pair from `candidate_key(...)` and `posting_key(...)`."""
    return f"{candidate_side}:{posting_side}"
