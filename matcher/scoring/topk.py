"""Keep the best pairs of the all-pairs scores and explain them, reusing stored explanations.

`top_pairs` keeps the top K per candidate and per posting of the kernel's scores (ties go
to the lower index, so the same inputs always keep the same pairs). `score_all` explains
each kept pair with `pair.score_pair`, except a pair whose stored explanation (from the
warehouse) was made from the same inputs: the same posting `content_hash`, the same
candidate facts (`profile_hash`) and the same taxonomy and scoring config
(`context_hash`). Ranks are always computed anew.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np

from matcher.models import Extraction, Match, Posting
from matcher.profile import CandidateFacts
from matcher.scoring.config import ScoringConfig
from matcher.scoring.kernel import Prepared, prepare, score_block
from matcher.scoring.pair import score_pair
from matcher.taxonomy import Taxonomy

#: Bump when a rule of `pair.score_pair` changes: every stored explanation is then redone.
SCORING_VERSION = 2  # 2: alternative groups and broader concepts (issue #11)


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


def _partition_top(
    prep: Prepared, config: ScoringConfig, top_k: int, block: int, workers: int
) -> _TopK:
    """Score every block of `prep` (on `workers` threads) into one running top K."""
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
    return top


def top_pairs(
    prep: Prepared, config: ScoringConfig, top_k: int, block: int = 1024, workers: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate and posting indexes of the top K per candidate and per posting, united.

    Blocks are scored and pre-filtered on `workers` threads; ties go to the lower index,
    so the same inputs always keep the same pairs.
    """
    return _partition_top(prep, config, top_k, block, workers).result(len(prep.pm.ids))


def context_hash(taxonomy: Taxonomy, config: ScoringConfig) -> str:
    """A digest of what every explanation depends on besides the pair itself."""
    blob = f"{SCORING_VERSION}|{taxonomy.content_hash}|{config.model_dump_json()}"
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()


