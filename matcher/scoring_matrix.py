"""All-pairs scoring with numpy / scipy.sparse: the same numbers as `scoring.score_pair`.

Scores are computed per block of postings as three matrix products against constant
candidate-side matrices (see matcher/scoring_prep.py): the numerator (weighted coverage
plus the context components through one-hot candidate groups), the denominator (the
weights of the components that apply) and the credential penalty. Per-concept years are
a sparse correction over the holders of each concept. Blocks run on `workers` threads
(numpy and BLAS release the GIL); only the top K per candidate and per posting are
kept, ties going to the lower index, so the same inputs always keep the same pairs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from operator import attrgetter

import numpy as np

from matcher.gc_pause import collector_paused
from matcher.models import Extraction, Match, Posting
from matcher.profile import CandidateFacts
from matcher.scoring import Ask, AskRow, posting_ask_rows, score_pair
from matcher.scoring_config import ScoringConfig
from matcher.scoring_memo import ExplainMemo, candidate_key, pair_key, posting_key
from matcher.scoring_prep import (
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


def _best_per_group(group: np.ndarray, other: np.ndarray, score: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best per group: highest score first, then the lowest `other`."""
    order = np.lexsort((other, -score, group))
    g = group[order]
    first = np.r_[0, np.nonzero(np.diff(g))[0] + 1]
    rank = np.arange(g.size) - np.repeat(first, np.diff(np.r_[first, g.size]))
    return order[rank < k]


@dataclass(slots=True)
class _BlockTop:
    """What one block contributes: its per-posting top K and its per-candidate contenders."""

    per_posting: np.ndarray  # (n, 2): candidate index, posting index
    cand: np.ndarray
    post: np.ndarray
    score: np.ndarray


def _block_top(
    prep: Prepared, lo: int, hi: int, config: ScoringConfig, k: int, cut: np.ndarray
) -> _BlockTop:
    """Score a block and keep only what can enter a top K (runs on a worker thread).

    `cut` is each candidate's K-th best score so far (-inf while fewer than K are kept);
    a stale cut is only lower, so it keeps a superset and the result does not change.
    """
    scores = score_block(prep, lo, hi, config)
    b, n_c = scores.shape
    if k < n_c:  # per posting (rows): at least the row's K-th value, ties cut by index
        kth = np.partition(scores, n_c - k, axis=1)[:, n_c - k]
        r, c = np.nonzero(scores >= kth[:, None])
        keep = _best_per_group(r, c, scores[r, c], k)
        r, c = r[keep], c[keep]
    else:
        r, c = np.nonzero(np.ones_like(scores, dtype=bool))
    open_ = np.isneginf(cut)
    if open_.any():  # candidates without K yet: their block top K is at least the K-th
        kth = np.partition(scores, b - k, axis=0)[b - k] if k < b else np.full(n_c, -np.inf)
        cut = np.where(open_, kth, cut)
    hr, hc = np.nonzero(scores >= cut[None, :])
    return _BlockTop(np.stack([c, r + lo], axis=1), hc, hr + lo, scores[hr, hc])


class _TopK:
    """The running top K per candidate and the top K per posting of every block."""

    def __init__(self, n_c: int, k: int) -> None:
        self.k = k
        self.n_c = n_c
        self.cand = np.zeros(0, np.int64)
        self.post = np.zeros(0, np.int64)
        self.score = np.zeros(0)
        self.cut = np.full(n_c, -np.inf)  # each candidate's K-th best so far
        self.pairs: list[np.ndarray] = []

    def add(self, part: _BlockTop) -> None:
        self.pairs.append(part.per_posting)
        cand = np.concatenate([self.cand, part.cand])
        post = np.concatenate([self.post, part.post])
        score = np.concatenate([self.score, part.score])
        keep = np.sort(_best_per_group(cand, post, score, self.k))
        self.cand, self.post, self.score = cand[keep], post[keep], score[keep]
        counts = np.bincount(self.cand, minlength=self.n_c)
        full = counts >= self.k
        cut = np.full(self.n_c, -np.inf)
        if full.any():
            order = np.lexsort((self.post, -self.score, self.cand))
            cut[full] = self.score[order][np.cumsum(counts)[full] - 1]
        self.cut = cut

    def result(self, n_p: int) -> tuple[np.ndarray, np.ndarray]:
        """Candidate and posting indexes of the kept pairs, sorted, without repeats."""
        both = np.concatenate([*self.pairs, np.stack([self.cand, self.post], axis=1)])
        key = np.sort(both[:, 0] * n_p + both[:, 1])
        key = key[np.r_[True, key[1:] != key[:-1]]] if key.size else key
        return key // n_p, key % n_p


