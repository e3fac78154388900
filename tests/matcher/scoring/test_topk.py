"""Top K per candidate and per posting, explained; stored explanations reused when unchanged."""

from __future__ import annotations

import itertools
from dataclasses import replace

from matcher.models import Match
from matcher.scoring.config import ScoringConfig
from matcher.scoring.kernel import prepare, score_matrix
from matcher.scoring.pair import score_pair
from matcher.scoring.topk import (
    StoredMatch,
    context_hash,
    explain_pairs,
    merge_partitions,
    profile_hash,
    score_all,
    score_partition,
    top_pairs,
    unexplained,
)
from matcher.taxonomy import Taxonomy


def test_top_k_per_candidate_and_per_posting(taxonomy: Taxonomy, config, sample) -> None:
    cands, postings = sample
    prep = prepare(cands, postings, taxonomy, config)
    scores = score_matrix(prep, config)
    k = 3
    kept = set(zip(*(a.tolist() for a in top_pairs(prep, config, k, block=29)), strict=True))
    expected = set()
    for ci in range(len(cands)):  # best first, ties to the lower posting index
        order = sorted(range(len(postings)), key=lambda pj: (-scores[ci, pj], pj))[:k]
        expected |= {(ci, pj) for pj in order}
    for pj in range(len(postings)):
        order = sorted(range(len(cands)), key=lambda ci: (-scores[ci, pj], ci))[:k]
        expected |= {(ci, pj) for ci in order}
    assert kept == expected


def test_score_all_gives_explained_ranked_matches(taxonomy: Taxonomy, config, sample) -> None:
    cands, postings = sample
    cands, postings = cands[:6], postings[:50]
    scored = score_all(cands, postings, config, 5, taxonomy=taxonomy, block=16, workers=2)
    matches = scored.matches
    assert scored.explained == len(matches) and scored.reused == 0
    by_id = {p.id: (p, e) for p, e in postings}
    for m in matches:
        c = next(c for c in cands if c.candidate_id == m.candidate_id)
        again = score_pair(c, *by_id[m.posting_id], taxonomy, config)
        again.rank = m.rank
        assert m == again
    for c in cands:
        mine = [m for m in matches if m.candidate_id == c.candidate_id]
        assert [m.rank for m in mine] == list(range(1, len(mine) + 1))
        assert [m.score for m in mine] == sorted((m.score for m in mine), reverse=True)
        assert len(mine) >= 5
    assert score_all([], postings, config, 5, taxonomy=taxonomy).matches == []


def _stored(scored, postings, cands, context: str) -> list[StoredMatch]:
    """Tonight's matches as the warehouse stores them, with their input digests."""
    hashes = {p.id: p.content_hash for p, _ in postings}
    profiles = {c.candidate_id: profile_hash(c) for c in cands}
    return [
        StoredMatch(replace(m), hashes[m.posting_id], profiles[m.candidate_id], context)
        for m in scored.matches
    ]


def _marked(stored: list[StoredMatch]) -> list[StoredMatch]:
    """Stored rows with a sentinel in the breakdown: a reused row shows it, a redone one not."""
    return [
        replace(s, match=replace(s.match, breakdown={**s.match.breakdown, "stored": 1.0}))
        for s in stored
    ]


def test_an_unchanged_pair_reuses_its_stored_row(taxonomy: Taxonomy, config, sample) -> None:
    cands, postings = sample[0][:6], sample[1][:50]
    first = score_all(cands, postings, config, 5, taxonomy=taxonomy)
    stored = _marked(_stored(first, postings, cands, first.context_hash))
    again = score_all(cands, postings, config, 5, taxonomy=taxonomy, stored=stored)
    assert again.explained == 0 and again.reused == len(first.matches)
    assert all(m.breakdown.get("stored") == 1.0 for m in again.matches)
    unmark = [
        replace(m, breakdown={k: v for k, v in m.breakdown.items() if k != "stored"})
        for m in again.matches
    ]
    assert unmark == first.matches  # same pairs, same explanations, same ranks


