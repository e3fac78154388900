"""Explainable 0-100 match scores for one (candidate, posting) pair. Pure and deterministic.

    score = 100 * sum(weight_k * credit_k) / sum(weight_k of the components that apply)
            - credential penalty,  clipped to [0, 100]

Components (weights and every threshold in `scoring.yaml`, see matcher/scoring/config.py):
required and preferred coverage (weighted by kind, per-concept years), total years,
degree, level, location and salary. Coverage counts units (an alternative group is one
unit, met by any member; a narrower concept meets a broader ask: `scoring.units`). A
missing required credential subtracts points, softened when the posting's sentence says
"or equivalent" or when the candidate holds another credential of the same taxonomy
category. The breakdown gives each component's
points (they add up to the score before clipping). `matcher.scoring.kernel` computes the
same numbers for all pairs at once; tests hold the two to each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from matcher.models import Extraction, Match, Posting
from matcher.profile import CandidateFacts
from matcher.scoring.config import COMPONENTS, ScoringConfig
from matcher.scoring.units import UnitResult, ask_units, judge_unit, narrower_held
from matcher.taxonomy import Taxonomy, normalize_alias

__all__ = [
    "Ask",
    "annual_amount",
    "component_credits",
    "credential_penalty",
    "final_score",
    "judge_asks",
    "location_case",
    "place_matches",
    "posting_ask_rows",
    "posting_asks",
    "score_pair",
]


@dataclass(frozen=True, slots=True)
class Ask:
    """One concept a posting asks for, after merging repeats (required wins, most years)."""

    concept_id: str
    name: str
    kind: str
    category: str
    required: bool
    weight: float
    years: float | None
    evidence: str
    #: a credential ask whose sentence says "or equivalent" (never set for other kinds)
    softened: bool
    #: the alternative group it belongs to ("PMP or PgMP"), None when it stands alone
    group: int | None = None


def final_score(raw: float) -> float:
    """Round a raw score or points to 2 decimals, first dropping float noise below 1e-6.

    Both scorers sum the same terms in different orders; rounding to 6 places first makes
    a value like 42.625000000001 and 42.624999999999 round the same way.

    >>> final_score(42.625000000001), final_score(42.624999999999), final_score(-0.0)
    (42.62, 42.62, 0.0)
    """
    return round(round(raw, 6), 2) + 0.0


def _softened(evidence: str, config: ScoringConfig) -> bool:
    text = evidence.casefold()
    return any(p in text for p in _phrases(tuple(config.credentials.equivalence_phrases)))


@lru_cache(maxsize=8)
def _phrases(phrases: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(p.casefold() for p in phrases)


#: An `Ask` as a plain tuple, in `Ask`'s field order (cheap to build for many postings).
AskRow = tuple[str, str, str, str, bool, float, float | None, str, bool, int | None]


def posting_ask_rows(
    extraction: Extraction, taxonomy: Taxonomy, config: ScoringConfig
) -> list[AskRow]:
    """`posting_asks` as plain tuples in `Ask`'s field order (`Ask(*row)` gives the Ask).

    The one implementation of the merge rules: first-seen order, one per id, excluded
    kinds left out, required wins, most years, softened if any repeat is, the first
    alternative group any repeat belongs to.
    """
    merged: dict[str, AskRow] = {}
    by_id = taxonomy.by_id
    excluded = config.coverage_exclude_kinds
    weights: dict[str, float] = {}
    for req in extraction.requirements:
        rid = req.id
        concept = by_id.get(rid)
        kind = concept.kind if concept else req.kind
        if kind in excluded:
            continue
        weight = weights.get(kind)
        if weight is None:
            weight = weights[kind] = config.kind_weight(kind)
        years = req.years if req.years and req.years > 0 else None
        row: AskRow = (
            rid,
            concept.name if concept else req.name,
            kind,
            concept.category if concept else kind,
            req.required,
            weight,
            years,
            req.evidence,
            kind == "credential" and _softened(req.evidence, config),
            req.group,
        )
        old = merged.get(rid)
        if old is None:
            merged[rid] = row
            continue
        keep = row if (row[4] and not old[4]) else old
        most = max((y for y in (old[6], years) if y is not None), default=None)
        group = old[9] if old[9] is not None else row[9]
        merged[rid] = (*keep[:4], old[4] or row[4], keep[5], most, keep[7], old[8] or row[8], group)
    return list(merged.values())


def posting_asks(extraction: Extraction, taxonomy: Taxonomy, config: ScoringConfig) -> list[Ask]:
    """The posting's concepts in first-seen order, one per id, excluded kinds left out."""
    return [Ask(*row) for row in posting_ask_rows(extraction, taxonomy, config)]


