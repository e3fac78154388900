"""The vectorised scorer gives exactly the per-pair scores, and keeps the right top K."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matcher.scoring import final_score, score_pair
from matcher.scoring_config import ScoringConfig, load_scoring_config
from matcher.scoring_matrix import prepare, score_all, score_matrix, top_pairs
from matcher.taxonomy import Taxonomy
from tests.matcher.scoring_fixtures import random_sample

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def config() -> ScoringConfig:
    return load_scoring_config(ROOT / "scoring.yaml")


@pytest.fixture(scope="module")
def sample(taxonomy: Taxonomy):
    return random_sample(taxonomy, n_postings=160, n_candidates=25, seed=11)


def test_vectorised_equals_per_pair(taxonomy: Taxonomy, config, sample) -> None:
    cands, postings = sample
    matrix = score_matrix(prepare(cands, postings, taxonomy, config), config, block=37)
    pair = np.array(
        [[score_pair(c, p, e, taxonomy, config).score for p, e in postings] for c in cands]
    )
    shown = np.vectorize(final_score)(matrix)
    assert np.array_equal(shown, pair)
    assert pair.std() > 5  # the sample really spreads the scores


def test_blocks_and_threads_do_not_change_the_result(taxonomy: Taxonomy, config, sample) -> None:
    cands, postings = sample
    prep = prepare(cands, postings, taxonomy, config)
    small, large = score_matrix(prep, config, block=7), score_matrix(prep, config, block=500)
    # BLAS may sum in another order for another shape: equal to the last shown digit
    assert np.allclose(small, large, rtol=0, atol=1e-9)
    assert np.array_equal(np.vectorize(final_score)(small), np.vectorize(final_score)(large))
    one, two = (np.stack(top_pairs(prep, config, 4, block=13, workers=w)) for w in (1, 2))
    assert np.array_equal(one, two)


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
    matches = score_all(cands, postings, config, 5, taxonomy=taxonomy, block=16, workers=2)
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
    assert score_all([], postings, config, 5, taxonomy=taxonomy) == []
