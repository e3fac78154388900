"""Alternative groups: "or" lists share a group, "and" lists and list items do not."""

from __future__ import annotations

import pytest

from matcher.cues import load_cues
from matcher.extract import Extractor
from matcher.groups import Member, alternative_groups, resolve
from matcher.models import Extraction
from matcher.taxonomy import Taxonomy
from matcher.wire import load


@pytest.fixture(scope="module")
def ex(taxonomy: Taxonomy) -> Extractor:
    return Extractor(taxonomy)


def grouped(out: Extraction) -> list[set[str]]:
    """The alternative groups of an extraction, in order, as sets of concept ids."""
    groups: dict[int, set[str]] = {}
    for r in out.requirements:
        if r.group is not None:
            groups.setdefault(r.group, set()).add(r.id)
    return [groups[k] for k in sorted(groups)]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("PMP or PgMP certification", [{"credential.pmp", "credential.pgmp"}]),
        ("Experience with AWS, Azure or GCP", [{"tool.aws", "tool.azure", "tool.gcp"}]),
        ("Experience with AWS, Azure, or GCP", [{"tool.aws", "tool.azure", "tool.gcp"}]),
        ("Scrum or Kanban coaching experience", [{"method.scrum", "method.kanban"}]),
        ("Agile or Waterfall environments", [{"method.agile", "method.waterfall"}]),
        ("Daily use of Jira/Confluence", [{"tool.jira", "tool.confluence"}]),
        ("either PMP or PgMP", [{"credential.pmp", "credential.pgmp"}]),
        (
            "Hands-on with one of Jira, Asana and Trello",
            [{"tool.jira", "tool.asana", "tool.trello"}],
        ),
        ("Tools such as Jira, Asana, or similar", [{"tool.jira", "tool.asana"}]),
        ("Tools such as Jira, Asana", [{"tool.jira", "tool.asana"}]),
        ("Tools (e.g. Jira, Asana) daily", [{"tool.jira", "tool.asana"}]),
        ("Areas such as roadmap, coaching team members", []),
        ("Areas including roadmap, coaching", []),
        ("Jira, Asana etc.", [{"tool.jira", "tool.asana"}]),
        ("PMP and CSM", []),
        ("Both PMP and CSM", []),
        ("Jira, Confluence and Slack", []),
        ("Jira, Confluence, and Slack", []),
        ("Jira as well as Confluence", []),
        ("Jira, Confluence, Slack", []),
        ("PMP", []),
        ("Jira or similar tools", []),
        ("Jira/Confluence and Slack", [{"tool.jira", "tool.confluence"}]),
        ("AWS or Azure, and Jira", [{"tool.aws", "tool.azure"}]),
        ("AWS/GCP/Azure", [{"tool.aws", "tool.azure", "tool.gcp"}]),
        ("Delivery (scope/tradeoffs/dependencies/release readiness)", []),
        ("Own tradeoffs/Jira/Confluence", []),
    ],
)
def test_cues_make_or_lists_groups(ex: Extractor, line: str, expected: list[set[str]]) -> None:
    out = ex.extract("p", f"Requirements\n- {line}\n")
    assert grouped(out) == expected, [(r.id, r.group) for r in out.requirements]


def test_the_group_field_is_null_or_numbered_in_order(ex: Extractor) -> None:
    text = (
        "Requirements\n"
        "- PMP or PgMP certification\n"
        "- Experience with Jira\n"
        "- Experience with AWS, Azure or GCP\n"
    )
    out = ex.extract("p", text)
    assert [(r.id, r.group) for r in out.requirements] == [
        ("credential.pmp", 1),
        ("credential.pgmp", 1),
        ("tool.jira", None),
        ("tool.aws", 2),
        ("tool.azure", 2),
        ("tool.gcp", 2),
    ]
    assert out.to_dict()["requirements"][2]["group"] is None
    assert load(Extraction, out.to_dict()) == out


def test_separate_list_items_stay_separate(ex: Extractor) -> None:
    out = ex.extract("p", "Requirements\n- PMP\n- or PgMP\n- Jira,\n- Confluence\n")
    assert grouped(out) == []


def test_separate_sentences_stay_separate(ex: Extractor) -> None:
    out = ex.extract("p", "Requirements\nWe use Jira. Or Asana, depending on the team.\n")
    assert grouped(out) == []


def test_a_required_and_a_preferred_concept_never_share_a_group(ex: Extractor) -> None:
    out = ex.extract("p", "Requirements\n- PMP required, or PgMP is a plus\n")
    assert {r.id: r.required for r in out.requirements} == {
        "credential.pmp": True,
        "credential.pgmp": False,
    }
    assert grouped(out) == []


def test_a_concept_held_in_two_places_keeps_separate_groups(ex: Extractor) -> None:
    text = "Requirements\n- PMP or PgMP certification\n- CSM or PMP\n- Jira or Asana\n"
    out = ex.extract("p", text)
    # PMP is reported once (its first mention); the second list is left with CSM alone,
    # which therefore stands alone instead of joining PMP's group.
    assert grouped(out) == [
        {"credential.pmp", "credential.pgmp"},
        {"tool.jira", "tool.asana"},
    ]
    assert next(r for r in out.requirements if r.id == "credential.csm").group is None


def test_resolve_gives_a_comma_the_next_joiner_kind() -> None:
    assert resolve([",", ",", "or"], default="and") == ["or", "or", "or"]
    assert resolve(["or", ",", "and"], default="or") == ["or", "and", "and"]
    assert resolve([",", ","], default="and") == ["and", "and"]
    assert resolve([",", ","], default="or") == ["or", "or"]


def test_members_in_other_sentences_do_not_join() -> None:
    alt = load_cues().alternatives
    text = "Jira or Asana"
    assert alternative_groups(
        text, [Member(0, 4, 0, 8, True), Member(8, 13, 8, 13, True)], alt
    ) == [None, None]
    assert alternative_groups(
        text, [Member(0, 4, 0, 13, True), Member(8, 13, 0, 13, True)], alt
    ) == [1, 1]
