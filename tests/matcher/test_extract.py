"""The Extractor: traps, required vs preferred, years, degree, level, offsets, batches."""

from __future__ import annotations

import warnings

import pytest

from matcher.extract import Extractor
from matcher.models import Extraction
from matcher.taxonomy import Taxonomy
from matcher.text import html_to_text


@pytest.fixture(scope="module")
def ex(taxonomy: Taxonomy) -> Extractor:
    return Extractor(taxonomy)


def reqs(extraction: Extraction) -> dict[str, bool]:
    return {r.id: r.required for r in extraction.requirements}


def test_a_full_posting(ex: Extractor) -> None:
    text = (
        "About us\n"
        "Acme builds fintech software with Jira and Slack.\n"
        "What you'll do\n"
        "- Own the roadmap and manage cross-team dependencies\n"
        "Requirements\n"
        "- 5+ years of experience in technical program management\n"
        "- 2 years of experience with Jira\n"
        "- Bachelor's degree in Computer Science or equivalent practical experience\n"
        "- No PMP required\n"
        "Nice to have\n"
        "- CSM certification\n"
        "- Tableau is a plus\n"
        "Benefits\n"
        "- Zoom stipend and a learning budget\n"
        "Equal opportunity\n"
        "We welcome Agile thinkers of every background.\n"
    )
    out = ex.extract("p1", text, title="Senior Technical Program Manager")
    assert reqs(out) == {
        "skill.roadmapping": True,
        "skill.dependency_management": True,
        "skill.program_management": True,
        "tool.jira": True,
        "degree.bachelor_computer_science": True,
        "credential.csm": False,
        "tool.tableau": False,
    }
    jira = next(r for r in out.requirements if r.id == "tool.jira")
    assert (jira.years, jira.evidence) == (2.0, "- 2 years of experience with Jira")
    assert text[jira.start : jira.end] == "Jira"
    assert out.min_years_experience == 5
    assert out.degree is not None
    assert (out.degree.level, out.degree.fields) == ("bachelor", ["computer science"])
    assert out.degree.required and out.degree.or_equivalent
    assert out.level == "level.senior_tpm"


@pytest.mark.parametrize(
    "text",
    [
        "Requirements\n- You excel at planning",
        "Requirements\n- Work across many teams",
        "Requirements\n- Leave some slack in the plan",
        "Requirements\n- Zoom in on root causes",
        "Requirements\n- Partner with our CSM team",
        "Requirements\n- Serve as Scrum Master for two teams",
        "Requirements\n- No PMP required",
        "Requirements\n- We do not require PMP",
        "About us\nWe use Jira, Excel and Slack every day.",
        "Benefits\n- Agile coaching budget and Jira licences",
        "Equal opportunity\nWe value Scrum and Kanban practitioners of every background.",
        "**WHAT’S IN IT FOR YOU?**\n- Flexibility and a Jira licence",
        "Requirements\n- We are a fintech consultancy using Jira.",
        "Open roles\n- Senior DevOps Engineer\n- DevOps & Infrastructure Engineer",
    ],
)
def test_traps_yield_no_requirement(ex: Extractor, text: str) -> None:
    assert ex.extract("t", text).requirements == []


def test_slack_in_the_schedule_is_not_the_tool(ex: Extractor) -> None:
    out = ex.extract("t", "Requirements\n- Leave some slack in the schedule")
    assert reqs(out) == {"skill.timeline_management": True}  # "schedule" itself counts


@pytest.mark.parametrize(
    ("heading", "required"),
    [
        ("Requirements", True),
        ("Minimum qualifications:", True),
        ("What you'll need", True),
        ("**Must have**", True),
        ("You have", True),
        ("Responsibilities", True),
        ("### What you'll do", True),
        ("Preferred", False),
        ("Nice to have:", False),
        ("Bonus points", False),
        ("A plus", False),
        ("Even better", False),
        ("DESIRED", False),
        ("Great if you also have", False),
    ],
)
def test_section_headings(ex: Extractor, heading: str, required: bool) -> None:
    assert reqs(ex.extract("h", f"{heading}\n- Experience with Jira")) == {"tool.jira": required}


@pytest.mark.parametrize(
    ("line", "required"),
    [
        ("Jira is a plus", False),
        ("Jira preferred", False),
        ("Jira welcome but not required", False),
        ("It would be great if you know Jira", False),
        ("Bonus: Jira", False),
        ("Knowledge of Jira would be an asset", False),
    ],
)
def test_sentence_cue_beats_required_section(ex: Extractor, line: str, required: bool) -> None:
    assert reqs(ex.extract("c", f"Requirements\n- {line}")) == {"tool.jira": required}


def test_required_cue_beats_preferred_section(ex: Extractor) -> None:
    assert reqs(ex.extract("c", "Nice to have\n- Jira is required")) == {"tool.jira": True}


def test_two_cues_in_one_sentence(ex: Extractor) -> None:
    out = ex.extract("c", "Requirements\n- Jira required; Tableau is a plus")
    assert reqs(out) == {"tool.jira": True, "tool.tableau": False}


def test_a_concept_both_required_and_preferred_is_required_once(ex: Extractor) -> None:
    text = "Nice to have\n- Jira\nRequirements\n- Jira and Confluence\n- Jira again"
    out = ex.extract("d", text)
    assert [r.id for r in out.requirements] == ["tool.jira", "tool.confluence"]
    assert out.requirements[0].required
    assert out.requirements[0].evidence == "- Jira and Confluence"


