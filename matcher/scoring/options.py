"""`scoring.units` for all pairs at once: candidates' options as matrices, postings' units.

Candidate side: every (candidate, concept) option of `units.options_for` (direct,
through a narrower held concept, through a broader one), stored per concept like a CSC
matrix, with the best base credit (`eff`) and whether the candidate meets the concept
(`meets`: a direct or narrower option) as dense matrices. Posting side: each ask's unit
(an alternative group or the ask alone), numbered in posting order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matcher.profile import CandidateFacts
from matcher.scoring.config import ScoringConfig
from matcher.taxonomy import Taxonomy


@dataclass(slots=True)
class CandidateOptions:
    #: per concept j: its options are ptr[j]:ptr[j+1] of cand / base / years
    ptr: np.ndarray
    cand: np.ndarray
    base: np.ndarray
    years: np.ndarray  # NaN: unknown
    eff: np.ndarray  # n_c x n_concepts: the best base credit (0 when none)
    meets: np.ndarray  # n_c x n_concepts: 1 when a direct or narrower option exists


def _descendants(taxonomy: Taxonomy) -> dict[str, list[str]]:
    """Broader concept id -> every concept that has it among its ancestors."""
    out: dict[str, list[str]] = {}
    for concept in taxonomy.concepts:
        for a in taxonomy.ancestors(concept.id):
            out.setdefault(a, []).append(concept.id)
    return out


def build_options(
    candidates: Sequence[CandidateFacts],
    concepts: dict[str, int],
    taxonomy: Taxonomy,
    config: ScoringConfig,
) -> CandidateOptions:
    """Every candidate's options per concept (the same set `units.options_for` gives)."""
    n, m = len(candidates), len(concepts)
    narrow, broad = config.relations.narrower_credit, config.relations.broader_credit
    below = _descendants(taxonomy) if broad > 0 else {}
    rows: list[tuple[int, int, float, float, bool]] = []  # concept, candidate, base, years, meets
    for i, c in enumerate(candidates):
        for h, yrs in c.concepts.items():
            y = np.nan if yrs is None else float(yrs)
            rows.append((concepts[h], i, 1.0, y, True))
            if narrow > 0:
                rows += [(concepts[a], i, narrow, y, True) for a in taxonomy.ancestors(h)]
            rows += [(concepts[d], i, broad, y, False) for d in below.get(h, ())]
    eff, meets = np.zeros((n, m)), np.zeros((n, m))
    if not rows:
        z = np.zeros(0)
        return CandidateOptions(np.zeros(m + 1, np.int64), z.astype(np.int64), z, z, eff, meets)
    rows.sort(key=lambda r: (r[0], r[1]))
    j, cand, base, years, meet = (np.array(col) for col in zip(*rows, strict=True))
    j, cand = j.astype(np.int64), cand.astype(np.int64)
    np.maximum.at(eff, (cand, j), base.astype(float))
    np.maximum.at(meets, (cand, j), meet.astype(float))
    ptr = np.r_[0, np.cumsum(np.bincount(j, minlength=m))].astype(np.int64)
    return CandidateOptions(ptr, cand, base.astype(float), years.astype(float), eff, meets)


def unit_index(post: np.ndarray, group: Sequence[int | None]) -> np.ndarray:
    """Each ask's unit number: asks of one posting sharing a group share a unit.

    Units are numbered by their first ask, so in posting order when the asks are.

    >>> unit_index(np.array([0, 0, 0, 1, 1]), [None, 4, 4, 4, None]).tolist()
    [0, 1, 1, 2, 3]
    """
    seen: dict[tuple[int, int], int] = {}
    out = np.empty(len(group), np.int64)
    for i, (p, g) in enumerate(zip(post.tolist(), group, strict=True)):
        key = (p, -1 - i) if g is None else (p, g)
        out[i] = seen.setdefault(key, len(seen))
    return out


def first_of_units(unit: np.ndarray) -> np.ndarray:
    """The first ask of each unit (units numbered 0.. in order of their first ask).

    >>> first_of_units(np.array([0, 1, 1, 2, 1])).tolist()
    [0, 1, 3]
    """
    return np.unique(unit, return_index=True)[1].astype(np.int64)
