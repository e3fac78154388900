"""Guidance: the right level, the credential path that fits it, the salary figures."""

from __future__ import annotations

from matcher.guidance import build_guidance
from matcher.levels import level_for
from matcher.taxonomy import Taxonomy
from tests.matcher.scoring_fixtures import candidate, posting


def _facts(taxonomy: Taxonomy, years: float | None, title: str | None = None, **kw):
    level_id, basis = level_for(taxonomy, title, years)
    rank = taxonomy.by_id[level_id].rank if level_id else None
    return candidate(
        total_years=years,
        level_id=level_id,
        level_rank=rank,
        level_basis=basis,
        current_title=title,
        **kw,
    )


def test_early_career_gets_capm_before_pmp(taxonomy: Taxonomy) -> None:
    g = build_guidance(_facts(taxonomy, 0.5), taxonomy, [])
    assert g.level_id == "level.project_coordinator" and g.basis == "years"
    ids = [s.concept_id for s in g.credential_path]
    assert ids[0] == "credential.capm"
    assert "credential.pmp" not in [s.concept_id for s in g.credential_path if s.stage == "now"]
    assert g.next_level_id == "level.junior_tpm"


def test_mid_career_level_path_skips_held_credentials(taxonomy: Taxonomy) -> None:
    facts = _facts(taxonomy, 4, concepts={"credential.csm": None})
    g = build_guidance(facts, taxonomy, [])
    assert g.level_id == "level.tpm" and (g.years_min, g.years_max) == (3, 5)
    now = [s.concept_id for s in g.credential_path if s.stage == "now"]
    nxt = [s.concept_id for s in g.credential_path if s.stage == "next"]
    assert now == ["credential.pmp", "credential.pmi_acp"]  # CSM is held
    assert nxt == ["credential.pgmp"]  # PMP and PMI-ACP are not repeated
    assert g.credentials_held == ["credential.csm"]


def test_title_wins_over_years(taxonomy: Taxonomy) -> None:
    g = build_guidance(_facts(taxonomy, 2, "Senior Technical Program Manager"), taxonomy, [])
    assert (g.level_id, g.basis) == ("level.senior_tpm", "title")


def test_salary_figures_come_with_year_and_article(taxonomy: Taxonomy) -> None:
    paid = posting(
        1, [], salary_min=120000, salary_max=150000, salary_currency="USD", salary_period="year"
    )[0]
    unpaid = posting(2, [])[0]
    g = build_guidance(_facts(taxonomy, 4), taxonomy, [paid, unpaid])
    level = taxonomy.by_id["level.tpm"]
    assert len(g.article_salaries) == len(level.salaries)
    first = g.article_salaries[0]
    assert first.year == level.salaries[0].year and first.article == level.salaries[0].article
    assert first.article_title.startswith("2026 How to Become")
    assert [(s.posting_id, s.amount_min, s.amount_max) for s in g.posting_salaries] == [
        (paid.id, 120000, 150000)
    ]


def test_unknown_level(taxonomy: Taxonomy) -> None:
    g = build_guidance(candidate(), taxonomy, [])
    assert g.level_id is None and g.credential_path == [] and g.basis == "none"