@pytest.mark.parametrize(
    ("line", "years"),
    [
        ("5+ years of experience in program management", 5),
        ("3-5 years of experience", 3),
        ("5 to 7 years’ experience", 5),
        ("At least seven years managing programs", 7),
        ("Minimum of 8 years' experience", 8),
        ("Five (5) years of relevant experience", 5),
        ("Three or more years of experience", 3),
        ("1+ year of experience", 1),
        ("12+ years of experience, including 6 years leading technical programs", 12),
        ("We grew 3x in the last 3 years", None),
        ("This is a 2-year contract", None),
        ("This is a 2 year contract", None),
        ("Founded 25 years ago", None),
        ("We have been in business for 20 years.", None),
    ],
)
def test_minimum_years(ex: Extractor, line: str, years: float | None) -> None:
    assert ex.extract("y", f"Requirements\n- {line}").min_years_experience == years


@pytest.mark.parametrize(
    ("line", "years"),
    [
        ("5+ years of experience, SaaS a plus", 5),
        ("10+ years of technical writing experience, preferably for customers", 10),
        ("5+ years of experience (preferably as a program manager)", 5),
        ("5+ years of experience preferred", None),
    ],
)
def test_a_preferred_cue_after_a_comma_belongs_to_what_follows(
    ex: Extractor, line: str, years: float | None
) -> None:
    assert ex.extract("y", f"Requirements\n- {line}").min_years_experience == years


def test_a_plain_label_ends_an_about_us_section(ex: Extractor) -> None:
    text = "About us:\nWe sell Jira add-ons.\nOpen roles:\n- Run Scrum ceremonies"
    assert reqs(ex.extract("a", text)) == {"method.scrum": True}


def test_years_in_preferred_section_do_not_count(ex: Extractor) -> None:
    out = ex.extract("y", "Requirements\n- Jira\nPreferred\n- 8+ years of experience")
    assert out.min_years_experience is None


def test_years_tied_to_a_concept(ex: Extractor) -> None:
    out = ex.extract("y", "- 2 years of experience with Jira\n- Confluence")
    assert {r.id: r.years for r in out.requirements} == {"tool.jira": 2, "tool.confluence": None}


@pytest.mark.parametrize(
    ("text", "level", "fields", "required", "equivalent"),
    [
        ("BA/BS degree or equivalent practical experience.", "bachelor", [], True, True),
        (
            "Requirements\n- BS in Computer Science or Engineering\nPreferred\n- Master's degree",
            "bachelor",
            ["computer science", "engineering"],
            True,
            False,
        ),
        ("Preferred\n- MBA", "mba", ["business administration"], False, False),
        ("Requirements\n- PhD in a technical field", "doctorate", ["technical field"], True, False),
        ("Requirements\n- Associate's degree", "associate", [], True, False),
        (
            "Preferred\n- Master's degree in computer science",
            "master",
            ["computer science"],
            False,
            False,
        ),
    ],
)
def test_degree(
    ex: Extractor, text: str, level: str, fields: list[str], required: bool, equivalent: bool
) -> None:
    degree = ex.extract("d", text).degree
    assert degree is not None
    assert (degree.level, degree.fields, degree.required, degree.or_equivalent) == (
        level,
        fields,
        required,
        equivalent,
    )


def test_no_degree(ex: Extractor) -> None:
    assert ex.extract("d", "Requirements\n- Jira").degree is None


@pytest.mark.parametrize(
    ("title", "text", "level"),
    [
        ("Senior TPM", "", "level.senior_tpm"),
        ("Staff Technical Program Manager, Cloud", "", "level.senior_tpm"),
        ("Principal Technical Program Manager", "", "level.program_director"),
        ("IT Project Manager", "", "level.tpm"),
        ("Associate Technical Program Manager", "", "level.junior_tpm"),
        ("Technical Project Coordinator", "", "level.project_coordinator"),
        ("Delivery Manager", "Requirements\n- 3+ years of experience", "level.tpm"),
        ("Scrum Master", "Requirements\n- 6 years of experience", "level.senior_tpm"),
        ("Delivery Manager", "Requirements\n- Jira", None),
    ],
)
def test_level(ex: Extractor, title: str, text: str, level: str | None) -> None:
    assert ex.extract("l", text or "Jira", title=title).level == level


def test_html_input_offsets_point_into_the_converted_text(ex: Extractor) -> None:
    html = "&lt;h3&gt;Nice to have&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;Tableau&lt;/li&gt;&lt;/ul&gt;"
    out = ex.extract("h", html)
    (req,) = out.requirements
    assert (req.id, req.required, req.evidence) == ("tool.tableau", False, "- Tableau")
    assert html_to_text(html)[req.start : req.end] == "Tableau"


def test_extract_many_keeps_input_order(ex: Extractor) -> None:
    items = [
        (f"p{i}", "Requirements\n- Jira" if i % 2 else "Nice to have\n- SQL", None)
        for i in range(9)
    ]
    out = list(ex.extract_many(items, batch_size=2))
    assert [e.id for e in out] == [f"p{i}" for i in range(9)]
    assert [e.requirements[0].id for e in out] == [
        "tool.sql" if i % 2 == 0 else "tool.jira" for i in range(9)
    ]
    assert out == [ex.extract(pid, text, title) for pid, text, title in items]


@pytest.mark.slow  # spawns two worker processes
def test_extract_many_with_two_processes(ex: Extractor) -> None:
    # "agents" lemmatises to "agent", one of spaCy's symbols: workers must serialise it.
    items = [
        (f"p{i}", f"Requirements\n- {i}+ years of experience with Jira and AI agents", None)
        for i in range(1, 7)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # W127: a worker process failed
        out = list(ex.extract_many(items, batch_size=2, n_process=2))
    assert [e.min_years_experience for e in out] == [1, 2, 3, 4, 5, 6]
    assert out == list(ex.extract_many(items, batch_size=2))
