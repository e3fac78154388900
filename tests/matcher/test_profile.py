"""Candidate profiles: validation errors that name the field, normalisation, résumés, facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.extract import Extractor
from matcher.normalize import Normalizer
from matcher.profile import (
    ProfileError,
    build_facts,
    candidate_id_for,
    load_profile,
    parse_profile,
    read_resume,
)
from matcher.taxonomy import Taxonomy
from tests.matcher.resume_fixtures import text_pdf

ROOT = Path(__file__).resolve().parents[2]


def _error(raw: object) -> str:
    with pytest.raises(ProfileError) as err:
        parse_profile(raw, origin="profile.yaml")
    return str(err.value)


def test_example_profile_becomes_facts(taxonomy: Taxonomy, normalizer: Normalizer) -> None:
    profile = load_profile(ROOT / "examples" / "profile.yaml")
    facts = build_facts(profile, taxonomy, normalizer)
    assert facts.concepts["tool.jira"] == 5.0
    assert facts.concepts["tool.microsoft_project"] == 3.0  # "MS-Project 2019"
    assert "credential.csm" in facts.concepts  # "Certified Scrum Master"
    assert "tool.power_bi" in facts.concepts  # "Powerbi"
    assert facts.unknown_skills == ["Underwater basket weaving"]
    assert facts.level_id == "level.tpm" and facts.level_basis == "title"
    assert facts.level_rank == taxonomy.by_id["level.tpm"].rank
    assert (facts.degree_level, facts.remote_pref, facts.salary_min) == (
        "bachelor",
        "hybrid",
        130000,
    )
    assert facts.candidate_id == candidate_id_for("Ada Example", "ada@example.com")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            {"name": "A", "years_experience": "five"},
            "profile.yaml: field 'years_experience': expected a number like 5, got 'five'",
        ),
        (
            {"name": "A", "remote": "moon"},
            "field 'remote': expected 'remote', 'hybrid', 'onsite' or 'any', got 'moon'",
        ),
        (
            {"name": "A", "skills": [{"skill": "Jira", "years": "lots"}]},
            "field 'skills.0.years': expected a number like 5, got 'lots'",
        ),
        ({"name": "A", "skills": [5]}, "field 'skills.0': expected text, or for a skill"),
        ({"name": "A", "degree": {"level": "phd"}}, "field 'degree.level': expected 'associate'"),
        ({"name": "A", "email": "nope"}, "field 'email': expected an address like"),
        ({"name": "A", "salary": {"min": -3}}, "field 'salary.min': must be above 0"),
        ({"name": "A", "skils": ["Jira"]}, "field 'skils': is not a profile field"),
        ({"years_experience": 3}, "field 'name': is required"),
        (["a list"], "expected a mapping like `name: Ada Lovelace`"),
    ],
)
def test_errors_name_the_field_and_the_fix(raw: object, expected: str) -> None:
    assert expected in _error(raw)


def test_every_problem_is_reported_once() -> None:
    text = _error(
        {"name": "", "years_experience": "x", "skills": ["ok", {"skill": "J", "years": "y"}]}
    )
    lines = text.splitlines()
    assert len(lines) == len(set(lines)) == 3


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="cannot read the profile"):
        load_profile(tmp_path / "absent.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"bad\.yaml: not valid YAML"):
        load_profile(bad)
    with pytest.raises(ProfileError, match="a résumé must be"):
        read_resume(tmp_path / "cv.docx")


def test_candidate_id_is_stable() -> None:
    assert candidate_id_for("Ada Lovelace", None) == candidate_id_for("  ada   LOVELACE", None)
    assert candidate_id_for("Ada", "a@x.org") != candidate_id_for("Ada", "b@x.org")
    assert candidate_id_for("Ada Lovelace", "a@x.org").startswith("ada-lovelace-")


def test_resume_pdf_and_markdown_merge_with_the_yaml(
    tmp_path: Path, taxonomy: Taxonomy, normalizer: Normalizer
) -> None:
    pdf = tmp_path / "cv.pdf"
    pdf.write_bytes(text_pdf("I led Kanban teams and ran Confluence spaces for 7 years."))
    assert "Kanban" in read_resume(pdf)
    md = tmp_path / "cv.md"
    md.write_text(
        "# Ada\n\n- 4 years of Jira administration\n- Kanban and Confluence\n", encoding="utf-8"
    )
    extractor = Extractor(taxonomy)
    extraction = extractor.extract("resume", read_resume(md))
    profile = parse_profile({"name": "Ada", "skills": [{"skill": "Jira", "years": 2}]})
    facts = build_facts(profile, taxonomy, normalizer, extraction)
    assert facts.concepts["tool.jira"] == 2.0  # the YAML wins
    assert "method.kanban" in facts.concepts and "tool.confluence" in facts.concepts
    assert facts.concept_sources["tool.jira"] == ["profile", "resume"]
    assert facts.concept_sources["method.kanban"] == ["resume"]
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(ProfileError, match="holds no text"):
        read_resume(empty)
