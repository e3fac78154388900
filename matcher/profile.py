"""Candidate profiles: the YAML schema (docs/profile.md), résumé reading, and CandidateFacts.

A profile is validated with pydantic; every problem becomes a `ProfileError` naming the
file, the field and the fix, e.g.::

    profile.yaml: field 'years_experience': expected a number like 5, got 'five'

Free-text skills and certifications are mapped to taxonomy ids with the Normalizer
(rapidfuzz); the ones it cannot place are kept and listed. A résumé (.txt, .md, .pdf)
goes through the same Extractor as postings and is merged with the YAML (the YAML wins
where both give a value). `build_facts` produces the `CandidateFacts` that scoring reads.
"""

from __future__ import annotations

import hashlib
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from matcher.inputs import (
    ECHO_CHARS,
    InputError,
    decode_utf8,
    load_yaml,
    nearest,
    read_bounded,
    shorten,
)
from matcher.levels import NormalizerLike, level_for
from matcher.models import Extraction
from matcher.taxonomy import DegreeLevel, Taxonomy

#: A candidate's remote preferences (the one list; scoring.yaml has a row for each).
REMOTE_PREFS: tuple[str, ...] = ("remote", "hybrid", "onsite", "any")
RemotePref = Literal[REMOTE_PREFS]  # type: ignore[valid-type]
RESUME_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".pdf")

#: Size limits of a profile (docs/profile.md): the file, each text, each list.
MAX_PROFILE_BYTES = 1_000_000
MAX_TEXT = 200
MAX_LIST = 500
#: A notification URL may be longer than other texts (webhook tokens).
MAX_URL = 2000
#: Size limits of a résumé file: a PDF, and a .txt/.md (also the most text kept from a PDF).
MAX_RESUME_PDF_BYTES = 20_000_000
MAX_RESUME_TEXT_BYTES = 1_000_000
#: At most this many problems are listed for one profile.
MAX_PROBLEMS = 20


class ProfileError(ValueError):
    """A profile or résumé that cannot be used; the message names the field and the fix."""


class ExtractorLike(Protocol):
    def extract(self, id: str, text: str, title: str | None = None) -> Extraction: ...


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, str_max_length=MAX_TEXT
    )


class SkillEntry(_Strict):
    """A skill with the years the candidate has used it (`{skill: Jira, years: 3}`)."""

    skill: str = Field(min_length=1)
    years: float | None = Field(default=None, ge=0, le=60)


class DegreeSpec(_Strict):
    level: DegreeLevel
    field: str | None = None


class SalarySpec(_Strict):
    min: float = Field(gt=0)
    currency: str = Field(default="USD", min_length=3, max_length=3)
    period: Literal["year", "month", "week", "day", "hour"] = "year"

    @field_validator("currency")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


#: How often a candidate's digest goes out ("off": events are recorded, nothing is sent).
DIGEST_SCHEDULES: tuple[str, ...] = ("nightly", "weekly", "off")
DigestSchedule = Literal[DIGEST_SCHEDULES]  # type: ignore[valid-type]


class AlertsSpec(_Strict):
    """`alerts: {min_score: 70, notify: [URL, ...], digest: nightly}` (docs/profile.md).

    `notify` holds Apprise URLs (`mailto://`, `json://`, `slack://`, ...); a secret in one
    is written as a reference, `{env:NAME}` or `{secret:BLOCK}`, resolved at send time.
    """

    min_score: float | None = Field(default=None, ge=0, le=100)
    notify: list[
        Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$", max_length=MAX_URL)]
    ] = Field(default_factory=list, max_length=MAX_LIST)
    digest: DigestSchedule = "nightly"


class Profile(_Strict):
    """The candidate YAML (documented field by field in docs/profile.md)."""

    name: str = Field(min_length=1)
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    years_experience: float | None = Field(default=None, ge=0, le=60)
    current_title: str | None = None
    location: str | None = None
    remote: RemotePref = "any"
    skills: list[str | SkillEntry] = Field(default_factory=list, max_length=MAX_LIST)
    certifications: list[str] = Field(default_factory=list, max_length=MAX_LIST)
    degree: DegreeSpec | None = None
    salary: SalarySpec | None = None
    alerts: AlertsSpec | None = None


_HINTS: dict[str, str] = {
    "float_parsing": "expected a number like 5",
    "float_type": "expected a number like 5",
    "string_type": "expected text, or for a skill `{skill: Jira, years: 3}`",
    "list_type": "expected a list, e.g. `- Jira` lines under the key",
    "dict_type": "expected a mapping of keys to values",
    "model_type": "expected a mapping of keys to values",
    "greater_than_equal": "must not be negative",
    "greater_than": "must be above 0",
    "less_than_equal": "is too large",
    "string_too_short": "must not be empty",
    "string_too_long": "is too long (at most {max_length} characters)",
    "too_long": "has too many entries (at most {max_length})",
    "string_pattern_mismatch": "expected an address like name@example.com",
    "url_pattern_mismatch": "expected a notification URL like mailto://... or json://host/path",
    "literal_error": "expected one of the allowed values",
    "extra_forbidden": "is not a profile field; remove it or fix its spelling (docs/profile.md)",
    "missing": "is required; add it (see docs/profile.md and examples/profile.yaml)",
}


