"""Per-pair scoring: who holds what scores higher, penalties, years, determinism, config."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from matcher.models import Degree
from matcher.scoring.config import (
    ScoringConfig,
    ScoringConfigError,
    load_scoring_config,
    parse_scoring_config,
)
from matcher.scoring.pair import score_pair
from matcher.taxonomy import Taxonomy
from tests.matcher.scoring_fixtures import candidate, posting, req

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def config() -> ScoringConfig:
    return load_scoring_config(ROOT / "scoring.yaml")


def test_holding_what_a_posting_requires_scores_higher(taxonomy: Taxonomy, config) -> None:
    p, e = posting(1, [req(taxonomy, "tool.jira"), req(taxonomy, "method.kanban")])
    holder = candidate("A", concepts={"tool.jira": None, "method.kanban": None})
    other = candidate("B", concepts={"tool.confluence": None})
    a, b = (score_pair(c, p, e, taxonomy, config) for c in (holder, other))
    assert a.score > b.score
    assert a.matched == ["tool.jira", "method.kanban"] and a.missing_required == []
    assert b.missing_required == ["tool.jira", "method.kanban"] and b.matched == []


def test_breakdown_adds_up_to_the_score(taxonomy: Taxonomy, config) -> None:
    p, e = posting(
        2,
        [
            req(taxonomy, "tool.jira"),
            req(taxonomy, "credential.pmp"),
            req(taxonomy, "method.kanban", required=False),
        ],
        min_years=5,
        degree=Degree("bachelor"),
        level="level.tpm",
        location="Austin, TX",
        remote=False,
        salary_min=120000,
        salary_max=150000,
        salary_currency="USD",
        salary_period="year",
    )
    c = candidate(
        concepts={"tool.jira": 2.0},
        total_years=3,
        degree_level="master",
        level_rank=3,
        location="Austin, TX",
        remote_pref="onsite",
        salary_min=140000,
        salary_currency="USD",
        salary_period="year",
    )
    m = score_pair(c, p, e, taxonomy, config)
    assert set(m.breakdown) == {
        "required",
        "preferred",
        "years",
        "degree",
        "level",
        "location",
        "salary",
        "credential_penalty",
    }
    assert abs(sum(m.breakdown.values()) - m.score) < 0.05
    assert m.breakdown["credential_penalty"] == -12.0


def test_missing_required_credential_is_a_strong_penalty(taxonomy: Taxonomy, config) -> None:
    p, e = posting(3, [req(taxonomy, "tool.jira"), req(taxonomy, "credential.pmp")])
    with_pmp = candidate("A", concepts={"tool.jira": None, "credential.pmp": None})
    without = candidate("B", concepts={"tool.jira": None})
    a, b = (score_pair(c, p, e, taxonomy, config) for c in (with_pmp, without))
    assert a.breakdown["credential_penalty"] == 0.0
    assert b.breakdown["credential_penalty"] == -config.credentials.missing_required_penalty
    # the penalty comes on top of the lost coverage
    assert a.score - b.score > config.credentials.missing_required_penalty


def test_credential_penalty_is_softened_and_capped(taxonomy: Taxonomy, config) -> None:
    cfg = config.credentials
    soft = posting(4, [req(taxonomy, "credential.pmp", evidence="PMP or equivalent.")])
    plain = posting(5, [req(taxonomy, "credential.pmp", evidence="PMP required.")])
    nobody = candidate("A")
    assert score_pair(nobody, *soft, taxonomy, config).breakdown["credential_penalty"] == (
        pytest.approx(-cfg.missing_required_penalty * cfg.or_equivalent_factor, abs=0.005)
    )
    # a credential of the same taxonomy category (PRINCE2 for PMP) softens it too
    prince = candidate("B", concepts={"credential.prince2": None})
    assert score_pair(prince, *plain, taxonomy, config).breakdown["credential_penalty"] == (
        pytest.approx(-cfg.missing_required_penalty * cfg.same_category_factor, abs=0.005)
    )
    many = posting(
        6,
        [
            req(taxonomy, c)
            for c in ("credential.pmp", "credential.capm", "credential.safe", "credential.itil")
        ],
    )
    assert score_pair(nobody, *many, taxonomy, config).breakdown["credential_penalty"] == (
        -cfg.max_penalty
    )


def test_years_count(taxonomy: Taxonomy, config) -> None:
    p, e = posting(7, [req(taxonomy, "tool.jira")], min_years=6)
    junior = candidate("A", concepts={"tool.jira": None}, total_years=2)
    senior = candidate("B", concepts={"tool.jira": None}, total_years=8)
    a, b = (score_pair(c, p, e, taxonomy, config) for c in (junior, senior))
    assert b.score > a.score
    assert b.breakdown["years"] == pytest.approx(3 * a.breakdown["years"], abs=0.02)


def test_per_concept_years(taxonomy: Taxonomy, config) -> None:
    p, e = posting(8, [req(taxonomy, "tool.jira", years=4), req(taxonomy, "tool.confluence")])
    scores = [
        score_pair(
            candidate(concepts={"tool.jira": y, "tool.confluence": None}), p, e, taxonomy, config
        ).breakdown["required"]
        for y in (1.0, 3.0, 4.0, 9.0, None)
    ]
    one, three, four, nine, unknown = scores
    assert one < three < four == nine
    assert one == pytest.approx(four * (1 + config.concept_years.floor) / 2, abs=0.02)
    assert unknown == pytest.approx(four * (1 + config.concept_years.unknown_credit) / 2, abs=0.02)


def test_preferred_only_difference(taxonomy: Taxonomy, config) -> None:
    p, e = posting(9, [req(taxonomy, "tool.jira"), req(taxonomy, "tool.tableau", required=False)])
    a = score_pair(
        candidate("A", concepts={"tool.jira": None, "tool.tableau": None}), p, e, taxonomy, config
    )
    b = score_pair(candidate("B", concepts={"tool.jira": None}), p, e, taxonomy, config)
    assert a.breakdown["required"] == b.breakdown["required"]
    assert a.score > b.score
    assert b.missing_preferred == ["tool.tableau"] and b.missing_required == []


def test_degree_or_equivalent_softens(taxonomy: Taxonomy, config) -> None:
    strict = posting(10, [req(taxonomy, "tool.jira")], degree=Degree("bachelor"))
    soft = posting(11, [req(taxonomy, "tool.jira")], degree=Degree("bachelor", or_equivalent=True))
    none = candidate(concepts={"tool.jira": None})
    assert (
        score_pair(none, *soft, taxonomy, config).score
        > score_pair(none, *strict, taxonomy, config).score
    )
    holder = candidate(concepts={"tool.jira": None}, degree_level="master")
    assert score_pair(holder, *strict, taxonomy, config).breakdown["degree"] > 0


def test_salary_only_when_both_known_in_one_currency(taxonomy: Taxonomy, config) -> None:
    p, e = posting(
        12,
        [req(taxonomy, "tool.jira")],
        salary_min=100000,
        salary_currency="EUR",
        salary_period="year",
    )
    usd = candidate(salary_min=90000, salary_currency="USD", salary_period="year")
    eur = candidate(salary_min=90000, salary_currency="EUR", salary_period="year")
    assert "salary" not in score_pair(usd, p, e, taxonomy, config).breakdown
    assert score_pair(eur, p, e, taxonomy, config).breakdown["salary"] > 0


def test_same_inputs_same_score(taxonomy: Taxonomy, config) -> None:
    p, e = posting(
        13,
        [req(taxonomy, "tool.jira"), req(taxonomy, "credential.pmp")],
        min_years=3,
        location="Austin, TX",
    )
    c = candidate(concepts={"tool.jira": 1.0}, total_years=4, location="Austin, TX")
    first = score_pair(c, p, e, taxonomy, config)
    assert all(score_pair(c, p, e, taxonomy, config) == first for _ in range(5))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"components": {"required": "lots"}}, "key 'components.required'"),
        ({"kind_weights": {"gadget": 1.0}}, "unknown kind(s) ['gadget']"),
        ({"level": {"credit_by_distance": [1.0, 2.0]}}, "between 0 and 1"),
        ({"threshold": 170}, "key 'threshold'"),
    ],
)
def test_config_errors_name_the_key(change: dict, expected: str) -> None:
    raw = yaml.safe_load((ROOT / "scoring.yaml").read_text(encoding="utf-8"))
    for key, value in change.items():
        raw[key] = (
            {**raw[key], **value} if isinstance(value, dict) and key != "kind_weights" else value
        )
    with pytest.raises(ScoringConfigError) as err:
        parse_scoring_config(raw, origin="scoring.yaml")
    assert expected in str(err.value) and str(err.value).startswith("scoring.yaml: ")


def test_config_missing_key_and_file(tmp_path: Path) -> None:
    raw = yaml.safe_load((ROOT / "scoring.yaml").read_text(encoding="utf-8"))
    del raw["salary"]
    with pytest.raises(ScoringConfigError, match="key 'salary': Field required"):
        parse_scoring_config(raw, origin="scoring.yaml")
    with pytest.raises(ScoringConfigError, match="cannot read the scoring config"):
        load_scoring_config(tmp_path / "absent.yaml")


def _grouped(taxonomy: Taxonomy, ids: list[str], group: int = 1, **kw):
    from dataclasses import replace

    return [replace(req(taxonomy, cid, **kw), group=group) for cid in ids]


def test_a_group_is_met_by_any_member_once_and_without_penalty(taxonomy, config) -> None:
    creds = _grouped(taxonomy, ["credential.pmp", "credential.pgmp"])
    p, e = posting(1, [*creds, req(taxonomy, "tool.jira")])
    pmp = score_pair(candidate("A", concepts={"credential.pmp": None}), p, e, taxonomy, config)
    assert pmp.matched == ["credential.pmp"] and pmp.missing_required == ["tool.jira"]
    assert pmp.breakdown["credential_penalty"] == 0
    pgmp = score_pair(candidate("B", concepts={"credential.pgmp": None}), p, e, taxonomy, config)
    assert pgmp.score == pmp.score and pgmp.matched == ["credential.pmp"]
    # the group weighs as one credential (1.5), not two, beside Jira (a tool, 0.8)
    assert pmp.breakdown["required"] == round(100 * 1.5 / (1.5 + 0.8), 2)
    none = score_pair(candidate("D"), p, e, taxonomy, config)
    assert none.missing_required == ["credential.pmp", "tool.jira"]  # one line for the group
    assert none.breakdown["credential_penalty"] == -config.credentials.missing_required_penalty


def test_a_narrower_concept_meets_a_broader_ask_but_not_the_reverse(taxonomy, config) -> None:
    p, e = posting(1, [req(taxonomy, "method.agile")])
    scrum = score_pair(candidate("A", concepts={"method.scrum": 4.0}), p, e, taxonomy, config)
    agile = score_pair(candidate("B", concepts={"method.agile": 4.0}), p, e, taxonomy, config)
    assert scrum.matched == ["method.agile"] and scrum.score == agile.score
    q, f = posting(2, [req(taxonomy, "method.scrum")])
    back = score_pair(candidate("B", concepts={"method.agile": 4.0}), q, f, taxonomy, config)
    assert back.missing_required == ["method.scrum"] and back.breakdown["required"] == 0


def test_per_concept_years_apply_to_the_member_held(taxonomy, config) -> None:
    asks = _grouped(taxonomy, ["tool.aws", "tool.gcp"], years=4.0)
    p, e = posting(1, asks)
    short = score_pair(candidate("A", concepts={"tool.gcp": 2.0}), p, e, taxonomy, config)
    long = score_pair(candidate("B", concepts={"tool.gcp": 6.0}), p, e, taxonomy, config)
    both = candidate("C", concepts={"tool.aws": 1.0, "tool.gcp": 6.0})
    assert short.score < long.score == score_pair(both, p, e, taxonomy, config).score


def test_relation_credits_are_validated(config) -> None:
    raw = config.model_dump()
    for bad in (1.5, -0.1, float("nan")):
        raw["relations"] = {"narrower_credit": bad, "broader_credit": 0.0}
        with pytest.raises(ScoringConfigError, match=r"relations\.narrower_credit"):
            parse_scoring_config(raw)
