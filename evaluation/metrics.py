"""Score extractions against hand labels: concept precision/recall, required/preferred, years.

The labelled sets live in `tests/data/labelled/` (postings we wrote) and
`tests/data/google_tpm_labels.jsonl` (Google TPM rows, labelled by row number; their text
is read from `../shared/data` at run time). The labelling rules are in
`tests/data/labelled/README.md`. Scoring is pure: labels and `Extraction`s in, a
`Report` out; the loaders only read the JSON Lines and CSV files they are given.

Concept scores are micro-averaged over (posting, concept) pairs of the kinds in
`SCORED_KINDS`; degrees and career levels are scored through the `degree` and `level`
fields instead, so predicted requirements of kind `degree` or `level` are ignored.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matcher.models import Extraction

#: Kinds scored as concepts (degree and level have their own fields).
SCORED_KINDS: tuple[str, ...] = ("skill", "method", "tool", "credential", "domain")

#: The issue's quality targets (issue #4): name -> minimum value.
TARGETS: dict[str, float] = {
    "concept_precision": 0.95,
    "concept_recall": 0.90,
    "required_accuracy": 0.90,
    "years_exact": 0.90,
}

#: The Google CSV columns, in the order and under the headings the posting text uses.
GOOGLE_SECTIONS: tuple[tuple[str, str], ...] = (
    ("Responsibilities", "Responsibilities"),
    ("Minimum qualifications", "Minimum Qualifications"),
    ("Preferred qualifications", "Preferred Qualifications"),
)


class LabelError(ValueError):
    """A label or posting file that cannot be used; the message names file, line and field."""


@dataclass(frozen=True, slots=True)
class ConceptLabel:
    id: str
    required: bool


@dataclass(frozen=True, slots=True)
class DegreeLabel:
    level: str
    required: bool


@dataclass(frozen=True, slots=True)
class PostingLabel:
    """The truth for one posting (see the labelling guide)."""

    id: str
    concepts: tuple[ConceptLabel, ...] = ()
    min_years_experience: float | None = None
    degree: DegreeLabel | None = None
    level: str | None = None
    #: alternative groups ("PMP or PgMP"): None when the posting is not labelled for them
    groups: tuple[frozenset[str], ...] | None = None


@dataclass(frozen=True, slots=True)
class LabelledPosting:
    """One posting to extract: the `(id, text, title)` triple `Extractor.extract_many` takes."""

    id: str
    text: str
    title: str

    def as_input(self) -> tuple[str, str, str]:
        return (self.id, self.text, self.title)


@dataclass(slots=True)
class PRF:
    """True/false positive and false negative counts with micro precision, recall and F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class ConceptError:
    """One disagreement, for debugging: `kind` of error is fp, fn or required."""

    posting_id: str
    concept_id: str
    error: str
    label_required: bool | None
    predicted_required: bool | None
    evidence: str = ""


@dataclass(slots=True)
class Ratio:
    """`correct` out of `total`; `value` is None when nothing was counted."""

    correct: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        return self.correct / self.total if self.total else None