_BRANCH_TAGS = frozenset({"str", "constrained-str", "SkillEntry"})


def _wanted(err: Any) -> bool:
    """Of the two failures a bad skill item gives, keep the branch its shape was aiming at."""
    loc = [str(p) for p in err["loc"]]
    if "SkillEntry" in loc:
        return loc[-1] != "SkillEntry" or isinstance(err.get("input"), dict)
    if "str" in loc or "constrained-str" in loc:
        return not isinstance(err.get("input"), dict)
    return True


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation holds (`list[str | SkillEntry]` -> [SkillEntry])."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models(arg)]


def _field_names(parts: list[str]) -> list[str]:
    """The valid keys of the mapping at `parts` (the profile, `degree`, a skill entry...)."""
    model: type[BaseModel] = Profile
    for part in parts:
        found = model.model_fields.get(part)
        inner = _models(found.annotation) if found is not None else []
        if not inner:
            break
        model = inner[0]
    return list(model.model_fields)


def _format_error(origin: str, err: Any) -> str:
    parts = [str(p) for p in err["loc"]]
    # pydantic tags union branches ("constrained-str", "SkillEntry"): drop the tags.
    parts = [p for p in parts if p not in _BRANCH_TAGS and not p.startswith("function")]
    where = shorten(".".join(parts) or "top level")
    kind = err["type"]
    if kind == "string_pattern_mismatch" and "notify" in parts:
        kind = "url_pattern_mismatch"
    hint = _HINTS.get(kind, err["msg"])
    if err["type"] == "literal_error":
        hint = err["msg"].replace("Input should be", "expected")
    if err["type"] in {"string_too_long", "too_long"}:
        hint = hint.format(max_length=err["ctx"]["max_length"])
    if err["type"] == "extra_forbidden":
        fields = _field_names([p for p in parts[:-1] if not p.isdigit()])
        guess = nearest(parts[-1], fields)
        if guess is not None:
            hint = f"is not a profile field; did you mean {guess!r}? (docs/profile.md)"
    # a notification URL may hold an address or a token: never repeat it
    quiet = err["type"] in {"missing", "extra_forbidden"} or "notify" in parts
    got = "" if quiet else f", got {shorten(err.get('input'))}"
    return f"{origin}: field {where}: {hint}{got}"


def parse_profile(raw: Any, *, origin: str = "profile") -> Profile:
    """Validate parsed YAML; raise ProfileError naming each bad field and its fix."""
    if not isinstance(raw, dict):
        raise ProfileError(
            f"{origin}: expected a mapping like `name: Ada Lovelace` at the top level, "
            f"got {type(raw).__name__}"
        )
    try:
        return Profile.model_validate(raw)
    except ValidationError as exc:
        seen: list[str] = []
        for err in filter(_wanted, exc.errors()):
            line = _format_error(origin, err)
            # a bad list item fails both union branches: report it once
            if line not in seen:
                seen.append(line)
        more = len(seen) - MAX_PROBLEMS
        tail = [f"{origin}: ... and {more} more problems"] if more > 0 else []
        raise ProfileError("\n".join(seen[:MAX_PROBLEMS] + tail)) from None


def load_profile(path: str | Path) -> Profile:
    """Read and validate a candidate profile YAML file (UTF-8, at most `MAX_PROFILE_BYTES`,
    no YAML anchors or aliases)."""
    path = Path(path)
    try:
        text = decode_utf8(read_bounded(path, MAX_PROFILE_BYTES, "profile"), path, "profile")
        raw = load_yaml(text, path, "profile")
    except InputError as exc:
        raise ProfileError(str(exc)) from None
    return parse_profile(raw, origin=path.name)


def _pdf_text(path: Path, data: bytes) -> str:
    """The text layer of a PDF (stops after `MAX_RESUME_TEXT_BYTES` characters)."""
    from pypdf.errors import FileNotDecryptedError, LimitReachedError

    from matcher.pdftext import pdf_text

    try:
        return pdf_text(data, limit=MAX_RESUME_TEXT_BYTES)  # two columns read one by one
    except FileNotDecryptedError:
        raise ProfileError(
            f"{path}: the PDF is password-protected; save an unprotected copy or a .txt"
        ) from None
    except LimitReachedError as exc:
        raise ProfileError(
            f"{path}: the PDF is too large to read ({str(exc)[:ECHO_CHARS]})"
        ) from None
    except Exception as exc:  # pypdf raises many kinds of errors on a damaged file
        raise ProfileError(
            f"{path}: not a readable PDF ({(str(exc) or type(exc).__name__)[:ECHO_CHARS]}); "
            "export it again or give a .txt"
        ) from None


