"""Headings, sections and sentence cues."""

from __future__ import annotations

import pytest

from matcher.cues import Cues, CuesError, load_cues
from matcher.sections import classify_lines, cue_for, sentence_cues


@pytest.fixture(scope="module")
def cues() -> Cues:
    return load_cues()


def sections(text: str, cues: Cues) -> list[tuple[str | None, bool]]:
    return [(line.section, line.heading) for line in classify_lines(text, cues)]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Requirements", "required"),
        ("## Minimum Qualifications", "required"),
        ("**What you’ll need:**", "required"),
        ("Preferred qualifications:", "preferred"),
        ("NICE TO HAVE", "preferred"),
        ("Good to have", "preferred"),
        ("What you'll do", "responsibilities"),
        ("About Finch", "boilerplate"),
        ("About the role", "responsibilities"),
        ("Benefits", "boilerplate"),
        ("### Equal Opportunity Employer", "boilerplate"),
        ("### Our stack", None),
    ],
)
def test_heading_kinds(cues: Cues, line: str, kind: str | None) -> None:
    assert sections(f"{line}\n- Jira", cues) == [(kind, True), (kind, False)]


@pytest.mark.parametrize(
    "line",
    [
        "- Experience with the following tools:",
        "Experience with Jira and Confluence in a fast-moving environment",
        "You will work with Jira every day, and you will love it here.",
    ],
)
def test_ordinary_lines_are_not_headings(cues: Cues, line: str) -> None:
    assert sections(f"Preferred\n{line}", cues)[1] == ("preferred", False)


def test_a_section_lasts_until_the_next_heading(cues: Cues) -> None:
    text = "Nice to have\n- a\n- b\n### Benefits\n- c\nRequirements\n- d"
    assert [s for s, _ in sections(text, cues)] == [
        "preferred",
        "preferred",
        "preferred",
        "boilerplate",
        "boilerplate",
        "required",
        "required",
    ]


def test_inline_label_opens_a_section(cues: Cues) -> None:
    assert sections("Preferred: PMP, CSM\n- SQL", cues) == [
        ("preferred", False),
        ("preferred", False),
    ]


@pytest.mark.parametrize(
    ("sentence", "concept", "kind"),
    [
        ("Jira is a plus", "Jira", "preferred"),
        ("Jira experience preferred", "Jira", "preferred"),
        ("Jira is welcome but not required", "Jira", "preferred"),
        ("It would be great if you know Jira", "Jira", "preferred"),
        ("Jira is required", "Jira", "required"),
        ("No PMP required", "PMP", "negated"),
        ("PMP is not required", "PMP", "negated"),
        ("Required: Jira; nice to have: Asana", "Jira", "required"),
        ("Required: Jira; nice to have: Asana", "Asana", "preferred"),
        ("Deliver to the required quality with Jira", "Jira", None),
        ("Experience with Jira", "Jira", None),
    ],
)
def test_sentence_cues(cues: Cues, sentence: str, concept: str, kind: str | None) -> None:
    start = sentence.index(concept)
    assert cue_for(sentence_cues(sentence, cues), start, start + len(concept)) == kind


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("headings:\n  required: requirements\n", r"cues\.yaml: key 'required' must be a list"),
        ("headings:\n  mandatory: [x]\n", "key 'headings' must map"),
        ("alternatives:\n  or_joiners: or\n", r"cues\.yaml \(alternatives\): key 'or_joiners'"),
        ("alternatives: [or]\n", "key 'alternatives' must map"),
    ],
)
def test_bad_cue_file_names_the_file_and_key(tmp_path, yaml_text: str, message: str) -> None:
    path = tmp_path / "cues.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(CuesError, match=message):
        load_cues(path)
