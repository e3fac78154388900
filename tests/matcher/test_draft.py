"""A profile drafted from a résumé: commented, complete where it can be, and valid as is."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from matcher.draft import draft_profile
from matcher.extract import Extractor
from matcher.normalize import Normalizer
from matcher.profile import build_facts, parse_profile
from matcher.resume import Found, ResumeReader
from matcher.taxonomy import Taxonomy
from tests.matcher.resume_fixtures import DATES_ONLY_RESUME, MARKDOWN_RESUME

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 6, 15)


@pytest.fixture(scope="module")
def reader(taxonomy: Taxonomy, normalizer: Normalizer) -> ResumeReader:
    return ResumeReader(Extractor(taxonomy), normalizer)


@pytest.mark.parametrize(
    "text",
    [MARKDOWN_RESUME, DATES_ONLY_RESUME, (ROOT / "examples" / "resume.md").read_text("utf-8")],
)
def test_the_draft_validates_and_maps_back_to_the_same_concepts(
    text: str, reader: ResumeReader, taxonomy: Taxonomy, normalizer: Normalizer
) -> None:
    reading = reader.read(text, today=TODAY)
    assert reading.name is not None
    draft = draft_profile(reading, reading.name, taxonomy, "cv.md")
    profile = parse_profile(yaml.safe_load(draft), origin="draft")
    facts = build_facts(profile, taxonomy, normalizer)
    wanted = {r.id for r in reading.extraction.requirements if r.kind != "degree"}
    assert set(facts.concepts) == wanted
    assert facts.unknown_skills == []  # unknown items are comments, not skills
    assert facts.total_years == (reading.years.value if reading.years else None)
    assert facts.degree_level == (
        reading.extraction.degree.level if reading.extraction.degree else None
    )
    for req in reading.extraction.requirements:
        if req.years is not None and req.kind != "credential":
            assert facts.concepts[req.id] == req.years


def test_each_value_quotes_its_line_and_the_gaps_are_listed(
    reader: ResumeReader, taxonomy: Taxonomy
) -> None:
    reading = reader.read(MARKDOWN_RESUME, today=TODAY)
    draft = draft_profile(reading, Found("Grace Sample", "--name"), taxonomy, "cv.md")
    lines = draft.splitlines()
    values = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    headers = {"skills:", "certifications:", "degree:"}
    assert all("# from: " in ln for ln in values if ln not in headers and "field:" not in ln)
    assert all(len(ln.split("# from: ")[1]) <= 80 for ln in values if "# from: " in ln)
    assert "name: Grace Sample                 # from: --name" in lines
    assert any(
        ln.startswith("years_experience: 5.5") and ln.endswith("# from: Jan 2021 – present")
        for ln in lines
    )
    assert any(ln.startswith("  - {skill: Jira, years: 4}") for ln in lines)
    assert "#   - Underwater basket weaving" in lines
    for field in ("location", "remote", "salary"):
        assert any(ln.startswith(f"# {field}: ") for ln in lines)
    assert not any(ln.startswith("# email: ") for ln in lines)  # the résumé gave it
