"""The taxonomy covers the two career articles, resolves aliases uniquely and fails clearly."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from matcher.taxonomy import KINDS, TaxonomyError, load_taxonomy, normalize_alias, parse_taxonomy

# Every concept the two articles name that a posting or a profile can mention, as the
# article words it, with the kind it must resolve to. Adding a concept to the articles'
# reading means adding a line here.
ARTICLE_CHECKLIST: list[tuple[str, str]] = [
    # technical literacy (guide2026, "Technical literacy")
    ("software development concepts", "skill"),
    ("infrastructure", "skill"),
    ("APIs", "skill"),
    ("databases", "skill"),
    ("cloud environments", "skill"),
    ("cybersecurity basics", "skill"),
    ("testing", "skill"),
    ("deployment", "skill"),
    ("systems integration", "skill"),
    # planning and delivery
    ("scope", "skill"),
    ("dependencies", "skill"),
    ("estimates", "skill"),
    ("timelines", "skill"),
    ("milestones", "skill"),
    ("sequencing", "skill"),
    ("risk management", "skill"),
    ("budget oversight", "skill"),
    ("resource oversight", "skill"),
    ("stakeholder communication", "skill"),
    ("executive communication", "skill"),
    ("change management", "skill"),
    ("vendor management", "skill"),
    ("documentation", "skill"),
    ("decision records", "skill"),
    ("status reporting", "skill"),
    ("hiring and training technical staff", "skill"),
    ("mentoring", "skill"),
    ("process improvement", "skill"),
    ("data analysis", "skill"),
    ("backlogs", "skill"),
    ("scheduling", "skill"),
    ("recruiting", "skill"),
    ("team management", "skill"),
    ("time management", "skill"),
    ("organizational skills", "skill"),
    ("strategic thinking", "skill"),
    ("project planning", "skill"),
    ("problem-solving", "skill"),
    ("adaptability", "skill"),
    ("leadership", "skill"),
    ("remote collaboration", "skill"),
    ("resource management", "skill"),
    ("managing project budgets", "skill"),
    ("researching and implementing new technologies", "skill"),
    ("portfolio planning", "skill"),
    ("governance", "skill"),
    ("roadmaps", "skill"),
    ("project controls", "skill"),
    ("agile ceremonies", "skill"),
    ("escalation", "skill"),
    ("product management", "skill"),
    ("program management", "skill"),
    ("AI tools", "skill"),
    ("incident response", "skill"),
    ("decision-making", "skill"),
    ("communication skills", "skill"),
    # methods
    ("Agile", "method"),
    ("Scrum", "method"),
    ("Kanban", "method"),
    ("waterfall", "method"),
    ("hybrid approach", "method"),
    ("DevOps", "method"),
    ("Agile software development", "method"),
    ("linear project management methodologies", "method"),
    # tools
    ("Jira", "tool"),
    ("Asana", "tool"),
    ("Trello", "tool"),
    ("Microsoft Project", "tool"),
    ("Excel", "tool"),
    ("Tableau", "tool"),
    ("Power BI", "tool"),
    ("Slack", "tool"),
    ("Microsoft Teams", "tool"),
    ("Zoom", "tool"),
    ("AWS", "tool"),
    ("project management software", "tool"),
    ("ServiceNow", "tool"),
    ("Google Cloud", "tool"),
    # credentials
    ("PMP", "credential"),
    ("Project Management Professional", "credential"),
    ("CAPM", "credential"),
    ("Certified Associate in Project Management", "credential"),
    ("Agile Certified Practitioner", "credential"),
    ("Scrum Master certification", "credential"),
    ("Technical Project Management certificate", "credential"),
    ("Mastering Digital Project Management", "credential"),
    ("micro-credentials", "credential"),
    ("agile credentials", "credential"),
    # degrees
    ("bachelor's degree", "degree"),
    ("computer science degree", "degree"),
    ("engineering degree", "degree"),
    ("information technology degree", "degree"),
    ("software engineering degree", "degree"),
    ("technical degree", "degree"),
    ("master's degree", "degree"),
    ("MBA", "degree"),
    ("master's in project management", "degree"),
    ("associate degree", "degree"),
    # domains
    ("cloud computing", "skill"),  # one concept with "cloud environments"
    ("cybersecurity", "domain"),
    ("financial services", "domain"),
    ("fintech", "domain"),
    ("healthcare", "domain"),
    ("health tech", "domain"),
    ("e-commerce", "domain"),
    ("energy", "domain"),
    ("utilities", "domain"),
    ("automotive", "domain"),
    ("gaming", "domain"),
    ("government", "domain"),
    ("universities", "domain"),
    ("nonprofits", "domain"),
    ("consulting firms", "domain"),
    ("data platforms", "domain"),
    ("AI implementation", "domain"),
    ("enterprise software", "domain"),
    ("data center", "domain"),
    ("regulated industries", "domain"),
    ("manufacturing systems", "domain"),
    ("information technology", "domain"),
    ("design and engineering", "domain"),
    # career levels
    ("Project Coordinator", "level"),
    ("Technical Project Coordinator", "level"),
    ("Assistant Project Manager", "level"),
    ("Junior Technical Project Manager", "level"),
    ("Technical Project Manager", "level"),
    ("Senior Technical Project Manager", "level"),
    ("Project Leader", "level"),
    ("Program Manager", "level"),
    ("Project Director", "level"),
    ("Head of Projects", "level"),
    ("Associate Technical Program Manager Intern", "level"),
]


@pytest.mark.parametrize(("phrase", "kind"), ARTICLE_CHECKLIST)
def test_every_concept_the_articles_name_has_an_entry(taxonomy, phrase, kind):
    concept_id = taxonomy.alias_index.get(normalize_alias(phrase))
    assert concept_id is not None, f"no taxonomy entry or alias for {phrase!r}"
    assert taxonomy.by_id[concept_id].kind == kind


def test_counts_cover_every_kind(taxonomy):
    counts = taxonomy.counts()
    assert set(counts) == set(KINDS)
    assert all(counts[k] > 0 for k in KINDS)


def test_each_alias_resolves_to_exactly_one_entry(taxonomy):
    seen: dict[str, str] = {}
    for concept in taxonomy.concepts:
        for form in concept.surface_forms:
            key = normalize_alias(form)
            assert seen.setdefault(key, concept.id) == concept.id, form
    assert seen == taxonomy.alias_index


def test_every_entry_has_provenance(taxonomy):
    article_ids = {a.id for a in taxonomy.articles}
    for concept in taxonomy.concepts:
        assert concept.source.section.strip(), concept.id
        if concept.extension:
            assert concept.source.section.startswith("extension"), concept.id
        else:
            assert concept.source.article in article_ids, concept.id


def test_article_files_exist_in_shared_seeds(taxonomy, repo_root):
    seeds = repo_root.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.fail(f"{seeds} is missing: the taxonomy's articles live there")
    for article in taxonomy.articles:
        assert (seeds / article.file).is_file(), article.file


def test_levels_carry_years_and_salaries_with_year_and_article(taxonomy):
    levels = taxonomy.levels
    assert [lv.rank for lv in levels] == sorted(lv.rank for lv in levels)
    tpm = taxonomy.by_id["level.tpm"]
    assert (tpm.years_min, tpm.years_max) == (3, 5)
    figures = {(s.article, s.year, s.average) for lv in levels for s in lv.salaries}
    assert ("guide2026", 2025, 104711) in figures
    assert ("meaning", 2022, 111037) in figures
    assert ("meaning", 2022, 124430) in figures
    assert ("guide2026", 2025, 76683) in figures


def test_ambiguity_rules_are_declared_in_data(taxonomy):
    for concept_id in ("tool.excel", "tool.slack", "tool.zoom", "tool.microsoft_teams"):
        rule = taxonomy.by_id[concept_id].ambiguity
        assert rule is not None and rule.case_sensitive and rule.reason
    assert taxonomy.by_id["credential.csm"].ambiguity.not_followed_by
    assert "master" in taxonomy.by_id["method.scrum"].ambiguity.not_followed_by


def test_broader_relations_and_their_closure(taxonomy):
    assert taxonomy.broader_of("method.scrum") == ("method.agile",)
    assert taxonomy.broader_of("method.agile") == ()
    assert taxonomy.broader_of("tool.nope") == ()
    assert taxonomy.ancestors("credential.csm") == ("method.scrum", "method.agile")
    assert "skill.project_management" in taxonomy.ancestors("credential.pgmp")
    for cid in ("tool.aws", "tool.azure", "tool.gcp"):
        assert taxonomy.ancestors(cid) == ("skill.cloud_environments",)
    for cid in ("jira", "asana", "trello", "microsoft_project", "smartsheet", "monday"):
        assert taxonomy.broader_of(f"tool.{cid}") == ("tool.project_management_software",)
    for cid in ("method.scrum", "method.kanban", "method.safe", "method.lean"):
        assert "method.agile" in taxonomy.ancestors(cid)
    for cid in ("credential.pmp", "credential.pgmp", "credential.capm"):
        assert "skill.project_management" in taxonomy.ancestors(cid)
    assert taxonomy.broader_count == sum(len(c.broader) for c in taxonomy.concepts) > 30
    record = next(r for r in taxonomy.export_records() if r["id"] == "credential.psm")
    assert record["broader"] == ["method.scrum"]


def test_every_broader_relation_gives_its_reason_in_a_comment(taxonomy_path):
    lines = taxonomy_path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.strip().startswith("broader:"):
            assert lines[i - 1].strip().startswith("# broader: "), f"line {i + 1}: no reason"


def test_near_duplicate_cloud_concepts_are_one(taxonomy):
    cloud = {
        taxonomy.alias_index[normalize_alias(p)] for p in ("cloud computing", "cloud environments")
    }
    assert cloud == {"skill.cloud_environments"}


def test_content_hash_changes_with_the_file(tmp_path, taxonomy_path, taxonomy):
    copy_path = tmp_path / "t.yaml"
    copy_path.write_text(taxonomy_path.read_text() + "\n# edited\n")
    assert load_taxonomy(copy_path).content_hash != taxonomy.content_hash


# ---------------------------------------------------------------- broken taxonomies


@pytest.fixture()
def raw(taxonomy_path: Path) -> dict:
    return yaml.safe_load(taxonomy_path.read_text())


def _error(raw: dict) -> str:
    with pytest.raises(TaxonomyError) as info:
        parse_taxonomy(raw, origin="broken.yaml")
    return str(info.value)


def test_missing_field_names_entry_and_field(raw):
    broken = copy.deepcopy(raw)
    del broken["concepts"][0]["category"]
    message = _error(broken)
    assert "broken.yaml" in message
    assert "skill.software_development_lifecycle" in message
    assert "'category'" in message


def test_wrong_kind_names_entry_and_field(raw):
    broken = copy.deepcopy(raw)
    entry = next(c for c in broken["concepts"] if c["id"] == "tool.jira")
    entry["kind"] = "gadget"
    message = _error(broken)
    assert "tool.jira" in message and "'kind'" in message


def test_duplicate_id_is_an_error(raw):
    broken = copy.deepcopy(raw)
    twin = copy.deepcopy(broken["concepts"][0])
    twin["aliases"] = []
    twin["name"] = "Something else"
    broken["concepts"].append(twin)
    assert "used by more than one entry" in _error(broken)


def test_alias_claimed_by_two_entries_is_an_error(raw):
    broken = copy.deepcopy(raw)
    entry = next(c for c in broken["concepts"] if c["id"] == "tool.trello")
    entry["aliases"] = ["JIRA"]
    message = _error(broken)
    assert "'JIRA'" in message and "tool.jira" in message and "tool.trello" in message


def test_unknown_field_is_an_error(raw):
    broken = copy.deepcopy(raw)
    broken["concepts"][0]["aliasses"] = ["typo"]
    assert "aliasses" in _error(broken)


def test_missing_source_article_is_an_error(raw):
    broken = copy.deepcopy(raw)
    broken["concepts"][0]["source"] = {"section": "somewhere"}
    assert "extension: true" in _error(broken)


def test_unreadable_and_invalid_yaml_files(tmp_path):
    with pytest.raises(TaxonomyError, match="cannot read"):
        load_taxonomy(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("concepts: [\n")
    with pytest.raises(TaxonomyError, match="not valid YAML"):
        load_taxonomy(bad)


def _with_broader(raw: dict, concept_id: str, broader: list[str]) -> dict:
    broken = copy.deepcopy(raw)
    next(c for c in broken["concepts"] if c["id"] == concept_id)["broader"] = broader
    return broken


def test_broader_unknown_id_names_entry_and_field(raw):
    message = _error(_with_broader(raw, "method.kanban", ["method.agil"]))
    assert "concept 'method.kanban', field 'broader': unknown concept id 'method.agil'" in message


def test_broader_naming_itself_is_an_error(raw):
    message = _error(_with_broader(raw, "method.kanban", ["method.kanban"]))
    assert "concept 'method.kanban', field 'broader': names the concept itself" in message


def test_broader_cycle_names_the_chain(raw):
    broken = _with_broader(raw, "method.agile", ["credential.csm"])
    message = _error(broken)
    assert (
        "concept 'method.agile', field 'broader': a cycle "
        "(method.agile -> credential.csm -> method.scrum -> method.agile)"
    ) in message
