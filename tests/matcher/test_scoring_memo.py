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


def _keyed_pair():
    from matcher.models import Degree, Extraction, Posting, Requirement

    posting = Posting(
        id="lever:acme:2", source="lever", company="Acme", title="TPM", url="u",
        description_text="text", location="Austin, TX", remote=False,
    )  # fmt: skip
    reqs = [
        Requirement("tool.jira", "Jira", "tool", True, "Jira daily", 0, 4, 3.0),
        Requirement("credential.pmp", "PMP", "credential", True, "PMP or equivalent", 5, 8),
    ]
    degree = Degree("bachelor", ["computer science"], True, False)
    return posting, Extraction(posting.id, reqs, 5.0, degree, "level.tpm")


def test_posting_key_covers_every_extraction_and_posting_field():
    from dataclasses import replace

    from matcher.models import Degree, Requirement
    from matcher.scoring_memo import posting_key

    posting, ext = _keyed_pair()
    key = posting_key(posting, ext)
    r0, r1 = ext.requirements
    changed_exts = [
        replace(ext, requirements=[replace(r0, years=4.0), r1]),
        replace(ext, requirements=[replace(r0, years=3), r1]),  # int, not float: a miss only
        replace(ext, requirements=[replace(r0, required=False), r1]),
        replace(ext, requirements=[r0, replace(r1, evidence="PMP required")]),
        replace(ext, requirements=[r1, r0]),
        replace(ext, requirements=[r0]),
        replace(
            ext, requirements=[r0, r1, Requirement("tool.jira", "Jira", "tool", False, "", 0, 0)]
        ),
        replace(ext, degree=Degree("master", ["computer science"], True, False)),
        replace(ext, degree=Degree("bachelor", ["physics"], True, False)),
        replace(ext, degree=Degree("bachelor", ["computer science"], True, True)),
        replace(ext, degree=None),
        replace(ext, level="level.senior_tpm"),
        replace(ext, min_years_experience=None),
    ]
    keys = {posting_key(posting, e) for e in changed_exts}
    assert key not in keys and len(keys) == len(changed_exts)
    for change in ({"location": "Boston, MA"}, {"remote": None}, {"remote": True}, {"url": "v"}):
        assert posting_key(replace(posting, **change), ext) != key, change
    # equal values in new objects give the same key
    fresh_posting, fresh_ext = _keyed_pair()
    assert posting_key(fresh_posting, fresh_ext) == key


def test_posting_key_is_the_same_in_another_process():
    """No set order or string hash seed may leak into the key (it is stored between runs)."""
    import subprocess
    import sys

    from matcher.scoring_memo import posting_key

    code = (
        "from tests.matcher.test_scoring_memo import _keyed_pair\n"
        "from matcher.scoring_memo import posting_key\n"
        "print(posting_key(*_keyed_pair()))\n"
    )
    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.strip() == posting_key(*_keyed_pair())


def test_ask_rows_are_posting_asks_and_prepared_asks_match(
    taxonomy: Taxonomy, config: ScoringConfig
) -> None:
    from matcher.scoring import Ask, posting_ask_rows, posting_asks
    from matcher.scoring_matrix import prepare

    cands, postings = random_sample(taxonomy, n_postings=80, n_candidates=3, seed=11)
    posting, ext = _keyed_pair()  # a repeated id: merged, required wins, most years
    r0 = ext.requirements[0]
    ext.requirements.append(replace(r0, required=False, years=6.0, evidence="x"))
    postings.append((posting, ext))
    prep = prepare(cands, postings, taxonomy, config)
    for j, (_, e) in enumerate(postings):
        rows = posting_ask_rows(e, taxonomy, config)
        assert [Ask(*row) for row in rows] == posting_asks(e, taxonomy, config) == prep.asks[j]
    merged = posting_asks(ext, taxonomy, config)[0]
    assert merged.required and merged.years == 6.0 and merged.evidence == r0.evidence