def top_pairs(
    prep: Prepared, config: ScoringConfig, top_k: int, block: int = 1024, workers: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate and posting indexes of the top K per candidate and per posting, united.

    Blocks are scored and pre-filtered on `workers` threads; ties go to the lower index,
    so the same inputs always keep the same pairs.
    """
    n = len(prep.pm.ids)
    top = _TopK(len(prep.cm.ids), top_k)

    def run(lo: int) -> _BlockTop:
        return _block_top(prep, lo, min(n, lo + block), config, top_k, top.cut)

    starts = range(0, n, block)
    if workers <= 1:
        for lo in starts:
            top.add(run(lo))
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for part in pool.map(run, starts):
                top.add(part)
    return top.result(n)


_MATCH_VALUES = attrgetter(*(f.name for f in fields(Match)))
_RANK_LAST = [f.name for f in fields(Match)][-1] == "rank"


def _unranked(match: Match) -> Match:
    """A shallow copy of `match` with `rank` None (`dataclasses.replace`, 5x quicker)."""
    if _RANK_LAST:
        return Match(*_MATCH_VALUES(match)[:-1])
    return replace(match, rank=None)


def _explain(
    kept: tuple[np.ndarray, np.ndarray],
    candidates: list[CandidateFacts],
    postings: list[tuple[Posting, Extraction]],
    config: ScoringConfig,
    taxonomy: Taxonomy,
    memo: ExplainMemo | None,
) -> dict[int, list[Match]]:
    """`score_pair` of every kept pair (or its memoised copy), grouped by candidate index."""
    by_cand: dict[int, list[Match]] = {}
    cand_keys: dict[int, str] = {}
    post_keys: dict[int, str] = {}
    for ci, pj in zip(*(a.tolist() for a in kept), strict=True):
        posting, ext = postings[pj]
        if memo is None:
            match = score_pair(candidates[ci], posting, ext, taxonomy, config)
        else:
            if ci not in cand_keys:
                cand_keys[ci] = candidate_key(candidates[ci])
            if pj not in post_keys:
                post_keys[pj] = posting_key(posting, ext)
            key = pair_key(cand_keys[ci], post_keys[pj])
            known = memo.previous.get(key)
            if known is not None:
                memo.hits += 1
                stored = known if known.rank is None else _unranked(known)
            else:
                memo.misses += 1
                stored = _unranked(score_pair(candidates[ci], posting, ext, taxonomy, config))
            memo.current[key] = stored
            match = _unranked(stored)  # ranked below: never the memo's own object
        by_cand.setdefault(ci, []).append(match)
    return by_cand


def score_all(
    candidates: list[CandidateFacts],
    postings: list[tuple[Posting, Extraction]],
    config: ScoringConfig,
    top_k: int,
    *,
    taxonomy: Taxonomy,
    block: int = 1024,
    workers: int = 1,
    memo: ExplainMemo | None = None,
) -> list[Match]:
    """Score every candidate against every posting; keep the top K per candidate and per posting.

    Kept pairs are explained with `scoring.score_pair` (the same score, with its breakdown
    and lists). `rank` is the match's place among the candidate's kept matches (1 = best).
    Ordered by candidate, then rank. With `memo` (built for this taxonomy and config), a
    kept pair explained in an earlier run reuses that explanation, and tonight's kept
    pairs are left in `memo.current`.
    """
    if not candidates or not postings or top_k <= 0:
        return []
    with collector_paused():
        prep = prepare(candidates, postings, taxonomy, config)
        kept = top_pairs(prep, config, top_k, block, workers)
        by_cand = _explain(kept, candidates, postings, config, taxonomy, memo)
    out: list[Match] = []
    for ci in sorted(by_cand):
        ranked = sorted(by_cand[ci], key=lambda m: (-m.score, m.posting_id))
        for rank, match in enumerate(ranked, start=1):
            match.rank = rank
            out.append(match)
    return out
