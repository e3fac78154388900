"""Career guidance grounded in the taxonomy's levels (the articles' progression).

The candidate's level (from their title, else their years; see `profile.level_for`), the
credential path that fits it (the level's `recommended_credentials`, then the next
level's, skipping the ones held), and the articles' salary figures for that level (with
year and article) next to the salary ranges the matched postings state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from matcher.models import Posting
from matcher.profile import CandidateFacts
from matcher.taxonomy import Concept, Taxonomy


@dataclass(frozen=True, slots=True)
class CredentialStep:
    concept_id: str
    name: str
    #: "now" (recommended at the candidate's level) or "next" (for the next level)
    stage: str


@dataclass(frozen=True, slots=True)
class SalaryFigure:
    """A salary figure from one of the articles."""

    label: str
    amount_min: float | None
    amount_max: float | None
    average: float | None
    currency: str
    period: str
    year: int
    article: str
    article_title: str
    place: str


@dataclass(frozen=True, slots=True)
class PostingSalary:
    """The salary range a matched posting states."""

    posting_id: str
    title: str
    company: str
    amount_min: float | None
    amount_max: float | None
    currency: str | None
    period: str | None


@dataclass(slots=True)
class Guidance:
    level_id: str | None
    level_name: str | None
    level_rank: int | None
    #: how the level was found: "title", "years", "resume" or "none"
    basis: str
    years_min: float | None = None
    years_max: float | None = None
    next_level_id: str | None = None
    next_level_name: str | None = None
    credential_path: list[CredentialStep] = field(default_factory=list)
    credentials_held: list[str] = field(default_factory=list)
    article_salaries: list[SalaryFigure] = field(default_factory=list)
    posting_salaries: list[PostingSalary] = field(default_factory=list)


def _steps(level: Concept | None, stage: str, taxonomy: Taxonomy, skip: set[str]) -> list:
    if level is None:
        return []
    steps = []
    for cid in level.recommended_credentials:
        if cid in skip:
            continue
        skip.add(cid)
        steps.append(CredentialStep(cid, taxonomy.by_id[cid].name, stage))
    return steps


def build_guidance(
    candidate: CandidateFacts, taxonomy: Taxonomy, matched: Sequence[Posting]
) -> Guidance:
    """Guidance for the candidate's level; `matched` are the postings in their report."""
    levels = taxonomy.levels
    level = taxonomy.by_id.get(candidate.level_id) if candidate.level_id else None
    posting_salaries = [
        PostingSalary(
            p.id, p.title, p.company, p.salary_min, p.salary_max, p.salary_currency, p.salary_period
        )
        for p in matched
        if p.salary_min is not None or p.salary_max is not None
    ]
    if level is None:
        return Guidance(None, None, None, "none", posting_salaries=posting_salaries)
    higher = [lv for lv in levels if (lv.rank or 0) > (level.rank or 0)]
    nxt = higher[0] if higher else None
    held = {cid for cid in candidate.concepts if cid in taxonomy.by_id}
    recommended = {*level.recommended_credentials, *(nxt.recommended_credentials if nxt else [])}
    skip = set(held)
    path = _steps(level, "now", taxonomy, skip) + _steps(nxt, "next", taxonomy, skip)
    titles = {a.id: a.title for a in taxonomy.articles}
    figures = [
        SalaryFigure(
            s.label,
            s.amount_min,
            s.amount_max,
            s.average,
            s.currency,
            s.period,
            s.year,
            s.article,
            titles.get(s.article, s.article),
            s.place,
        )
        for s in level.salaries
    ]
    return Guidance(
        level_id=level.id,
        level_name=level.name,
        level_rank=level.rank,
        basis=candidate.level_basis,
        years_min=level.years_min,
        years_max=level.years_max,
        next_level_id=nxt.id if nxt else None,
        next_level_name=nxt.name if nxt else None,
        credential_path=path,
        credentials_held=sorted(held & recommended),
        article_salaries=figures,
        posting_salaries=posting_salaries,
    )
