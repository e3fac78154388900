"""The vectorised kernel gives exactly the per-pair scores, whatever the blocks and threads."""

from __future__ import annotations

import numpy as np

from matcher.scoring.kernel import prepare, score_matrix
from matcher.scoring.pair import final_score, score_pair
from matcher.scoring.topk import top_pairs
from matcher.taxonomy import Taxonomy
from tests.matcher.scoring_fixtures import grouped_sample


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


def _agree(taxonomy: Taxonomy, config, cands, postings) -> np.ndarray:
    matrix = score_matrix(prepare(cands, postings, taxonomy, config), config, block=29)
    pair = np.array(
        [[score_pair(c, p, e, taxonomy, config).score for p, e in postings] for c in cands]
    )
    assert np.array_equal(np.vectorize(final_score)(matrix), pair)
    return pair


def test_both_scorers_agree_on_groups_and_narrower_credit(taxonomy: Taxonomy, config) -> None:
    cands, postings = grouped_sample(taxonomy, n_postings=140, n_candidates=25, seed=5)
    assert sum(r.group is not None for _, e in postings for r in e.requirements) > 100
    pair = _agree(taxonomy, config, cands, postings)
    assert pair.std() > 5
    # partial credits both ways (a narrower concept at half, a broader one at a quarter)
    relations = config.relations.model_copy(update={"narrower_credit": 0.5, "broader_credit": 0.25})
    partial = config.model_copy(update={"relations": relations})
    assert not np.array_equal(_agree(taxonomy, partial, cands, postings), pair)
    none = config.model_copy(
        update={"relations": relations.model_copy(update={"narrower_credit": 0.0})}
    )
    _agree(taxonomy, none, cands, postings)
