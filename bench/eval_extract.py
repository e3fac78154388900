"""Measure the extractor's quality on the labelled sets and print the figures.

    python bench/eval_extract.py            # tables for our set, the Google TPM rows, both
    python bench/eval_extract.py --errors   # plus every false positive/negative with evidence
    python bench/eval_extract.py --no-real  # without the real (held-out) postings

Our sets are in `tests/data/labelled/`: `postings.jsonl` (the set the extractor was tuned
against) and `heldout_postings.jsonl` (written later, measured once before anyone saw it;
see its README). The Google TPM rows are read from
`../shared/data/google-job-skills/job_skills.csv` (relative to the repository root) and
labelled in `tests/data/google_tpm_labels.jsonl`. The labelling rules are in
`tests/data/labelled/README.md`. Exit status 1 when a target is missed by the combined
figures.

The last table, "real (held-out)", is 20 real TPM-family postings written by others
(remote job board, Lever, "Ask HN: Who is hiring?"), labelled in
`tests/data/real_tpm_labels.jsonl` by reference into `../shared/data` and measured once
before anyone looked at the extractor's output on them (see `evaluation/sets.py`).
It is kept out of "combined" and out of the exit status: it measures generalisation, not
the tuning targets.

"held-out 2" is a second such measurement: 20 Google "Program Manager" / "Project Manager"
rows of the same CSV (none of the 13 "Technical Program Manager" rows, no duplicated row),
labelled in `tests/data/heldout2_labels.jsonl` by row number and title, and measured once
after the labels were committed (figures in that file's notes, see
`evaluation/sets.py`). It is likewise outside "combined" and the exit status
(`--no-heldout2` skips it).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))  # the dev-only `evaluation` package is not installed

from evaluation.metrics import (  # noqa: E402
    SCORED_KINDS,
    TARGETS,
    LabelledPosting,
    PostingLabel,
    Ratio,
    Report,
    evaluate,
    load_google_tpm,
    load_labels,
    load_postings,
)
from evaluation.sets import load_real_tpm  # noqa: E402
from matcher.extract import Extractor  # noqa: E402
from matcher.models import Extraction  # noqa: E402
from matcher.taxonomy import load_taxonomy  # noqa: E402

LABELLED = REPO_ROOT / "tests" / "data" / "labelled"
GOOGLE_LABELS = REPO_ROOT / "tests" / "data" / "google_tpm_labels.jsonl"
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
GOOGLE_CSV = SHARED_DATA / "google-job-skills" / "job_skills.csv"
REAL_LABELS = REPO_ROOT / "tests" / "data" / "real_tpm_labels.jsonl"
REAL_NAME = "real (held-out)"
HELDOUT2_LABELS = REPO_ROOT / "tests" / "data" / "heldout2_labels.jsonl"
HELDOUT2_NAME = "held-out 2"

DataSet = tuple[str, list[LabelledPosting], list[PostingLabel]]


def load_sets(google_csv: Path) -> list[DataSet]:
    """Our labelled postings and the Google TPM rows; a clear error when the CSV is missing."""
    ours = (
        "ours",
        load_postings(LABELLED / "postings.jsonl"),
        load_labels(LABELLED / "labels.jsonl"),
    )
    heldout = (
        "heldout",
        load_postings(LABELLED / "heldout_postings.jsonl"),
        load_labels(LABELLED / "heldout_labels.jsonl"),
    )
    if not google_csv.is_file():
        sys.exit(
            f"error: {google_csv} is missing. The Google TPM rows are read from the shared "
            "data folder beside the repository (../shared/data, see its README); check it "
            "out, or pass --google-csv PATH"
        )
    google_postings, google_labels = load_google_tpm(google_csv, GOOGLE_LABELS)
    return [ours, heldout, ("google", google_postings, google_labels)]


def load_real(data_dir: Path) -> DataSet:
    """The real held-out postings, resolved from the shared data folder at run time."""
    if not data_dir.is_dir():
        sys.exit(
            f"error: {data_dir} is missing. The real postings are read from the shared data "
            "folder beside the repository (../shared/data, see its README); check it out, "
            "pass --real-data PATH, or --no-real"
        )
    postings, labels = load_real_tpm(data_dir, REAL_LABELS)
    return (REAL_NAME, postings, labels)


def load_heldout2(google_csv: Path) -> DataSet:
    """The second held-out set: Google program/project manager rows, read from the CSV."""
    if not google_csv.is_file():
        sys.exit(
            f"error: {google_csv} is missing. The held-out 2 rows are read from the shared "
            "data folder beside the repository (../shared/data, see its README); check it "
            "out, pass --google-csv PATH, or --no-heldout2"
        )
    postings, labels = load_google_tpm(google_csv, HELDOUT2_LABELS)
    return (HELDOUT2_NAME, postings, labels)


def _pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:6.3f}"


def _ratio(r: Ratio) -> str:
    return f"{_pct(r.value)}  ({r.correct}/{r.total})"


def format_report(name: str, report: Report, seconds: float) -> str:
    """The table for one set: concept P/R/F1 per kind and overall, then the other figures."""
    lines = [
        f"== {name}: {report.postings} postings, extracted in {seconds:.2f}s",
        f"{'kind':<12}{'tp':>5}{'fp':>5}{'fn':>5}{'prec':>8}{'recall':>8}{'f1':>8}",
    ]
    for kind in SCORED_KINDS:
        prf = report.by_kind.get(kind)
        if prf is None or prf.tp + prf.fp + prf.fn == 0:
            continue
        lines.append(
            f"{kind:<12}{prf.tp:>5}{prf.fp:>5}{prf.fn:>5}"
            f"{prf.precision:>8.3f}{prf.recall:>8.3f}{prf.f1:>8.3f}"
        )
    c = report.concepts
    lines.append(
        f"{'ALL':<12}{c.tp:>5}{c.fp:>5}{c.fn:>5}{c.precision:>8.3f}{c.recall:>8.3f}{c.f1:>8.3f}"
    )
    figures = report.figures()

    def target(name: str) -> str:
        goal = TARGETS.get(name)
        if goal is None:
            return ""
        got = figures[name]
        verdict = "n/a" if got is None else ("ok" if got >= goal else "MISSED")
        return f"   target >= {goal:.2f}  {verdict}"

    lines += [
        f"concept precision        {_pct(c.precision)}{target('concept_precision')}",
        f"concept recall           {_pct(c.recall)}{target('concept_recall')}",
        f"required/preferred acc.  {_ratio(report.required)}{target('required_accuracy')}",
        f"min years exact          {_ratio(report.years)}{target('years_exact')}"
        f"   (years given where none stated: {report.years_spurious})",
        f"degree level accuracy    {_ratio(report.degree_level)}",
        f"degree required accuracy {_ratio(report.degree_required)}",
        f"career level accuracy    {_ratio(report.level)}",
    ]
    if report.groups_labelled:
        g = report.groups
        lines.append(
            f"alternative groups        P {_pct(g.precision)}  R {_pct(g.recall)}  "
            f"(tp {g.tp}, fp {g.fp}, fn {g.fn}; {report.groups_labelled} postings labelled)"
        )
    return "\n".join(lines)


def format_errors(report: Report) -> str:
    """Every disagreement, posting by posting, with the extractor's evidence."""
    lines = []
    names = {"fp": "FALSE POS", "fn": "FALSE NEG", "required": "REQ/PREF "}
    for err in sorted(report.errors, key=lambda e: (e.posting_id, e.error, e.concept_id)):
        detail = ""
        if err.error == "required":
            detail = f" label={'required' if err.label_required else 'preferred'}"
        elif err.error == "fn":
            detail = f" ({'required' if err.label_required else 'preferred'})"
        evidence = f"  <- {err.evidence.strip()[:110]!r}" if err.evidence else ""
        lines.append(f"  {err.posting_id:<16}{names[err.error]} {err.concept_id}{detail}{evidence}")
    for pid, want, got in report.years_errors:
        lines.append(f"  {pid:<16}YEARS     label={want} extracted={got}")
    for pid, name, want, got in report.field_errors:
        lines.append(f"  {pid:<16}{name.upper():<9} label={want} extracted={got}")
    for pid, kind, ids in report.group_errors:
        lines.append(f"  {pid:<16}GROUP {kind.upper()}  {ids}")
    return "\n".join(lines) if lines else "  (none)"


