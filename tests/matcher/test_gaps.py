"""Gap analysis arithmetic: lifts over the threshold and average lifts, checked pair by pair."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from matcher.gaps import find_gaps
from matcher.scoring.config import ScoringConfig, load_scoring_config
from matcher.scoring.pair import judge_asks, posting_asks, score_pair
from matcher.taxonomy import Taxonomy
from tests.matcher.scoring_fixtures import candidate, grouped_sample, posting, random_sample, req

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def config() -> ScoringConfig:
    return load_scoring_config(ROOT / "scoring.yaml")


def test_kanban_lifts_the_postings_that_ask_for_it(taxonomy: Taxonomy, config) -> None:
    jira, kanban, sql = (req(taxonomy, c) for c in ("tool.jira", "method.kanban", "tool.sql"))
    postings = [posting(i, [jira, kanban]) for i in range(4)]  # 45 -> 100 with Kanban
    postings += [posting(10, [jira, req(taxonomy, "method.kanban", required=False)])]
    postings += [posting(11, [jira, sql])]
    cand = candidate(concepts={"tool.jira": None})
    gaps = find_gaps(cand, postings, taxonomy, config)
    assert [g.concept_id for g in gaps] == ["method.kanban", "tool.sql"]
    kanban_gap = gaps[0]
    assert kanban_gap.lifts_over_threshold == 4  # the preferred ask does not reach 70
    assert kanban_gap.postings_improved == 5
    assert (kanban_gap.required_in, kanban_gap.preferred_in) == (4, 1)
    assert kanban_gap.sentence.startswith("adding Kanban lifts 4 postings to 70 or more")


def test_gap_figures_match_rescoring_pair_by_pair(taxonomy: Taxonomy, config) -> None:
    cands, postings = random_sample(taxonomy, n_postings=60, n_candidates=3, seed=5)
    cand = cands[0]
    gaps = find_gaps(cand, postings, taxonomy, config, limit=None)
    assert gaps
    base = [score_pair(cand, p, e, taxonomy, config).score for p, e in postings]
    for gap in gaps[:8]:
        plus = replace(cand, concepts={**cand.concepts, gap.concept_id: None})
        new = [score_pair(plus, p, e, taxonomy, config).score for p, e in postings]
        lifts = [n - b for n, b in zip(new, base, strict=True) if n > b]
        crossed = sum(b < config.threshold <= n for n, b in zip(new, base, strict=True))
        assert gap.lifts_over_threshold == crossed
        assert gap.postings_improved == len(lifts)
        assert gap.average_lift == pytest.approx(sum(lifts) / len(lifts), abs=0.006)
        assert gap.total_lift == pytest.approx(sum(lifts), abs=0.01)
    keys = [(-g.lifts_over_threshold, -g.total_lift) for g in gaps]
    assert keys == sorted(keys)


def test_no_gaps_without_postings_or_when_everything_is_held(taxonomy: Taxonomy, config) -> None:
    cand = candidate(concepts={"tool.jira": None})
    assert find_gaps(cand, [], taxonomy, config) == []
    assert find_gaps(cand, [posting(1, [req(taxonomy, "tool.jira")])], taxonomy, config) == []


def test_gaps_never_recommend_an_ask_already_met(taxonomy: Taxonomy, config) -> None:
    def grouped(ids: list[str], group: int) -> list:
        return [replace(req(taxonomy, c), group=group) for c in ids]

    postings = [
        posting(
            1, [*grouped(["credential.pmp", "credential.pgmp"], 1), req(taxonomy, "tool.jira")]
        ),
        posting(
            2, [*grouped(["tool.aws", "tool.azure", "tool.gcp"], 1), req(taxonomy, "tool.jira")]
        ),
        posting(3, [req(taxonomy, "method.agile"), req(taxonomy, "tool.jira")]),
        posting(4, [*grouped(["method.kanban", "method.lean"], 1), req(taxonomy, "tool.jira")]),
        posting(5, [*grouped(["method.kanban", "method.lean"], 2), req(taxonomy, "tool.jira")]),
    ]
    cand = candidate(concepts={"credential.pmp": None, "tool.gcp": None, "method.scrum": None})
    ids = [g.concept_id for g in find_gaps(cand, postings, taxonomy, config, limit=None)]
    assert ids[0] == "tool.jira"
    for met in ("credential.pgmp", "tool.aws", "tool.azure", "method.agile"):
        assert met not in ids
    # an unmet group is one recommendation: its best member (ties: the lower id)
    assert ids == ["tool.jira", "method.kanban"]
    # and on random grouped postings every recommended concept is in some unmet ask
    cands, many = grouped_sample(taxonomy, n_postings=60, n_candidates=3, seed=8)
    for c in cands:
        unmet = {
            a.concept_id
            for _, e in many
            for members, result in judge_asks(
                c, posting_asks(e, taxonomy, config), taxonomy, config
            )
            if not result.met
            for a in members
        }
        gaps = find_gaps(c, many, taxonomy, config, limit=None)
        assert gaps and {g.concept_id for g in gaps} <= unmet
