"""The scoring weights and thresholds: a validated, typed view of `scoring.yaml`.

Every number the score depends on lives in that file; the scoring code only knows its
shape. Loading validates it and turns each problem into a `ScoringConfigError` naming
the key, e.g.::

    scoring.yaml: key 'components.required': Input should be a valid number -- fix it
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from matcher.profile import REMOTE_PREFS as REMOTE_PREFS  # re-exported for scoring.matrices
from matcher.taxonomy import KINDS, DegreeLevel

COMPONENTS: tuple[str, ...] = (
    "required",
    "preferred",
    "years",
    "degree",
    "level",
    "location",
    "salary",
)
#: Posting situations for the location component, in the order the matrix code uses.
LOCATION_CASES: tuple[str, ...] = (
    "remote",
    "onsite_same_place",
    "onsite_elsewhere",
    "unknown_same_place",
    "unknown_elsewhere",
)

Credit = float


class ScoringConfigError(ValueError):
    """A scoring config that cannot be used; the message names the key and the fix."""


class _Strict(BaseModel):
    """Unknown keys refused; numbers are numbers (`true` is not 1) and finite (no `.inf`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Components(_Strict):
    required: float = Field(ge=0)
    preferred: float = Field(ge=0)
    years: float = Field(ge=0)
    degree: float = Field(ge=0)
    level: float = Field(ge=0)
    location: float = Field(ge=0)
    salary: float = Field(ge=0)


class ConceptYears(_Strict):
    floor: float = Field(ge=0, le=1)
    unknown_credit: float = Field(ge=0, le=1)


class Years(_Strict):
    exponent: float = Field(gt=0)


class Credentials(_Strict):
    missing_required_penalty: float = Field(ge=0)
    max_penalty: float = Field(ge=0)
    or_equivalent_factor: float = Field(ge=0, le=1)
    same_category_factor: float = Field(ge=0, le=1)
    equivalence_phrases: list[str] = Field(default_factory=list)


class Relations(_Strict):
    """Credit for meeting an ask through the taxonomy's `broader` relations (0..1)."""

    #: a held narrower concept (Scrum) for a broader ask (Agile)
    narrower_credit: float = Field(default=1.0, ge=0, le=1, allow_inf_nan=False)
    #: a held broader concept (Agile) for a narrower ask (Scrum); never meets the ask
    broader_credit: float = Field(default=0.0, ge=0, le=1, allow_inf_nan=False)


class DegreeConfig(_Strict):
    ranks: dict[DegreeLevel, int]
    missing_credit: float = Field(ge=0, le=1)
    or_equivalent_credit: float = Field(ge=0, le=1)
    preferred_missing_credit: float = Field(ge=0, le=1)
    field_mismatch_credit: float = Field(ge=0, le=1)


class LevelConfig(_Strict):
    credit_by_distance: list[float] = Field(min_length=1)

    @model_validator(mode="after")
    def _in_range(self) -> LevelConfig:
        if any(not 0 <= c <= 1 for c in self.credit_by_distance):
            raise ValueError("every credit_by_distance value must be between 0 and 1")
        return self


class LocationRow(_Strict):
    remote: float = Field(ge=0, le=1)
    onsite_same_place: float = Field(ge=0, le=1)
    onsite_elsewhere: float = Field(ge=0, le=1)
    unknown_same_place: float = Field(ge=0, le=1)
    unknown_elsewhere: float = Field(ge=0, le=1)


class LocationConfig(_Strict):
    remote: LocationRow
    hybrid: LocationRow
    onsite: LocationRow
    any: LocationRow

    def credit(self, pref: str, case: str) -> float:
        """Credit for a candidate preference and a posting situation (LOCATION_CASES)."""
        return float(getattr(getattr(self, pref), case))


class SalaryConfig(_Strict):
    tolerance: float = Field(gt=0, le=1)
    #: Amount per period -> amount per year; 0 would turn every salary into 0.
    period_factors: dict[str, Annotated[float, Field(gt=0)]]

    @model_validator(mode="after")
    def _lower_case_periods(self) -> SalaryConfig:
        upper = [p for p in self.period_factors if p != p.strip().lower()]
        if upper:
            raise ValueError(f"period_factors keys must be lower case, without spaces: {upper}")
        return self


class ScoringConfig(_Strict):
    """Everything `scoring.yaml` holds; see the comments in that file for the meaning."""

    version: int
    components: Components
    kind_weights: dict[str, float]
    coverage_exclude_kinds: list[str] = Field(default_factory=list)
    empty_required_credit: float = Field(ge=0, le=1)
    concept_years: ConceptYears
    years: Years
    credentials: Credentials
    relations: Relations = Field(default_factory=Relations)
    degree: DegreeConfig
    level: LevelConfig
    location: LocationConfig
    salary: SalaryConfig
    threshold: float = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _check_kinds(self) -> ScoringConfig:
        unknown = [k for k in [*self.kind_weights, *self.coverage_exclude_kinds] if k not in KINDS]
        if unknown:
            raise ValueError(f"unknown kind(s) {unknown}; kinds are {list(KINDS)}")
        missing = [
            k for k in KINDS if k not in self.kind_weights and k not in self.coverage_exclude_kinds
        ]
        if missing:
            raise ValueError(
                f"kind_weights has no weight for {missing}: give one or list them in "
                "coverage_exclude_kinds"
            )
        if any(w < 0 for w in self.kind_weights.values()):
            raise ValueError("kind_weights must not be negative")
        if sum(self.components.model_dump().values()) <= 0:
            raise ValueError("at least one component weight must be above 0")
        return self

    def kind_weight(self, kind: str) -> float:
        """Weight of a concept kind in coverage (0 for excluded kinds)."""
        if kind in self.coverage_exclude_kinds:
            return 0.0
        return float(self.kind_weights.get(kind, 0.0))

    def component_weight(self, name: str) -> float:
        return float(getattr(self.components, name))

    def period_factor(self, period: str | None) -> float | None:
        """Multiplier turning an amount per `period` into an amount per year (None: unknown)."""
        if period is None:
            return float(self.salary.period_factors.get("year", 1.0))
        factor = self.salary.period_factors.get(period.strip().lower())
        return None if factor is None else float(factor)

    def level_credit(self, distance: int) -> float:
        table = self.level.credit_by_distance
        return float(table[min(distance, len(table) - 1)])


def parse_scoring_config(raw: Any, *, origin: str = "<scoring>") -> ScoringConfig:
    """Validate parsed YAML; raise ScoringConfigError naming each bad key."""
    if not isinstance(raw, dict):
        raise ScoringConfigError(f"{origin}: expected a mapping of keys to values")
    try:
        return ScoringConfig.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-"))
            where = f"key {key!r}" if key else "top level"
            got = "" if err["type"] == "missing" else f" (got {err.get('input')!r})"
            lines.append(f"{origin}: {where}: {err['msg']}{got}")
        lines.append(f"fix the keys above in {origin} (see the comments in scoring.yaml)")
        raise ScoringConfigError("\n".join(lines)) from None


def load_scoring_config(path: str | Path) -> ScoringConfig:
    """Read and validate the scoring config file (default `scoring.yaml`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScoringConfigError(
            f"{path}: cannot read the scoring config ({exc.strerror})"
        ) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScoringConfigError(f"{path}: not valid YAML: {exc}") from None
    return parse_scoring_config(raw, origin=str(path))
