"""All-pairs scoring with numpy / scipy.sparse: the same numbers as `pair.score_pair`.

Scores are computed per block of postings as three matrix products against constant
candidate-side matrices (see matcher/scoring/matrices.py): the numerator (weighted coverage
plus the context components through one-hot candidate groups), the denominator (the
weights of the components that apply) and the credential penalty. Per-concept years are
a sparse correction over the holders of each concept. Blocks run on `workers` threads
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
    cm = build_candidates(candidates, space, config)
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


def _years_correction(
    prep: Prepared, num: np.ndarray, lo: int, hi: int, config: ScoringConfig
) -> None:
    """Add, in place, the per-concept years credit of held asks that state years."""
    cm, pm = prep.cm, prep.pm
    a, z = np.searchsorted(pm.e_post, [lo, hi])
    if z <= a:
        return
    conc = pm.e_concept[a:z]
    starts = cm.holders_ptr[conc]
    counts = cm.holders_ptr[conc + 1] - starts
    total = int(counts.sum())
    if total == 0:
        return
    rep = np.repeat(np.arange(z - a), counts)
    pos = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
    yrs = cm.holder_years[pos]
    credit = np.where(
        np.isnan(yrs),
        config.concept_years.unknown_credit,
        np.clip(yrs / pm.e_years[a:z][rep], config.concept_years.floor, 1.0),
    )
    flat = (pm.e_post[a:z][rep] - lo) * num.shape[1] + cm.holders[pos]
    np.add.at(num.reshape(-1), flat, pm.e_scale[a:z][rep] * (credit - 1.0))


def score_block(prep: Prepared, lo: int, hi: int, config: ScoringConfig) -> np.ndarray:
    """Raw scores (float64, unrounded) of postings lo..hi (rows) against every candidate."""
    cm, pm = prep.cm, prep.pm
    num = _context(prep, lo, hi, config) @ cm.z_ctx
    num += pm.cov[lo:hi] @ cm.z_cov
    _years_correction(prep, num, lo, hi, config)
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