@dataclass(slots=True)
class Report:
    postings: int = 0
    concepts: PRF = field(default_factory=PRF)
    by_kind: dict[str, PRF] = field(default_factory=lambda: {k: PRF() for k in SCORED_KINDS})
    #: Required/preferred agreement over correctly found concepts.
    required: Ratio = field(default_factory=Ratio)
    #: Exact minimum years over postings whose label states years.
    years: Ratio = field(default_factory=Ratio)
    #: Postings whose label states no years but the extraction gives some.
    years_spurious: int = 0
    #: Degree level (None counts as a value) over all postings.
    degree_level: Ratio = field(default_factory=Ratio)
    #: Degree required flag over postings where both sides give the same degree level.
    degree_required: Ratio = field(default_factory=Ratio)
    #: Career level over postings whose label states one.
    level: Ratio = field(default_factory=Ratio)
    #: Alternative groups (exact member sets) over postings labelled for groups.
    groups: PRF = field(default_factory=PRF)
    groups_labelled: int = 0
    #: (posting, "fp" or "fn", the group's ids) for every group missed or invented
    group_errors: list[tuple[str, str, str]] = field(default_factory=list)
    errors: list[ConceptError] = field(default_factory=list)
    years_errors: list[tuple[str, float | None, float | None]] = field(default_factory=list)
    #: (posting, field, label, extracted) for degree level/required and career level misses.
    field_errors: list[tuple[str, str, str, str]] = field(default_factory=list)

    def figures(self) -> dict[str, float | None]:
        """The headline figures under the names used by `TARGETS`."""
        return {
            "concept_precision": self.concepts.precision,
            "concept_recall": self.concepts.recall,
            "concept_f1": self.concepts.f1,
            "required_accuracy": self.required.value,
            "years_exact": self.years.value,
            "degree_level_accuracy": self.degree_level.value,
            "level_accuracy": self.level.value,
        }

    def missed_targets(self, targets: Mapping[str, float] = TARGETS) -> list[str]:
        """Human-readable lines for every target not met (empty when all are met)."""
        figures = self.figures()
        out = []
        for name, goal in targets.items():
            got = figures[name]
            if got is not None and got < goal:
                out.append(f"{name} = {got:.3f} < {goal:.2f}")
        return out


def _predicted(extraction: Extraction) -> dict[str, tuple[bool, str, str]]:
    """Concept id -> (required, kind, evidence); a concept found twice is required if either is."""
    found: dict[str, tuple[bool, str, str]] = {}
    for req in extraction.requirements:
        if req.kind not in SCORED_KINDS:
            continue
        prior = found.get(req.id)
        if prior is None:
            found[req.id] = (req.required, req.kind, req.evidence)
        elif req.required and not prior[0]:
            found[req.id] = (True, req.kind, req.evidence)
    return found


def predicted_groups(extraction: Extraction) -> set[frozenset[str]]:
    """The extraction's alternative groups of two or more scored concepts, as id sets."""
    found: dict[int, set[str]] = {}
    for req in extraction.requirements:
        if req.group is not None and req.kind in SCORED_KINDS:
            found.setdefault(req.group, set()).add(req.id)
    return {frozenset(ids) for ids in found.values() if len(ids) > 1}


def _score_groups(report: Report, lab: PostingLabel, ex: Extraction) -> None:
    """A predicted group counts when a labelled group has exactly its members."""
    if lab.groups is None:
        return
    report.groups_labelled += 1
    truth, pred = set(lab.groups), predicted_groups(ex)
    report.groups.tp += len(truth & pred)
    report.groups.fp += len(pred - truth)
    report.groups.fn += len(truth - pred)
    report.group_errors += [(lab.id, "fp", " | ".join(sorted(g))) for g in pred - truth]
    report.group_errors += [(lab.id, "fn", " | ".join(sorted(g))) for g in truth - pred]


