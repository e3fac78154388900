"""The spaCy pipeline: components, sentences, taxonomy spans, ambiguity traps, disk round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from matcher import pipeline
from matcher.pipeline import SPANS_KEY, build_nlp, load_or_build, taxonomy_key
from matcher.ruler import TaxonomyRuler
from matcher.taxonomy import Taxonomy


@pytest.fixture(scope="module")
def nlp(taxonomy: Taxonomy) -> Language:
    return build_nlp(taxonomy)


def found(nlp: Language, text: str) -> list[tuple[str, str]]:
    doc = nlp(text)
    return [(span.text, span.label_) for span in doc.spans[SPANS_KEY]]


def ids(nlp: Language, text: str) -> set[str]:
    return {label for _, label in found(nlp, text)}


def test_components(nlp: Language) -> None:
    assert nlp.pipe_names == ["tpm_sentences", "tpm_lemmas", "tpm_taxonomy"]
    assert isinstance(nlp.get_pipe("tpm_taxonomy"), TaxonomyRuler)


def test_every_line_is_a_sentence_and_prose_is_split(nlp: Language) -> None:
    doc = nlp("Requirements\n- Jira and Confluence\n- SQL. Tableau is a plus, e.g. for reports")
    sents = [s.text.strip() for s in doc.sents]
    assert sents == [
        "Requirements",
        "- Jira and Confluence",
        "- SQL.",
        "Tableau is a plus, e.g. for reports",
    ]


def test_spans_carry_the_taxonomy_id(nlp: Language) -> None:
    doc = nlp("Experience with Jira")
    (span,) = doc.spans[SPANS_KEY]
    assert (span.text, span.label_, span.kb_id_) == ("Jira", "tool.jira", "tool.jira")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("JIRA, jira and Jira Software", {"tool.jira"}),
        ("Kanban Boards", {"method.kanban"}),  # case folded, plural by lemma
        ("Keep the Schedules honest", {"skill.timeline_management"}),
        ("Managing cross-team dependencies", {"skill.dependency_management"}),  # token pattern
        ("identify and mitigate risks", {"skill.risk_management"}),
        ("MS-Project and Power BI", {"tool.microsoft_project", "tool.power_bi"}),
        ("CI/CD pipelines", {"skill.ci_cd"}),
        ("Bachelor’s degree", {"degree.bachelor"}),  # typographic apostrophe
    ],
)
def test_forms_and_inflections(nlp: Language, text: str, expected: set[str]) -> None:
    assert ids(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "You will excel at planning and Excel at details.",
        "Work with many teams and Teams across the org.",
        "There is some slack in the schedule. Slack in the schedule is fine.",
        "Zoom in on the details and zoom out again.",
        "Our CSM team owns renewals.",
        "Serve as Scrum Master for two teams.",
        "it is a safe and lean setup",
    ],
)
def test_traps_yield_no_tool_method_or_credential(nlp: Language, text: str) -> None:
    kinds = {label.split(".")[0] for label in ids(nlp, text)}
    assert not kinds & {"tool", "method", "credential"}, found(nlp, text)


def test_ambiguous_forms_count_in_their_context(nlp: Language) -> None:
    assert ids(nlp, "We use Slack, Zoom and Teams daily.") == {
        "tool.slack",
        "tool.zoom",
        "tool.microsoft_teams",
    }
    assert ids(nlp, "Advanced Excel skills") == {"tool.excel"}
    assert ids(nlp, "Scrum Master certification required") == {"credential.csm"}
    assert ids(nlp, "CSM or PSM certification") == {"credential.csm", "credential.psm"}
    assert ids(nlp, "Run Scrum ceremonies") == {"method.scrum"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Microsoft Project", {"tool.microsoft_project"}),
        ("Lean Six Sigma certification", {"credential.six_sigma"}),
        ("Azure DevOps", {"tool.azure_devops"}),
        ("AWS Certified Solutions Architect", {"credential.aws_certification"}),
        ("manage project plans", {"skill.project_planning"}),  # exact form beats a lemma match
    ],
)
def test_longest_match_wins(nlp: Language, text: str, expected: set[str]) -> None:
    assert ids(nlp, text) == expected


def test_to_disk_and_spacy_load_round_trip(nlp: Language, tmp_path: Path) -> None:
    text = "Requirements\n- Jira, Slack in the schedule, Scrum Master certification"
    nlp.to_disk(tmp_path / "nlp")
    assert (tmp_path / "nlp" / "tpm_taxonomy" / "rules.json").is_file()
    loaded = spacy.load(tmp_path / "nlp")
    assert loaded.pipe_names == nlp.pipe_names
    assert found(loaded, text) == found(nlp, text)
    assert [s.text for s in loaded(text).sents] == [s.text for s in nlp(text).sents]


def test_cache_is_keyed_by_the_content_hash(
    taxonomy: Taxonomy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_or_build(taxonomy, tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [f"tpm-nlp-{taxonomy_key(taxonomy)}"]

    def no_build(*args: object, **kwargs: object) -> Language:
        raise AssertionError("the cached pipeline should have been loaded")

    monkeypatch.setattr(pipeline, "build_nlp", no_build)
    again = load_or_build(taxonomy, tmp_path)
    assert found(again, "Jira and Confluence") == found(first, "Jira and Confluence")

    monkeypatch.undo()
    changed = taxonomy.model_copy(update={"content_hash": "f" * 64})
    load_or_build(changed, tmp_path)
    assert len(list(tmp_path.iterdir())) == 2