def test_a_changed_posting_or_profile_is_explained_again(
    taxonomy: Taxonomy, config, sample
) -> None:
    cands, postings = list(sample[0][:6]), list(sample[1][:50])
    first = score_all(cands, postings, config, 5, taxonomy=taxonomy)
    stored = _marked(_stored(first, postings, cands, first.context_hash))
    kept = first.matches[0]
    # the posting's content changed (its content_hash moved); the candidate's facts changed
    pj = next(j for j, (p, _) in enumerate(postings) if p.id == kept.posting_id)
    posting, ext = postings[pj]
    postings[pj] = (replace(posting, content_hash="changed"), ext)
    ci = next(i for i, c in enumerate(cands) if c.candidate_id == kept.candidate_id)
    other = next(c for c in cands if c.candidate_id != kept.candidate_id)
    cands[ci] = replace(cands[ci], total_years=(cands[ci].total_years or 0) + 1)
    again = score_all(cands, postings, config, 5, taxonomy=taxonomy, stored=stored)
    full = score_all(cands, postings, config, 5, taxonomy=taxonomy)
    redone = {(m.candidate_id, m.posting_id) for m in again.matches if "stored" not in m.breakdown}
    assert again.explained == len(redone) and again.reused == len(again.matches) - len(redone)
    for m in again.matches:
        changed = m.candidate_id == cands[ci].candidate_id or m.posting_id == posting.id
        assert ("stored" not in m.breakdown) == changed
    assert any(
        m.candidate_id == other.candidate_id for m in again.matches if "stored" in m.breakdown
    )
    unmark = [
        replace(m, breakdown={k: v for k, v in m.breakdown.items() if k != "stored"})
        for m in again.matches
    ]
    assert unmark == full.matches  # equal to a full re-score


def test_a_changed_scoring_config_explains_every_pair_again(
    taxonomy: Taxonomy, config: ScoringConfig, sample
) -> None:
    cands, postings = sample[0][:6], sample[1][:50]
    first = score_all(cands, postings, config, 5, taxonomy=taxonomy)
    stored = _stored(first, postings, cands, first.context_hash)
    other = config.model_copy(update={"threshold": config.threshold + 1})
    assert context_hash(taxonomy, other) != first.context_hash
    again = score_all(cands, postings, other, 5, taxonomy=taxonomy, stored=stored)
    assert again.reused == 0 and again.explained == len(again.matches)


def test_a_stored_row_without_digests_is_never_reused(taxonomy: Taxonomy, config, sample) -> None:
    cands, postings = sample[0][:3], sample[1][:20]
    first = score_all(cands, postings, config, 3, taxonomy=taxonomy)
    stored = [StoredMatch(m, None, None, first.context_hash) for m in first.matches]
    again = score_all(cands, postings, config, 3, taxonomy=taxonomy, stored=stored)
    assert again.reused == 0 and again.matches == first.matches
    assert isinstance(again.matches[0], Match)


def _partitioned(taxonomy: Taxonomy, config, cands, postings, k: int, cuts: list[int], stored=()):
    """Score `postings` in the partitions between `cuts`, then merge them."""
    bounds = [0, *cuts, len(postings)]
    parts = [
        score_partition(
            cands,
            postings[lo:hi],
            config,
            k,
            taxonomy=taxonomy,
            offset=lo,
            block=13,
            stored=[s for s in stored if s.match.posting_id in {p.id for p, _ in postings[lo:hi]}],
        )
        for lo, hi in itertools.pairwise(bounds)
    ]
    extra = {}
    for lo, hi in itertools.pairwise(bounds):  # each partition explains its missing pairs
        mine = [
            (ci, pj) for ci, pj in unexplained(parts, len(cands), len(postings), k) if lo <= pj < hi
        ]
        extra |= explain_pairs(
            cands, postings[lo:hi], mine, config, taxonomy=taxonomy, offset=lo, stored=stored
        )
    context = context_hash(taxonomy, config)
    merged = merge_partitions(parts[::-1], cands, len(postings), k, context, extra)
    # no pair explained in vain: the per-posting top K and the missing ones are all kept
    assert sum(len(p.matches) for p in parts) + len(extra) == len(merged.matches)
    return merged


def test_partitions_merged_give_the_one_pass_result(taxonomy: Taxonomy, config, sample) -> None:
    cands, postings = sample
    for k, cuts in ((3, [40, 41, 100]), (5, [80]), (30, [7, 150])):
        one = score_all(cands, postings, config, k, taxonomy=taxonomy, block=29)
        merged = _partitioned(taxonomy, config, cands, postings, k, cuts)
        assert merged.matches == one.matches
        assert (merged.explained, merged.reused) == (one.explained, one.reused)
        assert merged.profile_hashes == one.profile_hashes
        assert merged.context_hash == one.context_hash


def test_partitions_reuse_stored_rows_as_one_pass_does(taxonomy: Taxonomy, config, sample) -> None:
    cands, postings = sample
    first = score_all(cands, postings[:120], config, 4, taxonomy=taxonomy)
    stored = _marked(_stored(first, postings, cands, context_hash(taxonomy, config)))
    one = score_all(cands, postings, config, 4, taxonomy=taxonomy, stored=stored)
    merged = _partitioned(taxonomy, config, cands, postings, 4, [60, 130], stored)
    assert merged.matches == one.matches
    assert one.reused > 0 and (merged.explained, merged.reused) == (one.explained, one.reused)