def _same_years(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(float(a) - float(b)) < 1e-9


def evaluate(
    labels: Sequence[PostingLabel],
    extractions: Iterable[Extraction],
    kinds: Mapping[str, str],
) -> Report:
    """Score `extractions` against `labels` (matched by id); `kinds` maps concept id -> kind.

    Every label needs exactly one extraction and vice versa; otherwise a ValueError names
    the ids. Label concepts of kinds outside SCORED_KINDS are ignored like predictions.
    """
    by_id = {}
    for ex in extractions:
        if ex.id in by_id:
            raise ValueError(f"two extractions for posting {ex.id!r}")
        by_id[ex.id] = ex
    label_ids = [lab.id for lab in labels]
    missing = [i for i in label_ids if i not in by_id]
    extra = sorted(set(by_id) - set(label_ids))
    if missing or extra:
        raise ValueError(
            f"labels and extractions disagree: no extraction for {missing}, no label for {extra}"
        )
    report = Report(postings=len(labels))
    for lab in labels:
        _score_posting(report, lab, by_id[lab.id], kinds)
    return report


def _score_posting(
    report: Report, lab: PostingLabel, ex: Extraction, kinds: Mapping[str, str]
) -> None:
    truth = {c.id: c.required for c in lab.concepts if kinds.get(c.id) in SCORED_KINDS}
    pred = _predicted(ex)
    _score_groups(report, lab, ex)
    for cid in sorted(truth.keys() | pred.keys()):
        kind = kinds.get(cid) or pred[cid][1]
        bucket = report.by_kind.setdefault(kind, PRF())
        if cid in truth and cid in pred:
            report.concepts.tp += 1
            bucket.tp += 1
            report.required.total += 1
            if truth[cid] == pred[cid][0]:
                report.required.correct += 1
            else:
                report.errors.append(
                    ConceptError(lab.id, cid, "required", truth[cid], pred[cid][0], pred[cid][2])
                )
        elif cid in pred:
            report.concepts.fp += 1
            bucket.fp += 1
            report.errors.append(ConceptError(lab.id, cid, "fp", None, pred[cid][0], pred[cid][2]))
        else:
            report.concepts.fn += 1
            bucket.fn += 1
            report.errors.append(ConceptError(lab.id, cid, "fn", truth[cid], None))
    if lab.min_years_experience is not None:
        report.years.total += 1
        if _same_years(lab.min_years_experience, ex.min_years_experience):
            report.years.correct += 1
        else:
            report.years_errors.append((lab.id, lab.min_years_experience, ex.min_years_experience))
    elif ex.min_years_experience is not None:
        report.years_spurious += 1
        report.years_errors.append((lab.id, None, ex.min_years_experience))
    want = lab.degree.level if lab.degree else None
    got = ex.degree.level if ex.degree else None
    report.degree_level.total += 1
    report.degree_level.correct += want == got
    if want != got:
        report.field_errors.append((lab.id, "degree", str(want), str(got)))
    if lab.degree and ex.degree and want == got:
        report.degree_required.total += 1
        report.degree_required.correct += lab.degree.required == ex.degree.required
        if lab.degree.required != ex.degree.required:
            report.field_errors.append(
                (lab.id, "degree.required", str(lab.degree.required), str(ex.degree.required))
            )
    if lab.level is not None:
        report.level.total += 1
        report.level.correct += lab.level == ex.level
        if lab.level != ex.level:
            report.field_errors.append((lab.id, "level", lab.level, str(ex.level)))


# ----------------------------------------------------------------------------- loading


def _require(obj: dict[str, Any], key: str, types: type | tuple[type, ...], where: str) -> Any:
    if key not in obj:
        raise LabelError(f"{where}: field {key!r} is missing")
    value = obj[key]
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in _as_tuple(types)):
        raise LabelError(f"{where}: field {key!r} has the wrong type ({type(value).__name__})")
    return value


def _as_tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


def parse_label(obj: Any, where: str) -> PostingLabel:
    """Validate one label object (see the labelling guide); errors name `where` and the field.

    >>> parse_label({"id": "x", "concepts": [{"id": "tool.jira", "required": True}],
    ...              "min_years_experience": 5, "degree": None, "level": None}, "l:1").concepts
    (ConceptLabel(id='tool.jira', required=True),)
    """
    if not isinstance(obj, dict):
        raise LabelError(f"{where}: expected a JSON object")
    if "id" in obj:
        pid = _require(obj, "id", str, where)
    else:
        pid = f"google:row-{_require(obj, 'row', int, where)}"
    concepts = []
    for n, item in enumerate(_require(obj, "concepts", list, where), 1):
        spot = f"{where}: concepts[{n}]"
        if not isinstance(item, dict):
            raise LabelError(f"{spot}: expected an object with 'id' and 'required'")
        concepts.append(
            ConceptLabel(_require(item, "id", str, spot), _require(item, "required", bool, spot))
        )
    ids = [c.id for c in concepts]
    dups = sorted({i for i in ids if ids.count(i) > 1})
    if dups:
        raise LabelError(f"{where}: concepts {dups} are listed more than once; keep one entry")
    years = _require(obj, "min_years_experience", (int, float, type(None)), where)
    degree_obj = _require(obj, "degree", (dict, type(None)), where)
    degree = None
    if degree_obj is not None:
        spot = f"{where}: degree"
        degree = DegreeLabel(
            _require(degree_obj, "level", str, spot), _require(degree_obj, "required", bool, spot)
        )
    level = _require(obj, "level", (str, type(None)), where)
    return PostingLabel(pid, tuple(concepts), years, degree, level, _groups(obj, ids, where))