def read_resume(path: str | Path) -> str:
    """The plain text of a résumé: .txt and .md (UTF-8) as they are, .pdf through pypdf
    (by column: `matcher.pdftext`).

    Files over `MAX_RESUME_TEXT_BYTES` (.txt/.md) or `MAX_RESUME_PDF_BYTES` (.pdf), text
    that is not UTF-8, encrypted or damaged PDFs raise ProfileError naming the file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in RESUME_SUFFIXES:
        raise ProfileError(
            f"{path}: a résumé must be {', '.join(RESUME_SUFFIXES)}; "
            f"got {shorten(suffix or 'no suffix')}"
        )
    pdf = suffix == ".pdf"
    try:
        data = read_bounded(path, MAX_RESUME_PDF_BYTES if pdf else MAX_RESUME_TEXT_BYTES, "résumé")
        text = _pdf_text(path, data) if pdf else decode_utf8(data, path, "résumé")
    except InputError as exc:
        raise ProfileError(str(exc)) from None
    if not text.strip():
        raise ProfileError(f"{path}: the résumé holds no text (a scanned PDF needs OCR first)")
    return text


@dataclass(slots=True)
class CandidateFacts:
    """What scoring knows about a candidate: taxonomy ids, years, degree, level, place, pay."""

    candidate_id: str
    name: str
    concepts: dict[str, float | None] = field(default_factory=dict)
    total_years: float | None = None
    degree_level: str | None = None
    degree_field: str | None = None
    level_id: str | None = None
    level_rank: int | None = None
    #: how the level was found: "title", "years", "resume" or "none"
    level_basis: str = "none"
    current_title: str | None = None
    location: str | None = None
    remote_pref: str = "any"
    salary_min: float | None = None
    salary_currency: str | None = None
    salary_period: str | None = None
    email: str | None = None
    unknown_skills: list[str] = field(default_factory=list)
    #: where each concept came from: "profile", "resume" or both
    concept_sources: dict[str, list[str]] = field(default_factory=dict)


def candidate_id_for(name: str, email: str | None) -> str:
    """A stable id: slug of the name plus a short hash of the email (or the name).

    >>> candidate_id_for("Ada Lovelace", "ada@example.com")
    'ada-lovelace-b5fc85e5'
    >>> candidate_id_for("Ada Lovelace", None) == candidate_id_for(" ada  lovelace", None)
    True
    """
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "candidate"
    key = (email or " ".join(name.casefold().split())).strip().casefold()
    return f"{slug}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:8]}"


def build_facts(
    profile: Profile,
    taxonomy: Taxonomy,
    normalizer: NormalizerLike,
    resume: Extraction | None = None,
) -> CandidateFacts:
    """Merge the profile (and résumé extraction) into CandidateFacts; the YAML wins."""
    texts: list[str] = []
    years_of: list[float | None] = []
    for item in profile.skills:
        texts.append(item if isinstance(item, str) else item.skill)
        years_of.append(None if isinstance(item, str) else item.years)
    texts += profile.certifications
    years_of += [None] * len(profile.certifications)
    concepts: dict[str, float | None] = {}
    sources: dict[str, list[str]] = {}
    unknown: list[str] = []
    for text, years, hit in zip(texts, years_of, normalizer.match_many(texts), strict=True):
        if hit is None or hit[0] not in taxonomy.by_id:
            unknown.append(text)
            continue
        cid = hit[0]
        known = concepts.get(cid)
        concepts[cid] = years if known is None else max(known, years or 0.0)
        sources.setdefault(cid, ["profile"])
    total_years = profile.years_experience
    degree_level = profile.degree.level if profile.degree else None
    degree_field = profile.degree.field if profile.degree else None
    if resume is not None:
        for req in resume.requirements:
            if req.id not in taxonomy.by_id:
                continue
            if req.id not in concepts or (concepts[req.id] is None and req.years is not None):
                concepts[req.id] = req.years
            src = sources.setdefault(req.id, [])
            if "resume" not in src:
                src.append("resume")
        if total_years is None:
            total_years = resume.min_years_experience
        if degree_level is None and resume.degree is not None:
            degree_level = resume.degree.level
            degree_field = resume.degree.fields[0] if resume.degree.fields else None
    level_id, basis = level_for(taxonomy, profile.current_title, total_years, normalizer)
    if level_id is None and resume is not None and resume.level in taxonomy.by_id:
        level_id, basis = resume.level, "resume"
    return CandidateFacts(
        candidate_id=candidate_id_for(profile.name, profile.email),
        name=profile.name,
        email=profile.email,
        concepts=dict(sorted(concepts.items())),
        total_years=total_years,
        degree_level=degree_level,
        degree_field=degree_field,
        level_id=level_id,
        level_rank=taxonomy.by_id[level_id].rank if level_id else None,
        level_basis=basis,
        current_title=profile.current_title,
        location=profile.location,
        remote_pref=profile.remote,
        salary_min=profile.salary.min if profile.salary else None,
        salary_currency=profile.salary.currency if profile.salary else None,
        salary_period=profile.salary.period if profile.salary else None,
        unknown_skills=unknown,
        concept_sources=dict(sorted(sources.items())),
    )
