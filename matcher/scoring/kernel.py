"""All-pairs scoring with numpy / scipy.sparse: the same numbers as `pair.score_pair`.

Scores are computed per block of postings as three matrix products against constant
candidate-side matrices (see matcher/scoring/matrices.py): the numerator (weighted coverage
plus the context components through one-hot candidate groups), the denominator (the
weights of the components that apply) and the credential penalty. Alternative groups and
asks with per-concept years ("special" units) are a sparse sum over the options of each
member's concept (`scoring.options`); required credential groups add their penalty
per group. Blocks run on `workers` threads
(numpy and BLAS release the GIL); `topk.py` keeps the best pairs of each block.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from matcher.models import Extraction, Posting
from matcher.profile import CandidateFacts
from matcher.scoring.config import ScoringConfig
from matcher.scoring.matrices import (
    MODE_NONE,
    MODE_ONSITE,
    MODE_REMOTE,
    CandidateMatrix,
    PostingMatrix,
    Tables,
    build_candidates,
    build_postings,
    build_space,
    build_tables,
    flatten_asks,
)
from matcher.scoring.pair import Ask, AskRow, posting_ask_rows
from matcher.taxonomy import Taxonomy


@dataclass(slots=True)
class Prepared:
    """Everything the block kernel needs, built once."""

    cm: CandidateMatrix
    pm: PostingMatrix
    tables: Tables
    #: each posting's `scoring.posting_ask_rows`
    ask_rows: list[list[AskRow]]
    currencies: list[int]
    _asks: list[list[Ask]] | None = None

    @property
    def asks(self) -> list[list[Ask]]:
        """Each posting's `scoring.posting_asks` (built on first use)."""
        if self._asks is None:
            self._asks = [[Ask(*row) for row in rows] for rows in self.ask_rows]
        return self._asks


def prepare(
    candidates: Sequence[CandidateFacts],
    postings: Sequence[tuple[Posting, Extraction]],
    taxonomy: Taxonomy,
    config: ScoringConfig,
) -> Prepared:
    """Build the matrices for a set of candidates and postings."""
    rows = [posting_ask_rows(ext, taxonomy, config) for _, ext in postings]
    flat = flatten_asks(rows)
    space = build_space(candidates, postings, flat, taxonomy)
    cm = build_candidates(candidates, space, taxonomy, config)
    pm = build_postings(postings, flat, space, taxonomy, config)
    tables = build_tables(cm, pm, config)
    return Prepared(cm, pm, tables, rows, list(space.currencies.values()))


def _context(prep: Prepared, lo: int, hi: int, config: ScoringConfig) -> np.ndarray:
    """Per posting x candidate group: the context components' weighted credits."""
    cm, pm, tb = prep.cm, prep.pm, prep.tables
    nums: list[np.ndarray] = []
    # total years
    w, g = config.component_weight("years"), cm.groups["years"][:, 0][None, :]
    ask = pm.years_ask[lo:hi][:, None]
    act = ~np.isnan(ask) & ~np.isnan(g)
    ratio = np.minimum(1.0, np.nan_to_num(g) / np.nan_to_num(ask, nan=1.0))
    nums.append(np.where(act, w * ratio**config.years.exponent, 0.0))
    # degree
    w, g = config.component_weight("degree"), cm.groups["degree"]
    prank = pm.degree_rank[lo:hi][:, None]
    has = ~np.isnan(prank)
    met = g[None, :, 0] >= np.nan_to_num(prank, nan=np.inf)
    fok = tb.field_ok[g[:, 1].astype(np.int64)][:, pm.fieldset_idx[lo:hi]].T
    credit = np.where(met, np.where(fok, 1.0, config.degree.field_mismatch_credit), 0.0)
    credit = np.where(met, credit, pm.degree_short[lo:hi][:, None])
    nums.append(w * credit * has)
    # level
    w, g = config.component_weight("level"), cm.groups["level"][:, 0][None, :]
    plev = pm.level_rank[lo:hi][:, None]
    act = ~np.isnan(plev) & ~np.isnan(g)
    dist = np.abs(np.nan_to_num(g) - np.nan_to_num(plev)).astype(np.int64)
    nums.append(np.where(act, w * tb.level[np.minimum(dist, len(tb.level) - 1)], 0.0))
    # location
    w, g = config.component_weight("location"), cm.groups["location"].astype(np.int64)
    mode = pm.mode[lo:hi][:, None]
    same = tb.place[g[:, 1]][:, pm.loc_idx[lo:hi]].T
    case = np.where(mode == MODE_ONSITE, 1, 3) + ~same
    case = np.where(mode == MODE_REMOTE, 0, case)
    has = mode != MODE_NONE
    credit = tb.location[g[:, 0][None, :], case]
    nums.append(w * credit * has)
    # salary
    w, g = config.component_weight("salary"), cm.groups["salary"]
    want, gcur = g[:, 0][None, :], g[:, 1][None, :]
    top, pcur = pm.salary_top[lo:hi][:, None], pm.currency[lo:hi][:, None]
    act = ~np.isnan(top) & ~np.isnan(want) & (np.nan_to_num(want) > 0)
    act &= (pcur == gcur) & (gcur >= 0)
    want = np.where(act, want, 1.0)
    top = np.nan_to_num(top)
    short = np.maximum(0.0, 1.0 - (want - top) / (want * config.salary.tolerance))
    nums.append(np.where(act, w * np.where(top >= want, 1.0, short), 0.0))
    nums.append(pm.num_const[lo:hi][:, None])
    return np.hstack(nums)