def run(
    sets: list[DataSet], extractor: Extractor, kinds: dict[str, str]
) -> list[tuple[str, Report, float, list[Extraction]]]:
    """Extract every set with the real extractor and score it; the last entry is all sets."""
    results = []
    all_labels: list[PostingLabel] = []
    all_extractions: list[Extraction] = []
    total = 0.0
    for name, postings, labels in sets:
        start = time.perf_counter()
        extractions = list(extractor.extract_many(p.as_input() for p in postings))
        seconds = time.perf_counter() - start
        total += seconds
        results.append((name, evaluate(labels, extractions, kinds), seconds, extractions))
        all_labels += labels
        all_extractions += extractions
    results.append(
        ("combined", evaluate(all_labels, all_extractions, kinds), total, all_extractions)
    )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--errors", action="store_true", help="list false positives/negatives")
    parser.add_argument("--google-csv", type=Path, default=GOOGLE_CSV, help="job_skills.csv")
    parser.add_argument(
        "--real-data", type=Path, default=SHARED_DATA, help="shared data folder (real postings)"
    )
    parser.add_argument("--no-real", action="store_true", help="skip the real postings")
    parser.add_argument(
        "--no-heldout2", action="store_true", help="skip the held-out 2 Google PM rows"
    )
    parser.add_argument(
        "--taxonomy", type=Path, default=REPO_ROOT / "skills_taxonomy.yaml", help="taxonomy YAML"
    )
    args = parser.parse_args(argv)
    taxonomy = load_taxonomy(args.taxonomy)
    kinds = {c.id: c.kind for c in taxonomy.concepts}
    extractor = Extractor(taxonomy)
    missed = False
    results = run(load_sets(args.google_csv), extractor, kinds)
    if not args.no_real:
        # Its own table, after "combined" and not part of it (see the module docstring).
        results += run([load_real(args.real_data)], extractor, kinds)[:1]
    if not args.no_heldout2:
        # Likewise its own table, outside "combined" and the exit status.
        results += run([load_heldout2(args.google_csv)], extractor, kinds)[:1]
    for name, report, seconds, _ in results:
        print(format_report(name, report, seconds))
        if args.errors and name != "combined":
            print(f"-- {name}: disagreements")
            print(format_errors(report))
        print()
        if name == "combined":
            missed = bool(report.missed_targets())
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
