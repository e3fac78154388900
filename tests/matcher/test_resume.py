"""Résumés read as résumés: headings are sections, skills lists, date years, name, title."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from matcher.cues import load_cues
from matcher.extract import Extractor
from matcher.normalize import Normalizer
from matcher.profile import build_facts, parse_profile, read_resume
from matcher.resume import ResumeReader, ResumeReading, find_sections, name_from_file
from matcher.taxonomy import Taxonomy
from tests.matcher.resume_fixtures import (
    DATES_ONLY_RESUME,
    MARKDOWN_RESUME,
    text_pdf,
    two_column_pdf,
)

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 6, 15)


@pytest.fixture(scope="module")
def reader(taxonomy: Taxonomy, normalizer: Normalizer) -> ResumeReader:
    return ResumeReader(Extractor(taxonomy), normalizer)


def _ids(reading: ResumeReading) -> set[str]:
    return {r.id for r in reading.extraction.requirements}


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Education", "education"),
        ("## Education", "education"),
        ("EDUCATION:", "education"),
        ("**Work Experience**", "experience"),
        ("PROFESSIONAL EXPERIENCE", "experience"),
        ("Employment History", "experience"),
        ("# Core Competencies", "skills"),
        ("Licenses & Certifications", "certifications"),
        ("Projects", "projects"),
        ("Summary:", "summary"),
        ("Objective", "summary"),
        ("LANGUAGES", "languages"),
        ("Awards", "awards"),
        ("Publications", "publications"),
        ("Interests", "interests"),
    ],
)
def test_resume_headings_open_sections(line: str, kind: str) -> None:
    (section,) = find_sections(f"Ada\n{line}\nbody text\n", load_cues().resume)
    assert section.kind == kind


@pytest.mark.parametrize(
    "line",
    ["Experience with Jira and Confluence", "- Education", "Skills matter to me a lot"],
)
def test_sentences_that_start_like_headings_are_not_headings(line: str) -> None:
    assert find_sections(f"Ada\n{line}\n", load_cues().resume) == []


def test_headings_are_not_concepts(reader: ResumeReader, taxonomy: Taxonomy) -> None:
    """The example résumé's "Education" heading is no longer the education domain."""
    text = (ROOT / "examples" / "resume.md").read_text(encoding="utf-8")
    posting_reading = Extractor(taxonomy).extract("x", text)
    assert "domain.education" in {r.id for r in posting_reading.requirements}  # the old bug
    reading = reader.read(text, today=TODAY)
    ids = _ids(reading)
    assert "domain.education" not in ids
    assert {"tool.jira", "method.scrum", "credential.csm"} <= ids
    assert [s.kind for s in reading.sections] == ["experience", "education", "certifications"]


def test_a_skills_list_is_read_item_by_item(reader: ResumeReader) -> None:
    reading = reader.read(MARKDOWN_RESUME, today=TODAY)
    reqs = {r.id: r for r in reading.extraction.requirements}
    assert {"tool.microsoft_project", "tool.power_bi", "method.agile"} <= set(reqs)
    assert reqs["tool.jira"].years == 4.0  # "Jira (4 yrs)"
    # misspelt items reach the taxonomy only through the Normalizer, as profile skills do
    assert reqs["tool.confluence"].evidence == "Core Competencies: Confluance"
    assert reading.unknown_items == ["Underwater basket weaving"]
    # the interests section is not the candidate's skills ("Edtech")
    assert "domain.education" not in reqs
    assert reading.extraction.degree is not None
    assert reading.extraction.degree.level == "master"
    assert "credential.pmp" in reqs


def test_name_title_email_and_years_of_a_markdown_resume(reader: ResumeReader) -> None:
    reading = reader.read(MARKDOWN_RESUME, today=TODAY)
    assert reading.name is not None and reading.name.value == "Grace Sample"
    assert reading.email is not None and reading.email.value == "grace.sample@example.org"
    assert reading.title is not None and reading.title.value == "Senior Technical Program Manager"
    assert reading.extraction.level == "level.senior_tpm"
    # no sentence states years: Jan 2021 to June 2026 from the experience section
    assert reading.years_basis == "dates"
    assert reading.years is not None and reading.years.value == 5.5


def test_a_resume_whose_only_years_are_date_ranges(
    reader: ResumeReader, taxonomy: Taxonomy, normalizer: Normalizer
) -> None:
    reading = reader.read(DATES_ONLY_RESUME, today=TODAY)
    # Mar 2017 .. Mar 2021 (overlaps once) and 2012 .. 2015; the education dates do not count
    assert reading.years is not None and reading.years.value == round((49 + 36) / 12, 1)
    assert reading.years.evidence == "Jan 2018 – Mar 2021; 03/2017 - 05/2019; 2012-2015"
    assert reading.name is not None and reading.name.value == "Lin Dates"
    assert {"tool.jira", "tool.smartsheet"} <= _ids(reading)
    facts = build_facts(parse_profile({"name": "Lin"}), taxonomy, normalizer, reading.extraction)
    assert facts.total_years == reading.years.value


def test_a_stated_figure_beats_the_dates(reader: ResumeReader) -> None:
    text = DATES_ONLY_RESUME.replace(
        "Ran Scrum", "Eight years of experience in delivery. Ran Scrum"
    )
    reading = reader.read(text, today=TODAY)
    assert reading.years_basis == "sentence"
    assert reading.years is not None and reading.years.value == 8.0


def test_a_pdf_resume_reads_like_its_text(reader: ResumeReader, tmp_path: Path) -> None:
    pdf = tmp_path / "cv.pdf"
    pdf.write_bytes(text_pdf(DATES_ONLY_RESUME))
    from_pdf = reader.read(read_resume(pdf), today=TODAY)
    from_text = reader.read(DATES_ONLY_RESUME, today=TODAY)
    assert from_pdf.years == from_text.years
    assert _ids(from_pdf) == _ids(from_text)


@pytest.mark.parametrize("by_rows", [False, True])
def test_a_two_column_pdf_keeps_its_sections(
    reader: ResumeReader, tmp_path: Path, by_rows: bool
) -> None:
    pdf = tmp_path / "cv.pdf"
    pdf.write_bytes(two_column_pdf(by_rows=by_rows))
    reading = reader.read(read_resume(pdf), today=TODAY)
    ids = _ids(reading)
    assert {"tool.jira", "tool.confluence", "method.kanban", "tool.sql"} <= ids
    assert "credential.csm" in ids
    assert [s.kind for s in reading.sections] == ["skills", "certifications", "experience"]
    # Jan 2014 .. June 2026: "2014-2019" and "Jan 2019 – present" meet
    assert reading.years_basis == "dates"
    assert reading.years is not None and reading.years.value == 12.5
    assert reading.name is not None and reading.name.value == "Kim Columns"


def test_a_name_from_the_file_when_the_first_line_is_no_name() -> None:
    cues = load_cues().resume
    assert name_from_file("jane_doe_resume_2026", cues) == "Jane Doe"
    assert name_from_file("CV", cues) == "Candidate"