def place_matches(candidate_location: str | None, posting_location: str | None) -> bool:
    """True when the candidate's place (the part before the first comma) is in the posting's.

    >>> place_matches("Austin, TX", "Austin, Texas or Remote (US)")
    True
    >>> place_matches("Austin, TX", "Boston, MA"), place_matches(None, "Boston")
    (False, False)
    """
    if not candidate_location or not posting_location:
        return False
    place = normalize_alias(candidate_location.split(",")[0])
    return bool(place) and place in normalize_alias(posting_location)


def location_case(posting: Posting, candidate_location: str | None) -> str | None:
    """The posting's situation for the location component (None: nothing is known)."""
    if posting.remote is True:
        return "remote"
    if posting.remote is None and not posting.location:
        return None
    same = place_matches(candidate_location, posting.location)
    prefix = "onsite" if posting.remote is False else "unknown"
    return f"{prefix}_{'same_place' if same else 'elsewhere'}"


def annual_amount(amount: float | None, period: str | None, config: ScoringConfig) -> float | None:
    """An amount per year (None when the amount or its period is unknown)."""
    factor = config.period_factor(period)
    if amount is None or factor is None:
        return None
    return float(amount) * factor


def _salary_credit(c: CandidateFacts, p: Posting, config: ScoringConfig) -> float | None:
    desired = annual_amount(c.salary_min, c.salary_period, config)
    top_raw = p.salary_max if p.salary_max is not None else p.salary_min
    top = annual_amount(top_raw, p.salary_period, config)
    if desired is None or top is None or desired <= 0:
        return None
    if not p.salary_currency or not c.salary_currency:
        return None
    if p.salary_currency.upper() != c.salary_currency.upper():
        return None
    if top >= desired:
        return 1.0
    return max(0.0, 1.0 - (desired - top) / (desired * config.salary.tolerance))


def field_match(candidate_field: str | None, fields: list[str]) -> bool:
    """True when the candidate's degree field contains, or is contained in, one of `fields`."""
    if not candidate_field:
        return False
    mine = normalize_alias(candidate_field)
    return any(normalize_alias(f) in mine or mine in normalize_alias(f) for f in fields if f)


def _degree_credit(c: CandidateFacts, e: Extraction, config: ScoringConfig) -> float | None:
    degree = e.degree
    if degree is None or degree.level is None or degree.level not in config.degree.ranks:
        return None
    mine = config.degree.ranks.get(c.degree_level, 0) if c.degree_level else 0  # type: ignore[call-overload]
    if mine >= config.degree.ranks[degree.level]:  # type: ignore[index]
        fields = [f for f in degree.fields if f]
        if fields and not field_match(c.degree_field, fields):
            return config.degree.field_mismatch_credit
        return 1.0
    credit = config.degree.missing_credit
    if degree.or_equivalent:
        credit = max(credit, config.degree.or_equivalent_credit)
    if not degree.required:
        credit = max(credit, config.degree.preferred_missing_credit)
    return credit


def judge_asks(
    c: CandidateFacts,
    asks: list[Ask],
    taxonomy: Taxonomy,
    config: ScoringConfig,
    below: dict[str, list[str]] | None = None,
) -> list[tuple[list[Ask], UnitResult]]:
    """The posting's units (`units.ask_units`), each with how the candidate meets it.

    `below`: `units.narrower_held` of the candidate, when judging many postings.
    """
    below = narrower_held(c.concepts, taxonomy) if below is None else below
    out = []
    for unit in ask_units(asks):
        members = [asks[i] for i in unit]
        out.append((members, judge_unit(members, c.concepts, taxonomy, config, below)))
    return out