def profile_hash(candidate: CandidateFacts) -> str:
    """A digest of every fact scoring may read of a candidate (their whole `CandidateFacts`)."""
    return hashlib.sha1(repr(candidate).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredMatch:
    """A match as stored by an earlier run, with digests of the inputs it was explained from."""

    match: Match
    posting_hash: str | None
    profile_hash: str | None
    context_hash: str | None


@dataclass(slots=True)
class Scored:
    """Tonight's ranked matches, the input digests to store with them, and what was reused."""

    matches: list[Match]
    context_hash: str
    #: candidate id -> `profile_hash` of the facts scored tonight
    profile_hashes: dict[str, str] = field(default_factory=dict)
    explained: int = 0
    reused: int = 0


def reusable(
    stored: Iterable[StoredMatch],
    candidates: Iterable[CandidateFacts],
    postings: Iterable[tuple[Posting, Extraction]],
    context: str,
) -> tuple[dict[tuple[str, str], Match], dict[str, str]]:
    """The stored matches whose inputs are unchanged, by (candidate id, posting id).

    Also returns each candidate's `profile_hash` (to store with tonight's matches).
    """
    profiles = {c.candidate_id: profile_hash(c) for c in candidates}
    posting_hashes = {p.id: p.content_hash for p, _ in postings}
    same = {
        (s.match.candidate_id, s.match.posting_id): s.match
        for s in stored
        if s.context_hash == context
        and s.profile_hash is not None
        and s.profile_hash == profiles.get(s.match.candidate_id)
        and s.posting_hash is not None
        and s.posting_hash == posting_hashes.get(s.match.posting_id)
    }
    return same, profiles


def stored_ranking(
    stored: Iterable[StoredMatch],
    candidate: CandidateFacts,
    postings: Sequence[tuple[Posting, Extraction]],
    context: str,
    top: int,
    top_k: int,
) -> list[Match] | None:
    """The candidate's best `top` stored matches, best first, if they can stand for a scoring.

    They can when every stored row of the candidate is `reusable` (same facts, postings,
    taxonomy and config) and they hold the best `top`: the stored ranks are the
    candidate's true ranks up to the `top_k` the nightly run kept. None otherwise: the
    caller scores the candidate anew.
    """
    rows = [s for s in stored if s.match.candidate_id == candidate.candidate_id]
    known, _ = reusable(rows, [candidate], postings, context)
    if not rows or len(known) != len(rows) or top > top_k:
        return None
    ranked = sorted(known.values(), key=lambda m: (m.rank or 0, m.posting_id))
    if len(ranked) < min(top, len(postings)):
        return None
    return ranked[:top]


@dataclass(slots=True)
class PartialScores:
    """What one partition of the postings contributes to a scoring of all of them.

    Posting indexes are global (the partition's `offset` added): `per_posting` holds the
    partition's top K per posting (final, since a posting is in one partition only);
    `cand`, `post`, `score` its top K per candidate with their raw scores (contenders for
    the candidates' overall top K); `matches` the per-posting pairs explained, by
    (candidate index, posting index), with whether the explanation was reused.
    """

    per_posting: np.ndarray
    cand: np.ndarray
    post: np.ndarray
    score: np.ndarray
    matches: dict[tuple[int, int], tuple[Match, bool]] = field(default_factory=dict)


def explain_pairs(
    candidates: list[CandidateFacts],
    postings: list[tuple[Posting, Extraction]],
    pairs: Iterable[tuple[int, int]],
    config: ScoringConfig,
    *,
    taxonomy: Taxonomy,
    offset: int = 0,
    stored: Iterable[StoredMatch] = (),
) -> dict[tuple[int, int], tuple[Match, bool]]:
    """Explain `pairs` (candidate index, global posting index) of the partition of
    `postings` starting at `offset`; with whether each explanation was reused.

    A pair is explained with `pair.score_pair` unless `stored` holds it explained from
    the same inputs (see `reusable`), whose row is then reused without its rank.
    """
    known, _ = reusable(stored, candidates, postings, context_hash(taxonomy, config))
    out: dict[tuple[int, int], tuple[Match, bool]] = {}
    for ci, pj in pairs:
        posting, ext = postings[pj - offset]
        match = known.get((candidates[ci].candidate_id, posting.id))
        if match is None:
            out[ci, pj] = score_pair(candidates[ci], posting, ext, taxonomy, config), False
        else:
            out[ci, pj] = replace(match, rank=None), True
    return out


def score_partition(
    candidates: list[CandidateFacts],
    postings: list[tuple[Posting, Extraction]],
    config: ScoringConfig,
    top_k: int,
    *,
    taxonomy: Taxonomy,
    offset: int = 0,
    block: int = 1024,
    workers: int = 1,
    stored: Iterable[StoredMatch] = (),
) -> PartialScores:
    """Score every candidate against `postings` (the partition starting at `offset` of all
    the postings): its top K per posting, explained (`explain_pairs`), and its top K per
    candidate with their raw scores. `merge_partitions` joins the partitions.
    """
    empty = np.zeros(0, np.int64)
    if not candidates or not postings or top_k <= 0:
        return PartialScores(np.zeros((0, 2), np.int64), empty, empty, np.zeros(0))
    top = _partition_top(
        prepare(candidates, postings, taxonomy, config), config, top_k, block, workers
    )
    per_posting = np.concatenate([*top.pairs, np.zeros((0, 2), np.int64)]) + np.array([0, offset])
    part = PartialScores(per_posting, top.cand, top.post + offset, top.score)
    pairs = sorted(set(map(tuple, per_posting.tolist())))
    part.matches = explain_pairs(
        candidates, postings, pairs, config, taxonomy=taxonomy, offset=offset, stored=stored
    )
    return part


def _merged_top(parts: Sequence[PartialScores], n_candidates: int, top_k: int) -> _TopK:
    top = _TopK(n_candidates, top_k)
    for part in parts:
        top.add(_BlockTop(part.per_posting, part.cand, part.post, part.score))
    return top


def unexplained(
    parts: Sequence[PartialScores], n_candidates: int, n_postings: int, top_k: int
) -> list[tuple[int, int]]:
    """The pairs the merge keeps that no partition explained: a candidate's top K pairs
    outside every posting's top K (explain them with `explain_pairs`), sorted."""
    if not n_candidates or not n_postings or top_k <= 0:
        return []
    done = {key for part in parts for key in part.matches}
    kept = _merged_top(parts, n_candidates, top_k).result(n_postings)
    return [p for p in zip(*(a.tolist() for a in kept), strict=True) if p not in done]


def merge_partitions(
    parts: Iterable[PartialScores],
    candidates: Sequence[CandidateFacts],
    n_postings: int,
    top_k: int,
    context: str,
    explained: Mapping[tuple[int, int], tuple[Match, bool]] | None = None,
) -> Scored:
    """Join the partitions of a scoring into the result of scoring them in one pass.

    Per posting, each partition's top K is final; per candidate, the top K of the union
    of the partitions' top K (ties to the lower posting index, as in one pass), explained
    by the partitions or in `explained` (the `unexplained` pairs). `rank` is the match's
    place among the candidate's kept matches (1 = best), set on the partitions' own
    `Match` objects (a pair is kept once); ordered by candidate, then rank.
    """
    parts = list(parts)
    out = Scored([], context, {c.candidate_id: profile_hash(c) for c in candidates})
    if not candidates or n_postings == 0 or top_k <= 0:
        return out
    matches: dict[tuple[int, int], tuple[Match, bool]] = dict(explained or {})
    for part in parts:
        matches.update(part.matches)
    by_cand: dict[int, list[Match]] = {}
    kept = _merged_top(parts, len(candidates), top_k).result(n_postings)
    for ci, pj in zip(*(a.tolist() for a in kept), strict=True):
        match, was_reused = matches[ci, pj]
        out.reused += was_reused
        out.explained += not was_reused
        by_cand.setdefault(ci, []).append(match)
    for ci in sorted(by_cand):
        ranked = sorted(by_cand[ci], key=lambda m: (-m.score, m.posting_id))
        for rank, match in enumerate(ranked, start=1):
            match.rank = rank
            out.matches.append(match)
    return out


def score_all(
    candidates: list[CandidateFacts],
    postings: list[tuple[Posting, Extraction]],
    config: ScoringConfig,
    top_k: int,
    *,
    taxonomy: Taxonomy,
    block: int = 1024,
    workers: int = 1,
    stored: Iterable[StoredMatch] = (),
) -> Scored:
    """Score every candidate against every posting; keep the top K per candidate and per posting.

    One partition holding every posting (`score_partition`, `explain_pairs`,
    `merge_partitions`): kept pairs are explained with `pair.score_pair` (the same score,
    with its breakdown and lists) unless `stored` holds the pair explained from the same
    inputs (see `reusable`). `rank` is the match's place among the candidate's kept
    matches (1 = best). Ordered by candidate, then rank.
    """
    stored = list(stored)
    part = score_partition(
        candidates,
        postings,
        config,
        top_k,
        taxonomy=taxonomy,
        block=block,
        workers=workers,
        stored=stored,
    )
    missing = unexplained([part], len(candidates), len(postings), top_k)
    extra = explain_pairs(candidates, postings, missing, config, taxonomy=taxonomy, stored=stored)
    context = context_hash(taxonomy, config)
    return merge_partitions([part], candidates, len(postings), top_k, context, extra)
