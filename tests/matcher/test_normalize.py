"""Free text to taxonomy ids with rapidfuzz."""

from __future__ import annotations

import pytest

from matcher.normalize import Normalizer, process_text
from matcher.taxonomy import Taxonomy


@pytest.fixture(scope="module")
def norm(taxonomy: Taxonomy) -> Normalizer:
    return Normalizer(taxonomy)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("MS-Project 2019", "tool.microsoft_project"),
        ("Certified Scrum Master", "credential.csm"),
        ("Powerbi", "tool.power_bi"),
        ("jira software", "tool.jira"),
        ("Confluance", "tool.confluence"),  # near-miss spelling
        ("Kanbn", "method.kanban"),
        ("PMP", "credential.pmp"),
        ("ITIL v4", "method.itil"),
        ("Project+", "credential.comptia_project_plus"),
    ],
)
def test_known_text_maps_to_its_concept(norm: Normalizer, text: str, concept: str) -> None:
    found = norm.match(text)
    assert found is not None and found[0] == concept
    assert norm.score_cutoff <= found[1] <= 100


@pytest.mark.parametrize("text", ["underwater basket weaving", "Project", "Python", "", "2019"])
def test_unknown_text_gives_none(norm: Normalizer, text: str) -> None:
    assert norm.match(text) is None


def test_match_many_agrees_with_match(norm: Normalizer) -> None:
    texts = ["MS-Project 2019", "Powerbi", "nothing like it", "Kanbn", "Certified Scrum Master"]
    many = norm.match_many(texts)
    single = [norm.match(t) for t in texts]
    assert [m and m[0] for m in many] == [s and s[0] for s in single]
    assert norm.match_many([]) == []


def test_cutoff_is_a_parameter(taxonomy: Taxonomy) -> None:
    assert Normalizer(taxonomy, score_cutoff=95).match("Confluance") is None


def test_processor_folds_case_punctuation_and_versions() -> None:
    assert process_text("MS-Project 2019") == process_text("ms project")
    assert process_text("Jira/Confluence") == "jira confluence"
