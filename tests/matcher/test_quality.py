"""The extractor against the labelled sets: the labels are sound, and the targets are met.

Targets (issue #4): concept precision >= 0.95, recall >= 0.90, required/preferred accuracy
>= 0.90, minimum years exact on >= 0.90 of the postings that state them. They are asserted
on our set, our held-out set, the Google TPM rows and all of them together.
`python bench/eval_extract.py --errors` prints the same figures with every disagreement.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from evaluation.metrics import (
    SCORED_KINDS,
    TARGETS,
    LabelledPosting,
    PostingLabel,
    Report,
    evaluate,
    load_google_tpm,
    load_labels,
    load_postings,
)
from matcher.extract import Extractor
from matcher.taxonomy import Taxonomy

DATA = Path(__file__).resolve().parents[1] / "data"
LABELLED = DATA / "labelled"
GOOGLE_LABELS = DATA / "google_tpm_labels.jsonl"
DEGREE_LEVELS = {"associate", "bachelor", "master", "mba", "doctorate"}


@pytest.fixture(scope="module")
def ours() -> tuple[list[LabelledPosting], list[PostingLabel]]:
    return load_postings(LABELLED / "postings.jsonl"), load_labels(LABELLED / "labels.jsonl")


@pytest.fixture(scope="module")
def heldout() -> tuple[list[LabelledPosting], list[PostingLabel]]:
    return (
        load_postings(LABELLED / "heldout_postings.jsonl"),
        load_labels(LABELLED / "heldout_labels.jsonl"),
    )


@pytest.fixture(scope="module")
def google(shared_data: Path) -> tuple[list[LabelledPosting], list[PostingLabel]]:
    return load_google_tpm(shared_data / "google-job-skills" / "job_skills.csv", GOOGLE_LABELS)


def _check_label_ids(labels: list[PostingLabel], taxonomy: Taxonomy) -> list[str]:
    problems = []
    for lab in labels:
        for concept in lab.concepts:
            found = taxonomy.by_id.get(concept.id)
            if found is None:
                problems.append(f"{lab.id}: {concept.id!r} is not in the taxonomy")
            elif found.kind not in SCORED_KINDS:
                problems.append(f"{lab.id}: {concept.id!r} is a {found.kind}; use the field")
        if lab.level is not None:
            level = taxonomy.by_id.get(lab.level)
            if level is None or level.kind != "level":
                problems.append(f"{lab.id}: level {lab.level!r} is not a taxonomy level")
        if lab.degree is not None and lab.degree.level not in DEGREE_LEVELS:
            problems.append(f"{lab.id}: degree level {lab.degree.level!r} is unknown")
        if lab.min_years_experience is not None and not 0 <= lab.min_years_experience <= 40:
            problems.append(f"{lab.id}: min_years_experience {lab.min_years_experience} is odd")
    return problems


def test_our_labels_use_taxonomy_ids_and_cover_every_posting(ours, taxonomy: Taxonomy) -> None:
    postings, labels = ours
    assert len(postings) >= 32
    posting_ids = [p.id for p in postings]
    assert len(set(posting_ids)) == len(posting_ids), "posting ids repeat"
    assert sorted(posting_ids) == sorted(lab.id for lab in labels), (
        "every posting needs exactly one label line and every label a posting"
    )
    assert _check_label_ids(labels, taxonomy) == []
    assert all(lab.concepts for lab in labels)


def test_heldout_labels_use_taxonomy_ids_and_cover_every_posting(
    heldout, ours, taxonomy: Taxonomy
) -> None:
    postings, labels = heldout
    assert sorted(p.id for p in postings) == sorted(lab.id for lab in labels)
    assert not {p.id for p in postings} & {p.id for p in ours[0]}, "ids clash with our set"
    assert _check_label_ids(labels, taxonomy) == []


def test_google_labels_cover_the_tpm_rows_of_the_index(
    google, shared_data: Path, taxonomy: Taxonomy
) -> None:
    postings, labels = google
    with (shared_data / "TPM_INDEX.csv").open(encoding="utf-8", newline="") as handle:
        index = [
            (int(r["record"].removeprefix("row ")), r["title_or_first_line"])
            for r in csv.DictReader(handle)
            if r["file"] == "job_skills.csv" and r["match"] == "title-TPM"
        ]
    assert len(index) == 13
    assert sorted(
        (int(lab.id.removeprefix("google:row-")), p.title)
        for lab, p in zip(labels, postings, strict=True)
    ) == sorted(index)
    assert _check_label_ids(labels, taxonomy) == []


@pytest.fixture(scope="module")
def reports(ours, heldout, google, taxonomy: Taxonomy) -> dict[str, Report]:
    extractor = Extractor(taxonomy)
    kinds = {c.id: c.kind for c in taxonomy.concepts}
    out: dict[str, Report] = {}
    every_label: list[PostingLabel] = []
    every_extraction = []
    for name, (postings, labels) in (("ours", ours), ("heldout", heldout), ("google", google)):
        extractions = list(extractor.extract_many(p.as_input() for p in postings))
        out[name] = evaluate(labels, extractions, kinds)
        every_label += labels
        every_extraction += extractions
    out["combined"] = evaluate(every_label, every_extraction, kinds)
    return out


@pytest.mark.parametrize("name", ["ours", "heldout", "google", "combined"])
def test_extractor_meets_the_quality_targets(reports: dict[str, Report], name: str) -> None:
    report = reports[name]
    missed = report.missed_targets(TARGETS)
    errors = [
        f"{e.posting_id} {e.error} {e.concept_id} {e.evidence.strip()[:80]!r}"
        for e in report.errors[:25]
    ]
    assert not missed, f"{name}: " + "; ".join(missed) + "\n" + "\n".join(errors)


def test_every_target_was_measured(reports: dict[str, Report]) -> None:
    figures = reports["combined"].figures()
    assert all(figures[name] is not None for name in TARGETS)
    assert reports["combined"].years.total >= 30