def _coverage(
    judged: list[tuple[list[Ask], UnitResult]], required: bool, config: ScoringConfig
) -> float | None:
    total = held = 0.0
    for members, result in judged:
        if any(a.required for a in members) != required:
            continue
        total += members[0].weight
        held += members[0].weight * result.credit
    if total <= 0:
        return config.empty_required_credit if required else None
    return held / total


def credential_penalty(
    c: CandidateFacts,
    judged: list[tuple[list[Ask], UnitResult]],
    taxonomy: Taxonomy,
    config: ScoringConfig,
) -> float:
    """Points taken off for required credential units the candidate does not meet.

    One penalty per unit (an unmet "PMP or PgMP" costs one), softened when a member's
    sentence says "or equivalent" or the candidate holds a credential of a member's
    category; capped over the posting.
    """
    held_categories = {
        taxonomy.by_id[cid].category
        for cid in c.concepts
        if cid in taxonomy.by_id and taxonomy.by_id[cid].kind == "credential"
    }
    cfg = config.credentials
    total = 0.0
    for members, result in judged:
        creds = [a for a in members if a.kind == "credential"]
        if result.met or not creds or not any(a.required for a in members):
            continue
        points = cfg.missing_required_penalty
        if any(a.softened for a in members):
            points *= cfg.or_equivalent_factor
        if any(a.category in held_categories for a in creds):
            points *= cfg.same_category_factor
        total += points
    return min(total, cfg.max_penalty)


def component_credits(
    c: CandidateFacts,
    posting: Posting,
    extraction: Extraction,
    judged: list[tuple[list[Ask], UnitResult]],
    taxonomy: Taxonomy,
    config: ScoringConfig,
) -> dict[str, float | None]:
    """Each component's credit in [0, 1], or None when it does not apply to this pair."""
    years: float | None = None
    ask_years = extraction.min_years_experience
    if ask_years is not None and ask_years > 0 and c.total_years is not None:
        years = min(1.0, c.total_years / ask_years) ** config.years.exponent
    level: float | None = None
    posting_level = taxonomy.by_id.get(extraction.level) if extraction.level else None
    if posting_level is not None and posting_level.rank is not None and c.level_rank is not None:
        level = config.level_credit(abs(c.level_rank - posting_level.rank))
    case = location_case(posting, c.location)
    return {
        "required": _coverage(judged, True, config),
        "preferred": _coverage(judged, False, config),
        "years": years,
        "degree": _degree_credit(c, extraction, config),
        "level": level,
        "location": None if case is None else config.location.credit(c.remote_pref, case),
        "salary": _salary_credit(c, posting, config),
    }


def score_pair(
    candidate: CandidateFacts,
    posting: Posting,
    extraction: Extraction,
    taxonomy: Taxonomy,
    config: ScoringConfig,
) -> Match:
    """Score one candidate against one posting, with the breakdown that explains it.

    The breakdown maps each applicable component to its points and always holds
    `credential_penalty` (0 or negative); the points add up to the score before clipping.
    """
    asks = posting_asks(extraction, taxonomy, config)
    judged = judge_asks(candidate, asks, taxonomy, config)
    credits = component_credits(candidate, posting, extraction, judged, taxonomy, config)
    total_weight = sum(config.component_weight(k) for k in COMPONENTS if credits[k] is not None)
    breakdown: dict[str, float] = {}
    raw = 0.0
    for name in COMPONENTS:
        credit = credits[name]
        if credit is None:
            continue
        points = (
            100.0 * config.component_weight(name) * credit / total_weight if total_weight else 0.0
        )
        breakdown[name] = final_score(points)
        raw += points
    penalty = credential_penalty(candidate, judged, taxonomy, config)
    breakdown["credential_penalty"] = final_score(-penalty)
    score = min(100.0, max(0.0, raw - penalty))
    # each unit is listed once, by its first member's id (`report` adds how it was met)
    lists: dict[str, list[str]] = {"matched": [], "required": [], "preferred": []}
    for members, result in judged:
        key = "matched" if result.met else "required"
        if key == "required" and not any(a.required for a in members):
            key = "preferred"
        lists[key].append(members[0].concept_id)
    return Match(
        candidate_id=candidate.candidate_id,
        posting_id=posting.id,
        score=final_score(score),
        breakdown=breakdown,
        matched=lists["matched"],
        missing_required=lists["required"],
        missing_preferred=lists["preferred"],
    )