def _groups(obj: dict, ids: list[str], where: str) -> tuple[frozenset[str], ...] | None:
    """The optional "groups": lists of two or more labelled concept ids."""
    if "groups" not in obj:
        return None
    out = []
    for n, group in enumerate(_require(obj, "groups", list, where), 1):
        spot = f"{where}: groups[{n}]"
        if not isinstance(group, list) or len(set(group)) < 2:
            raise LabelError(f"{spot}: expected a list of two or more concept ids")
        unknown = [g for g in group if g not in ids]
        if unknown:
            raise LabelError(f"{spot}: {unknown} are not in this label's concepts; add them")
        out.append(frozenset(group))
    return tuple(out)


def _read_jsonl(path: Path) -> Iterable[tuple[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise LabelError(f"{path}: cannot read ({exc.strerror})") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            yield where, json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabelError(f"{where}: not valid JSON ({exc.msg})") from None


def load_labels(path: str | Path) -> list[PostingLabel]:
    """Read a labels JSON Lines file; ids must be unique."""
    labels = [parse_label(obj, where) for where, obj in _read_jsonl(Path(path))]
    seen: set[str] = set()
    for lab in labels:
        if lab.id in seen:
            raise LabelError(f"{path}: posting {lab.id!r} is labelled twice")
        seen.add(lab.id)
    return labels


def load_postings(path: str | Path) -> list[LabelledPosting]:
    """Read our labelled postings (`id`, `title`, `description` per line)."""
    out = []
    for where, obj in _read_jsonl(Path(path)):
        if not isinstance(obj, dict):
            raise LabelError(f"{where}: expected a JSON object")
        out.append(
            LabelledPosting(
                _require(obj, "id", str, where),
                _require(obj, "description", str, where),
                _require(obj, "title", str, where),
            )
        )
    return out


def google_posting_text(row: Mapping[str, str]) -> str:
    """Build the posting text of one Google CSV row, the way the labels assume.

    Each column becomes a section under its own heading line, so the extractor's section
    rules make Responsibilities and Minimum qualifications required and Preferred
    qualifications preferred.

    >>> print(google_posting_text({"Responsibilities": "Plan.", "Minimum Qualifications":
    ...     "BS.", "Preferred Qualifications": "PMP."}))
    Responsibilities:
    Plan.
    Minimum qualifications:
    BS.
    Preferred qualifications:
    PMP.
    """
    parts = []
    for heading, column in GOOGLE_SECTIONS:
        parts.append(f"{heading}:\n{(row.get(column) or '').strip()}")
    return "\n".join(parts)


def load_google_tpm(
    csv_path: str | Path, labels_path: str | Path
) -> tuple[list[LabelledPosting], list[PostingLabel]]:
    """The labelled Google TPM rows: postings built from the CSV, and their labels.

    `row` is the 1-based number of the data record (header not counted), as in
    `TPM_INDEX.csv` ("row 20"). A label whose title differs from the CSV's title at that
    row is an error: the CSV is not the one the labels were made for.
    """
    csv_path = Path(csv_path)
    try:
        with csv_path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise LabelError(f"{csv_path}: cannot read ({exc.strerror})") from None
    postings, labels = [], []
    for where, obj in _read_jsonl(Path(labels_path)):
        label = parse_label(obj, where)
        row = obj["row"]
        if not 1 <= row <= len(rows):
            raise LabelError(f"{where}: row {row} is outside {csv_path} (1..{len(rows)})")
        record = rows[row - 1]
        title = _require(obj, "title", str, where)
        if record.get("Title") != title:
            raise LabelError(
                f"{where}: row {row} of {csv_path} is titled {record.get('Title')!r}, "
                f"the label says {title!r}; the CSV is not the labelled version"
            )
        postings.append(LabelledPosting(label.id, google_posting_text(record), title))
        labels.append(label)
    return postings, labels
