"""The explanation memo: reused explanations are exactly score_pair's; changes miss it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from matcher.scoring_config import ScoringConfig, load_scoring_config
from matcher.scoring_matrix import score_all
from matcher.scoring_memo import ExplainMemo, memo_context
from matcher.taxonomy import Taxonomy
from tests.matcher.scoring_fixtures import random_sample

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def config() -> ScoringConfig:
    return load_scoring_config(ROOT / "scoring.yaml")


def test_memo_reuses_unchanged_pairs_and_rescores_changed_ones(
    taxonomy: Taxonomy, config: ScoringConfig
) -> None:
    cands, postings = random_sample(taxonomy, n_postings=60, n_candidates=4, seed=5)
    plain = score_all(cands, postings, config, 5, taxonomy=taxonomy)
    memo = ExplainMemo()
    first = score_all(cands, postings, config, 5, taxonomy=taxonomy, memo=memo)
    assert first == plain and memo.hits == 0 and memo.misses == len(plain)

    # next night: one posting's extraction lost its requirements, another moved place
    night2 = list(postings)
    p0, e0 = night2[0]
    night2[0] = (p0, replace(e0, requirements=[]))
    p1, e1 = night2[1]
    night2[1] = (replace(p1, location="Nowhere Special", remote=not p1.remote), e1)
    memo2 = ExplainMemo(previous=memo.current)
    second = score_all(cands, night2, config, 5, taxonomy=taxonomy, memo=memo2)
    assert second == score_all(cands, night2, config, 5, taxonomy=taxonomy)
    changed_ids = {p0.id, p1.id}
    changed_kept = sum(1 for m in second if m.posting_id in changed_ids)
    assert memo2.misses == changed_kept > 0
    assert memo2.hits == len(second) - changed_kept
    assert all(m.rank is None for m in memo2.current.values())

    # a candidate with another fact is not served the old explanations
    cands3 = [replace(cands[0], concepts={**cands[0].concepts, "x.unknown": None}), *cands[1:]]
    memo3 = ExplainMemo(previous=memo2.current)
    third = score_all(cands3, night2, config, 5, taxonomy=taxonomy, memo=memo3)
    assert third == score_all(cands3, night2, config, 5, taxonomy=taxonomy)
    assert memo3.misses >= sum(1 for m in third if m.candidate_id == cands[0].candidate_id)


def test_memo_context_follows_the_config(taxonomy: Taxonomy, config: ScoringConfig) -> None:
    penalty = config.credentials.max_penalty + 1.0
    changed = config.model_copy(
        update={"credentials": config.credentials.model_copy(update={"max_penalty": penalty})}
    )
    assert memo_context(taxonomy, config) == memo_context(taxonomy, config)
    assert memo_context(taxonomy, config) != memo_context(taxonomy, changed)


def test_posting_key_changes_with_salary_but_not_with_text():
    from dataclasses import replace

    from matcher.models import Extraction, Posting
    from matcher.scoring_memo import posting_key

    posting = Posting(
        id="lever:acme:1", source="lever", company="Acme", title="TPM", url="u",
        description_text="text", salary_min=100_000, salary_currency="USD",
    )  # fmt: skip
    extraction = Extraction(id=posting.id)
    key = posting_key(posting, extraction)
    assert posting_key(replace(posting, description_text=""), extraction) == key
    assert posting_key(replace(posting, salary_min=150_000), extraction) != key
    assert posting_key(replace(posting, salary_period="hour"), extraction) != key
