"""The candidate's match report as data: built by pure functions, rendered by the others.

`build_report` scores the candidate against every open posting (vectorised), explains the
best `top` with `pair.score_pair` (or takes them as stored by the nightly run, when the
caller passes them), attaches each matched / missing requirement's evidence sentence, and
adds the gap analysis, the guidance and the chart data.
`report_to_dict` gives the JSON contract:
`{"candidate", "matches": [{"posting_id", "title", "company", "url", "score", "breakdown",
"matched", "missing_required", "missing_preferred"}], "gaps", "guidance"}`.
Each matched / missing item is one ask as a recruiter reads it (`scoring.units`): an
alternative group is one item whose `id` is its first member and whose `any_of` lists
every member (null for a lone ask); a matched item's `via` says what met it other than
the item's own concept (`{"relation": "alternative" | "narrower", "concept_id"}`, else
null). A stored match keeps only the ids; the rest is recomputed here from the posting's
asks and the candidate's facts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from matcher.gaps import Gap, find_gaps, rounded
from matcher.guidance import Guidance, build_guidance
from matcher.models import Extraction, Match, Posting
from matcher.profile import CandidateFacts
from matcher.scoring.config import COMPONENTS, ScoringConfig
from matcher.scoring.kernel import prepare, score_matrix
from matcher.scoring.pair import Ask, judge_asks, score_pair
from matcher.scoring.units import UnitResult, via
from matcher.taxonomy import Taxonomy

MATCH_KEYS: tuple[str, ...] = (
    "posting_id",
    "title",
    "company",
    "url",
    "score",
    "breakdown",
    "matched",
    "missing_required",
    "missing_preferred",
)


@dataclass(frozen=True, slots=True)
class Via:
    """What met an ask other than its own concept: another member, or a narrower concept."""

    relation: str
    concept_id: str


@dataclass(frozen=True, slots=True)
class RequirementView:
    """A posting's ask (one unit) as the report shows it, with the sentence that states it.

    `name` joins an alternative group's member names with "or" ("PMP or PgMP").
    """

    id: str
    name: str
    kind: str
    required: bool
    evidence: str
    years: float | None
    any_of: list[str] | None = None
    via: Via | None = None
    #: the name of the held concept that met a group or met the ask through `via`
    held_name: str | None = None

    @property
    def met_by(self) -> str:
        """'met by Scrum' for an ask met through a group or a narrower concept, else ''."""
        return f"met by {self.held_name}" if self.held_name else ""


@dataclass(slots=True)
class MatchView:
    posting_id: str
    title: str
    company: str
    url: str
    score: float
    rank: int
    breakdown: dict[str, float]
    matched: list[RequirementView]
    missing_required: list[RequirementView]
    missing_preferred: list[RequirementView]
    location: str | None = None
    remote: bool | None = None
    salary_min: float | None = None
    salary_max: float | None = None
    salary_currency: str | None = None
    salary_period: str | None = None


@dataclass(slots=True)
class ConceptView:
    id: str
    name: str
    kind: str
    years: float | None
    sources: list[str]


@dataclass(slots=True)
class Demand:
    """How many open postings ask for a concept, and whether the candidate holds it."""

    id: str
    name: str
    postings: int
    held: bool


@dataclass(slots=True)
class Report:
    candidate: CandidateFacts
    concepts: list[ConceptView]
    matches: list[MatchView]
    gaps: list[Gap]
    guidance: Guidance
    postings_considered: int
    threshold: float
    #: counts of scores in [0,10), [10,20) ... [90,100] over every open posting
    score_histogram: list[int] = field(default_factory=list)
    demand: list[Demand] = field(default_factory=list)
    component_weights: dict[str, float] = field(default_factory=dict)


def _view(members: list[Ask], result: UnitResult | None, taxonomy: Taxonomy) -> RequirementView:
    first = members[0]
    how = via(result) if result is not None else None
    option = result.option if result is not None else None
    shown = option is not None and (how is not None or len(members) > 1)
    return RequirementView(
        first.concept_id,
        " or ".join(a.name for a in members),
        first.kind,
        any(a.required for a in members),
        first.evidence,
        first.years,
        [a.concept_id for a in members] if len(members) > 1 else None,
        None if how is None else Via(*how),
        _name(option.held_id, taxonomy) if shown and option else None,
    )


def _name(concept_id: str, taxonomy: Taxonomy) -> str:
    concept = taxonomy.by_id.get(concept_id)
    return concept.name if concept else concept_id


def _views(
    ids: list[str],
    units: dict[str, tuple[list[Ask], UnitResult]],
    met: bool,
    taxonomy: Taxonomy,
) -> list[RequirementView]:
    """The views of the listed units (`via` only for met ones)."""
    found = [units[c] for c in ids if c in units]
    return [_view(members, result if met else None, taxonomy) for members, result in found]


def _units_by_id(
    candidate: CandidateFacts, asks: list[Ask], taxonomy: Taxonomy, config: ScoringConfig
) -> dict[str, tuple[list[Ask], UnitResult]]:
    """Each unit of a posting by every member id (a stored match names the first)."""
    return {
        a.concept_id: (members, result)
        for members, result in judge_asks(candidate, asks, taxonomy, config)
        for a in members
    }


def build_report(
    candidate: CandidateFacts,
    postings: Sequence[tuple[Posting, Extraction]],
    taxonomy: Taxonomy,
    config: ScoringConfig,
    top: int = 20,
    gaps_limit: int = 15,
    stored: Sequence[Match] | None = None,
) -> Report:
    """Everything the report shows, for one candidate over the open postings.

    `stored`: the candidate's best matches as stored, best first (see
    `topk.stored_ranking`); they are shown as they are instead of being explained again.
    """
    prep = prepare([candidate], postings, taxonomy, config) if postings else None
    scores = rounded(score_matrix(prep, config)[0]) if prep else np.zeros(0)
    if stored is None:
        order = sorted(range(len(postings)), key=lambda j: (-scores[j], postings[j][0].id))[:top]
        explained = [score_pair(candidate, *postings[j], taxonomy, config) for j in order]
    else:
        index = {p.id: j for j, (p, _) in enumerate(postings)}
        explained = list(stored[:top])
        order = [index[m.posting_id] for m in explained]
    matches: list[MatchView] = []
    for rank, (j, match) in enumerate(zip(order, explained, strict=True), start=1):
        posting = postings[j][0]
        units = _units_by_id(candidate, prep.asks[j], taxonomy, config) if prep else {}
        matches.append(
            MatchView(
                posting_id=posting.id,
                title=posting.title,
                company=posting.company,
                url=posting.url,
                score=match.score,
                rank=rank,
                breakdown=match.breakdown,
                matched=_views(match.matched, units, True, taxonomy),
                missing_required=_views(match.missing_required, units, False, taxonomy),
                missing_preferred=_views(match.missing_preferred, units, False, taxonomy),
                location=posting.location,
                remote=posting.remote,
                salary_min=posting.salary_min,
                salary_max=posting.salary_max,
                salary_currency=posting.salary_currency,
                salary_period=posting.salary_period,
            )
        )
    histogram = [0] * 10
    for value in scores.tolist():
        histogram[min(9, int(value // 10))] += 1
    asked: Counter[str] = Counter()
    names: dict[str, str] = {}
    for ask_list in prep.asks if prep else []:
        for ask in ask_list:
            asked[ask.concept_id] += 1
            names[ask.concept_id] = ask.name
    demand = [
        Demand(cid, names[cid], n, cid in candidate.concepts)
        for cid, n in sorted(asked.items(), key=lambda kv: (-kv[1], kv[0]))[:15]
    ]
    concepts = [
        ConceptView(
            cid,
            taxonomy.by_id[cid].name if cid in taxonomy.by_id else cid,
            taxonomy.by_id[cid].kind if cid in taxonomy.by_id else "unknown",
            years,
            candidate.concept_sources.get(cid, []),
        )
        for cid, years in candidate.concepts.items()
    ]
    return Report(
        candidate=candidate,
        concepts=concepts,
        matches=matches,
        gaps=find_gaps(candidate, postings, taxonomy, config, gaps_limit),
        guidance=build_guidance(candidate, taxonomy, [postings[j][0] for j in order]),
        postings_considered=len(postings),
        threshold=config.threshold,
        score_histogram=histogram,
        demand=demand,
        component_weights={k: config.component_weight(k) for k in COMPONENTS},
    )


def candidate_dict(report: Report) -> dict[str, Any]:
    """The candidate part of the JSON report."""
    c = report.candidate
    g = report.guidance
    return {
        "candidate_id": c.candidate_id,
        "name": c.name,
        "email": c.email,
        "current_title": c.current_title,
        "years_experience": c.total_years,
        "level": {"id": c.level_id, "name": g.level_name, "basis": c.level_basis},
        "degree": {"level": c.degree_level, "field": c.degree_field},
        "location": c.location,
        "remote": c.remote_pref,
        "desired_salary": None
        if c.salary_min is None
        else {"min": c.salary_min, "currency": c.salary_currency, "period": c.salary_period},
        "concepts": [asdict(v) for v in report.concepts],
        "unknown_skills": list(c.unknown_skills),
        "postings_considered": report.postings_considered,
    }


def requirement_dict(r: RequirementView) -> dict[str, Any]:
    """One matched / missing item of the JSON contract (`held_name` is for display only).

    >>> item = requirement_dict(RequirementView("a", "A or B", "tool", True, "A or B.", None,
    ...     ["a", "b"], Via("alternative", "b"), "B"))
    >>> item["via"], "held_name" in item
    ({'relation': 'alternative', 'concept_id': 'b'}, False)
    """
    out = asdict(r)
    del out["held_name"]
    return out


def report_to_dict(report: Report) -> dict[str, Any]:
    """The JSON contract (exactly four top-level keys; see the module docstring)."""
    matches = []
    for m in report.matches:
        full = asdict(m)
        for key in ("matched", "missing_required", "missing_preferred"):
            full[key] = [requirement_dict(r) for r in getattr(m, key)]
        matches.append({key: full[key] for key in MATCH_KEYS})
    gaps = [{**asdict(g), "sentence": g.sentence} for g in report.gaps]
    return {
        "candidate": candidate_dict(report),
        "matches": matches,
        "gaps": gaps,
        "guidance": asdict(report.guidance),
    }