def _denominator(prep: Prepared, lo: int, hi: int, config: ScoringConfig) -> np.ndarray:
    """Sum of the weights of the components that apply, per posting x candidate."""
    pm, w = prep.pm, config.component_weight
    cols = [
        pm.den_base[lo:hi]
        + w("degree") * ~np.isnan(pm.degree_rank[lo:hi])
        + w("location") * (pm.mode[lo:hi] != MODE_NONE),
        w("years") * ~np.isnan(pm.years_ask[lo:hi]),
        w("level") * ~np.isnan(pm.level_rank[lo:hi]),
    ]
    top_known = ~np.isnan(pm.salary_top[lo:hi])
    cols += [w("salary") * (top_known & (pm.currency[lo:hi] == cur)) for cur in prep.currencies]
    return np.stack(cols, axis=1) @ prep.cm.z_den


def _unit_credits(prep: Prepared, num: np.ndarray, lo: int, hi: int, config: ScoringConfig) -> None:
    """Add, in place, the credit of the special units: per (unit, candidate) the best
    base credit x years credit over the unit's members and the candidate's options."""
    pm, op = prep.pm, prep.cm.options
    a, z = np.searchsorted(pm.s_post, [lo, hi])
    if z <= a:
        return
    conc = pm.s_concept[a:z]
    starts = op.ptr[conc]
    counts = op.ptr[conc + 1] - starts
    total = int(counts.sum())
    if total == 0:
        return
    rep = np.repeat(np.arange(z - a), counts)
    pos = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
    yrs, asked = op.years[pos], pm.s_years[a:z][rep]
    cy = config.concept_years
    with np.errstate(invalid="ignore"):
        ratio = np.clip(yrs / asked, cy.floor, 1.0)
    credit = op.base[pos] * np.where(
        np.isnan(asked), 1.0, np.where(np.isnan(yrs), cy.unknown_credit, ratio)
    )
    unit, cand = pm.s_unit[a:z][rep], op.cand[pos]
    key = unit * num.shape[1] + cand
    order = np.lexsort((-credit, key))
    best = order[np.r_[True, key[order][1:] != key[order][:-1]]]
    flat = (pm.su_post[unit[best]] - lo) * num.shape[1] + cand[best]
    np.add.at(num.reshape(-1), flat, pm.su_scale[unit[best]] * credit[best])


def _group_penalties(
    prep: Prepared, pen: np.ndarray, rows: np.ndarray, lo: int, hi: int, config: ScoringConfig
) -> None:
    """Take off, in place, the part of each required credential group's base the candidate
    does not owe: all of it when a member is met, (1 - s) of it for a held category."""
    pm, z = prep.pm, prep.cm.z_pen
    s = config.credentials.same_category_factor
    a, b = np.searchsorted(pm.g_post, [lo, hi])
    for g in range(a, b):
        met = z[pm.g_members[g]].max(axis=0)
        cats = pm.g_cats[g]
        cat = z[cats].max(axis=0) if cats.size else np.zeros(z.shape[1])
        owed = (1.0 - met) * (1.0 - (1.0 - s) * cat)
        pen[np.searchsorted(rows, pm.g_post[g] - lo)] -= pm.g_base[g] * (1.0 - owed)


def score_block(prep: Prepared, lo: int, hi: int, config: ScoringConfig) -> np.ndarray:
    """Raw scores (float64, unrounded) of postings lo..hi (rows) against every candidate."""
    cm, pm = prep.cm, prep.pm
    num = _context(prep, lo, hi, config) @ cm.z_ctx
    num += pm.cov[lo:hi] @ cm.z_cov
    _unit_credits(prep, num, lo, hi, config)
    den = _denominator(prep, lo, hi, config)
    if pm.den_base[lo:hi].min(initial=1.0) > 0:  # then every den > 0: divide in place
        scores = np.divide(num, den, out=num)
    else:
        scores = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    scores *= 100.0
    pen_const = pm.pen_const[lo:hi]
    rows = np.nonzero(pen_const > 0)[0]
    if rows.size:
        pen = pen_const[rows][:, None] - pm.pen[lo:hi][rows] @ cm.z_pen
        _group_penalties(prep, pen, rows, lo, hi, config)
        scores[rows] -= np.clip(pen, 0.0, config.credentials.max_penalty)
    return np.clip(scores, 0.0, 100.0, out=scores)


def iter_blocks(
    prep: Prepared, config: ScoringConfig, block: int = 1024, workers: int = 1
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield (first posting index, scores of that block: postings x candidates) in order."""
    n = len(prep.pm.ids)
    starts = list(range(0, n, block))

    def run(lo: int) -> np.ndarray:
        return score_block(prep, lo, min(n, lo + block), config)

    if workers <= 1:
        for lo in starts:
            yield lo, run(lo)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        yield from zip(starts, pool.map(run, starts), strict=True)


def score_matrix(prep: Prepared, config: ScoringConfig, block: int = 1024) -> np.ndarray:
    """Every pair's raw score (n_candidates x n_postings); for tests and small inputs."""
    out = np.zeros((len(prep.cm.ids), len(prep.pm.ids)))
    for lo, scores in iter_blocks(prep, config, block):
        out[:, lo : lo + scores.shape[0]] = scores.T
    return out
