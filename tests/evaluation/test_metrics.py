"""The metric code of evaluation.metrics, on hand-made extractions with exact numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluation.metrics import (
    SCORED_KINDS,
    ConceptLabel,
    DegreeLabel,
    LabelError,
    PostingLabel,
    evaluate,
    google_posting_text,
    load_google_tpm,
    load_labels,
    load_postings,
    parse_label,
)
from evaluation.sets import load_real_tpm, real_posting_id
from matcher.models import Degree, Extraction, Requirement
from matcher.taxonomy import Taxonomy

KINDS = {
    "tool.jira": "tool",
    "tool.excel": "tool",
    "skill.risk_management": "skill",
    "credential.pmp": "credential",
    "method.scrum": "method",
    "degree.bachelor": "degree",
}


def req(cid: str, required: bool = True, evidence: str = "ev") -> Requirement:
    kind = KINDS.get(cid, cid.split(".")[0])
    return Requirement(cid, cid, kind, required, evidence, 0, len(evidence))


def label(pid: str, *concepts: tuple[str, bool], **kw: object) -> PostingLabel:
    return PostingLabel(pid, tuple(ConceptLabel(c, r) for c, r in concepts), **kw)  # type: ignore[arg-type]


def test_micro_precision_recall_and_required_accuracy() -> None:
    labels = [
        label("a", ("tool.jira", True), ("skill.risk_management", True), ("credential.pmp", False)),
        label("b", ("method.scrum", True)),
    ]
    extractions = [
        # jira right, risk right but flagged preferred, pmp missed, excel spurious
        Extraction("a", [req("tool.jira"), req("skill.risk_management", False), req("tool.excel")]),
        Extraction("b", [req("method.scrum")]),
    ]
    report = evaluate(labels, extractions, KINDS)
    assert (report.concepts.tp, report.concepts.fp, report.concepts.fn) == (3, 1, 1)
    assert report.concepts.precision == pytest.approx(0.75)
    assert report.concepts.recall == pytest.approx(0.75)
    assert report.concepts.f1 == pytest.approx(0.75)
    assert (report.required.correct, report.required.total) == (2, 3)
    tool = report.by_kind["tool"]
    assert (tool.tp, tool.fp, tool.fn) == (1, 1, 0)
    assert report.by_kind["credential"].recall == 0.0
    assert report.by_kind["domain"].precision == 1.0  # nothing predicted, nothing labelled
    kinds_of_error = sorted((e.posting_id, e.concept_id, e.error) for e in report.errors)
    assert kinds_of_error == [
        ("a", "credential.pmp", "fn"),
        ("a", "skill.risk_management", "required"),
        ("a", "tool.excel", "fp"),
    ]
    fp = next(e for e in report.errors if e.error == "fp")
    assert fp.evidence == "ev" and fp.predicted_required is True


def test_duplicate_predictions_count_once_and_required_wins() -> None:
    labels = [label("a", ("tool.jira", True))]
    extractions = [Extraction("a", [req("tool.jira", False), req("tool.jira", True)])]
    report = evaluate(labels, extractions, KINDS)
    assert (report.concepts.tp, report.concepts.fp) == (1, 0)
    assert report.required.value == 1.0


def test_degree_and_level_kinds_are_not_scored_as_concepts() -> None:
    labels = [label("a", ("tool.jira", True))]
    extractions = [
        Extraction("a", [req("tool.jira"), req("degree.bachelor"), req("level.tpm")]),
    ]
    report = evaluate(labels, extractions, KINDS)
    assert (report.concepts.tp, report.concepts.fp, report.concepts.fn) == (1, 0, 0)


def test_years_degree_and_level() -> None:
    labels = [
        label("a", min_years_experience=5, degree=DegreeLabel("bachelor", True), level="level.tpm"),
        label("b", min_years_experience=3, degree=None, level="level.senior_tpm"),
        label("c", min_years_experience=None, degree=DegreeLabel("master", False)),
        label("d", min_years_experience=None),
    ]
    extractions = [
        Extraction(
            "a",
            min_years_experience=5.0,
            degree=Degree("bachelor", required=False),
            level="level.tpm",
        ),
        Extraction("b", min_years_experience=5, degree=Degree("bachelor"), level="level.tpm"),
        Extraction("c", min_years_experience=None, degree=Degree("master", required=False)),
        Extraction("d", min_years_experience=2),
    ]
    report = evaluate(labels, extractions, KINDS)
    assert (report.years.correct, report.years.total) == (1, 2)
    assert report.years_spurious == 1
    assert sorted(report.years_errors) == [("b", 3, 5), ("d", None, 2)]
    # degree level: a right, b wrong (None vs bachelor), c right, d right (None == None)
    assert (report.degree_level.correct, report.degree_level.total) == (3, 4)
    # required flag only where both give the same level: a wrong, c right
    assert (report.degree_required.correct, report.degree_required.total) == (1, 2)
    assert (report.level.correct, report.level.total) == (1, 2)
    assert report.field_errors == [
        ("a", "degree.required", "True", "False"),
        ("b", "degree", "None", "bachelor"),
        ("b", "level", "level.senior_tpm", "level.tpm"),
    ]
    figures = report.figures()
    assert figures["years_exact"] == 0.5 and figures["level_accuracy"] == 0.5
    assert figures["concept_precision"] == 1.0  # no concepts at all


def test_missed_targets_lists_only_the_failures() -> None:
    labels = [label("a", ("tool.jira", True), ("method.scrum", True), min_years_experience=4)]
    extractions = [Extraction("a", [req("tool.jira")], min_years_experience=4)]
    report = evaluate(labels, extractions, KINDS)
    assert report.missed_targets() == ["concept_recall = 0.500 < 0.90"]


def test_labels_and_extractions_must_match_by_id() -> None:
    with pytest.raises(ValueError, match=r"no extraction for \['b'\], no label for \['c'\]"):
        evaluate([label("a"), label("b")], [Extraction("a"), Extraction("c")], KINDS)
    with pytest.raises(ValueError, match="two extractions"):
        evaluate([label("a")], [Extraction("a"), Extraction("a")], KINDS)


def test_parse_label_errors_name_the_place_and_field() -> None:
    good = {"id": "x", "concepts": [], "min_years_experience": None, "degree": None, "level": None}
    assert parse_label(good, "f:1").id == "x"
    with pytest.raises(LabelError, match=r"f:2: concepts\[1\]: field 'required' is missing"):
        parse_label({**good, "concepts": [{"id": "tool.jira"}]}, "f:2")
    with pytest.raises(LabelError, match="f:3: field 'min_years_experience' has the wrong type"):
        parse_label({**good, "min_years_experience": "5"}, "f:3")
    with pytest.raises(LabelError, match="f:4: field 'min_years_experience' has the wrong type"):
        parse_label({**good, "min_years_experience": True}, "f:4")
    with pytest.raises(LabelError, match=r"listed more than once"):
        parse_label({**good, "concepts": [{"id": "a.b", "required": True}] * 2}, "f:5")
    with pytest.raises(LabelError, match="f:6: degree: field 'level' is missing"):
        parse_label({**good, "degree": {"required": True}}, "f:6")
    by_row = {k: v for k, v in good.items() if k != "id"} | {"row": 7}
    assert parse_label(by_row, "f:7").id == "google:row-7"


def test_loaders_report_file_and_line(tmp_path: Path) -> None:
    labels = tmp_path / "labels.jsonl"
    labels.write_text(
        '{"id": "a", "concepts": [], "min_years_experience": null, '
        '"degree": null, "level": null}\n\nnot json\n'
    )
    with pytest.raises(LabelError, match=r"labels.jsonl:3: not valid JSON"):
        load_labels(labels)
    postings = tmp_path / "postings.jsonl"
    postings.write_text('{"id": "a", "title": "TPM"}\n')
    with pytest.raises(LabelError, match=r"postings.jsonl:1: field 'description' is missing"):
        load_postings(postings)
    with pytest.raises(LabelError, match="cannot read"):
        load_labels(tmp_path / "absent.jsonl")


def test_google_rows_are_read_by_record_number_and_checked_by_title(tmp_path: Path) -> None:
    csv_path = tmp_path / "jobs.csv"
    csv_path.write_text(
        "\ufeffCompany,Title,Category,Location,Responsibilities,Minimum Qualifications,"
        "Preferred Qualifications\n"
        'Google,First,c,l,"Line one.\nLine two.",BS,PMP\n'
        "Google,Second,c,l,Own the roadmap.,5 years,Jira\n",
        encoding="utf-8",
    )
    line = {
        "row": 2,
        "title": "Second",
        "concepts": [{"id": "tool.jira", "required": False}],
        "min_years_experience": 5,
        "degree": None,
        "level": "level.tpm",
    }
    labels_path = tmp_path / "g.jsonl"
    labels_path.write_text(json.dumps(line) + "\n")
    postings, labels = load_google_tpm(csv_path, labels_path)
    assert labels[0].id == postings[0].id == "google:row-2"
    assert postings[0].text == (
        "Responsibilities:\nOwn the roadmap.\nMinimum qualifications:\n5 years\n"
        "Preferred qualifications:\nJira"
    )
    assert postings[0].as_input() == ("google:row-2", postings[0].text, "Second")
    labels_path.write_text(json.dumps({**line, "row": 1}) + "\n")
    with pytest.raises(LabelError, match=r"row 1 of .* is titled 'First', the label says 'Second'"):
        load_google_tpm(csv_path, labels_path)
    labels_path.write_text(json.dumps({**line, "row": 3}) + "\n")
    with pytest.raises(LabelError, match=r"row 3 is outside .* \(1..2\)"):
        load_google_tpm(csv_path, labels_path)


def test_google_posting_text_tolerates_empty_columns() -> None:
    assert google_posting_text({}) == (
        "Responsibilities:\n\nMinimum qualifications:\n\nPreferred qualifications:\n"
    )


# --- the real held-out set (references into ../shared/data, resolved at run time) ---

REAL_LABELS = Path(__file__).resolve().parents[1] / "data" / "real_tpm_labels.jsonl"


def test_real_labels_resolve_to_the_shared_postings(shared_data: Path, taxonomy: Taxonomy) -> None:
    postings, labels = load_real_tpm(shared_data, REAL_LABELS)
    assert len(postings) == len(labels) == 20
    assert [p.id for p in postings] == [lab.id for lab in labels]
    assert len({p.id for p in postings}) == 20
    known = {c.id for c in taxonomy.concepts}
    for lab in labels:
        assert {c.id for c in lab.concepts} <= known, lab.id
        assert lab.level is None or lab.level in known, lab.id
    by_id = {p.id: p for p in postings}
    wlb = by_id["wlb:senior-technical-program-manager-logistics-supply-chain"]
    assert wlb.text.startswith("# [Senior Technical Program Manager - Logistics (Supply Chain)]")
    assert wlb.title == "Senior Technical Program Manager - Logistics (Supply Chain)"
    hn = by_id["hn:46871481"]  # passed as the HTML it is, entities still escaped
    assert "We&#x27;re hiring" in hn.text and "<a href=" in hn.text
    assert hn.title.startswith("Redmond, WA US onsite/hybrid. We're hiring on my team")
    lever = by_id["lever:3f323cf8"]
    assert lever.title == "Associate Project Manager, Marketing Programs"
    assert "<h3>Who you are:</h3>\n<ul><li>3+ years of project management" in lever.text


def _tiny_data(root: Path) -> Path:
    """A shared-data look-alike with one HN post we wrote ourselves."""
    data = root / "data"
    run = data / "hn-who-is-hiring" / "runs" / "2026-01-01"
    run.mkdir(parents=True)
    post = {"id": 7, "text": "Acme | TPM | Remote<p>Own the roadmap &amp; the Jira board."}
    (run / "raw.json").write_text(json.dumps({"jobs": [post]}), encoding="utf-8")
    (data / "TPM_INDEX.csv").write_text(
        "source_dir,file,record,title_or_first_line,match\n"
        "hn-who-is-hiring,hn-who-is-hiring/runs/2026-01-01/raw.json,id 7,Acme | TPM | Remote,"
        "text-TPM\n",
        encoding="utf-8",
    )
    return data


def test_real_loader_checks_index_title_and_record(tmp_path: Path) -> None:
    data = _tiny_data(tmp_path)
    line = {
        "source_dir": "hn-who-is-hiring",
        "file": "hn-who-is-hiring/runs/2026-01-01/raw.json",
        "record": "id 7",
        "title": "Acme | TPM | Remote",
        "concepts": [{"id": "tool.jira", "required": True}],
        "min_years_experience": None,
        "degree": None,
        "level": "level.tpm",
    }
    labels_path = tmp_path / "real.jsonl"
    labels_path.write_text(json.dumps(line) + "\n")
    postings, labels = load_real_tpm(data, labels_path)
    assert postings[0].as_input() == (
        "hn:7",
        "Acme | TPM | Remote<p>Own the roadmap &amp; the Jira board.",
        "Acme | TPM | Remote",
    )
    assert labels[0].concepts == (ConceptLabel("tool.jira", True),)

    labels_path.write_text(json.dumps({**line, "title": "Acme | PM"}) + "\n")
    with pytest.raises(LabelError, match=r"real.jsonl:1: TPM_INDEX.csv titles this record"):
        load_real_tpm(data, labels_path)
    labels_path.write_text(json.dumps({**line, "record": "id 8"}) + "\n")
    with pytest.raises(LabelError, match=r"real.jsonl:1: .* is not a row of"):
        load_real_tpm(data, labels_path)
    labels_path.write_text(json.dumps(line) + "\n" + json.dumps(line) + "\n")
    with pytest.raises(LabelError, match=r"real.jsonl:2: posting 'hn:7' is labelled twice"):
        load_real_tpm(data, labels_path)
    labels_path.write_text(json.dumps({**line, "source_dir": "elsewhere"}) + "\n")
    with pytest.raises(LabelError, match=r"source_dir 'elsewhere' is not supported"):
        load_real_tpm(data, labels_path)
    labels_path.write_text(json.dumps({k: v for k, v in line.items() if k != "record"}) + "\n")
    with pytest.raises(LabelError, match=r"real.jsonl:1: field 'record' is missing"):
        load_real_tpm(data, labels_path)


def test_real_loader_fails_clearly_without_the_shared_data(tmp_path: Path) -> None:
    with pytest.raises(LabelError, match=r"missing: the real postings are read from ../shared"):
        load_real_tpm(tmp_path / "nowhere", REAL_LABELS)
    data = _tiny_data(tmp_path)
    (data / "hn-who-is-hiring" / "runs" / "2026-01-01" / "raw.json").unlink()
    labels_path = tmp_path / "real.jsonl"
    labels_path.write_text(
        json.dumps(
            {
                "source_dir": "hn-who-is-hiring",
                "file": "hn-who-is-hiring/runs/2026-01-01/raw.json",
                "record": "id 7",
                "title": "Acme | TPM | Remote",
                "concepts": [],
                "min_years_experience": None,
                "degree": None,
                "level": None,
            }
        )
        + "\n"
    )
    with pytest.raises(LabelError, match=r"raw.json is missing"):
        load_real_tpm(data, labels_path)


def test_real_posting_ids_are_short_and_stable() -> None:
    assert real_posting_id("hn-who-is-hiring", "id 46875895") == "hn:46875895"
    with pytest.raises(LabelError, match="not supported"):
        real_posting_id("google-job-skills", "row 1")


# --- held-out 2: Google program/project manager rows (labels by row number and title) ---

HELDOUT2_LABELS = Path(__file__).resolve().parents[1] / "data" / "heldout2_labels.jsonl"
GOOGLE_LABELS = Path(__file__).resolve().parents[1] / "data" / "google_tpm_labels.jsonl"


def test_heldout2_rows_load_and_are_new(shared_data: Path, taxonomy: Taxonomy) -> None:
    csv_path = shared_data / "google-job-skills" / "job_skills.csv"
    postings, labels = load_google_tpm(csv_path, HELDOUT2_LABELS)
    assert len(postings) == len(labels) == 20
    known = {c.id: c.kind for c in taxonomy.concepts}
    for lab in labels:
        assert all(known.get(c.id) in SCORED_KINDS for c in lab.concepts), lab.id
        assert lab.level is not None and known.get(lab.level) == "level", lab.id
    titles = [p.title for p in postings]
    # Program/project manager rows only: never one of the 13 tuned-against TPM rows.
    assert not any(t.startswith("Technical Program Manager") for t in titles)
    assert all("Program Manager" in t or "Project Manager" in t for t in titles)
    tuned = {lab.id for lab in load_labels(GOOGLE_LABELS)}
    assert tuned.isdisjoint(lab.id for lab in labels)
    # No two rows with the same text (the CSV repeats about 124 rows).
    assert len({p.text for p in postings}) == 20


def test_alternative_groups_precision_and_recall() -> None:
    from dataclasses import replace

    def grouped(*ids: str, group: int = 1) -> list[Requirement]:
        return [replace(req(c), group=group) for c in ids]

    pmp_or_scrum = frozenset({"credential.pmp", "method.scrum"})
    labels = [
        label("a", ("credential.pmp", True), ("method.scrum", True), groups=(pmp_or_scrum,)),
        label("b", ("tool.jira", True), ("tool.excel", True), groups=()),
        label("c", ("tool.jira", True), ("tool.excel", True)),  # not labelled for groups
    ]
    extractions = [
        Extraction("a", grouped("credential.pmp", "method.scrum")),
        Extraction("b", grouped("tool.jira", "tool.excel")),  # "Jira and Excel": invented
        Extraction("c", grouped("tool.jira", "tool.excel")),  # not counted
    ]
    report = evaluate(labels, extractions, KINDS)
    assert (report.groups.tp, report.groups.fp, report.groups.fn) == (1, 1, 0)
    assert report.groups_labelled == 2 and report.groups.precision == pytest.approx(0.5)
    assert report.group_errors == [("b", "fp", "tool.excel | tool.jira")]
    missed = evaluate(
        labels[:1], [Extraction("a", [req("credential.pmp"), req("method.scrum")])], KINDS
    )
    assert missed.groups.recall == 0.0
    good = {
        "id": "x",
        "concepts": [{"id": "tool.jira", "required": True}],
        "min_years_experience": None,
        "degree": None,
        "level": None,
    }
    with pytest.raises(LabelError, match=r"groups\[1\]: \['tool.asana'\] are not in"):
        parse_label({**good, "groups": [["tool.jira", "tool.asana"]]}, "f:1")
    with pytest.raises(LabelError, match=r"two or more"):
        parse_label({**good, "groups": [["tool.jira"]]}, "f:2")
