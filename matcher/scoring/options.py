"""`scoring.units` for all pairs at once: candidates' options as matrices, postings' units.

Candidate side: every (candidate, concept) option of `units.options_for` (direct,
through a narrower held concept, through a broader one), stored per concept like a CSC
matrix, with the best base credit (`eff`) and whether the candidate meets the concept
(`meets`: a direct or narrower option) as dense matrices. Posting side: each ask's unit
(an alternative group or the ask alone), numbered in posting order, with the coverage
scales and the credential-penalty coefficients of the units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from matcher.profile import CandidateFacts
from matcher.scoring.config import ScoringConfig
from matcher.taxonomy import Taxonomy

if TYPE_CHECKING:
    from matcher.scoring.matrices import FlatAsks, Space


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


@dataclass(slots=True)
class AskUnits:
    """Each ask's concept index and unit; per unit its first ask, posting and scale."""

    j: np.ndarray
    unit: np.ndarray
    first: np.ndarray
    post: np.ndarray
    required: np.ndarray
    size: np.ndarray
    special: np.ndarray  # per unit: a group or an ask with years
    scale: np.ndarray


def ask_columns(
    flat: FlatAsks, n: int, space: Space, config: ScoringConfig
) -> tuple[AskUnits, np.ndarray, np.ndarray]:
    """The asks as units (`scoring.units`); per posting the constant terms.

    Sums run in unit order from 0.0 (`np.bincount` adds in input order), so every value
    is the one the per-unit loop of `scoring.score_pair` arrives at.
    """
    w_req, w_pref = config.component_weight("required"), config.component_weight("preferred")
    j = np.fromiter(map(space.concepts.__getitem__, flat.concept_id), np.int64, len(flat.post))
    unit = unit_index(flat.post, flat.group or (None,) * len(flat.post))
    first = first_of_units(unit)
    n_u = first.size
    post, weight = flat.post[first], flat.weight[first]
    req = np.bincount(unit, weights=flat.required, minlength=n_u) > 0
    size = np.bincount(unit, minlength=n_u)
    years = np.bincount(unit, weights=~np.isnan(flat.years), minlength=n_u) > 0
    tot_req = np.bincount(post[req], weights=weight[req], minlength=n)
    tot_pref = np.bincount(post[~req], weights=weight[~req], minlength=n)
    den_base = w_req + np.where(tot_pref > 0, w_pref, 0.0)
    num_const = np.where(tot_req <= 0, w_req * config.empty_required_credit, 0.0)
    tot = np.where(req, tot_req[post], tot_pref[post])
    if np.any(tot == 0):
        raise ZeroDivisionError("float division by zero (an ask kind with weight 0)")
    scale = weight * (np.where(req, w_req, w_pref) / tot)
    units = AskUnits(j, unit, first, post, req, size, (size > 1) | years, scale)
    return units, num_const, den_base


def penalty_columns(
    flat: FlatAsks, u: AskUnits, n: int, space: Space, config: ScoringConfig
) -> tuple[sp.csr_matrix, np.ndarray, tuple[np.ndarray, np.ndarray, list, list]]:
    """Credential-penalty coefficients: one-ask units as a matrix, groups as lists.

    A one-ask unit's penalty is linear in the candidate's `z_pen` rows:
    base * (1 - meets) * (1 - (1 - s) * category held)
    = base - base * meets - base (1 - s) * category + base (1 - s) * meets and category.
    """
    cfg, m = config.credentials, len(space.concepts)
    s, n_cat = cfg.same_category_factor, len(space.categories)
    is_cred = np.array([k == "credential" for k in flat.kind], dtype=bool)
    unit_cred = np.bincount(u.unit, weights=is_cred, minlength=u.first.size) > 0
    unit_soft = np.bincount(u.unit, weights=flat.softened, minlength=u.first.size) > 0
    pen_units = np.nonzero(u.required & unit_cred)[0]
    base = cfg.missing_required_penalty * np.where(unit_soft, cfg.or_equivalent_factor, 1.0)
    pen_const = np.bincount(u.post[pen_units], weights=base[pen_units], minlength=n)
    single = pen_units[u.size[pen_units] == 1]
    cj = u.j[u.first[single]]
    k = m + np.array(
        [space.categories[space.credential_category[flat.concept_id[a]]] for a in u.first[single]],
        dtype=np.int64,
    )
    b = base[single]
    rows = np.repeat(u.post[single], 3)
    cols = np.stack([cj, k, m + n_cat + cj], axis=1).ravel()
    vals = np.stack([b, b * (1 - s), -b * (1 - s)], axis=1).ravel()
    pen = sp.csr_matrix((vals, (rows, cols)), shape=(n, 2 * m + n_cat))
    groups = pen_units[u.size[pen_units] > 1]
    by_unit = np.argsort(u.unit, kind="stable")  # each unit's asks, in ask order
    starts = np.r_[0, np.cumsum(u.size)]
    members = [by_unit[starts[g] : starts[g + 1]] for g in groups]
    cats = [
        np.array(
            sorted(
                {
                    m + space.categories[space.credential_category[flat.concept_id[a]]]
                    for a in ask
                    if is_cred[a]
                }
            ),
            dtype=np.int64,
        )
        for ask in members
    ]
    g = (u.post[groups], base[groups], [u.j[a] for a in members], cats)
    return pen, pen_const, g
