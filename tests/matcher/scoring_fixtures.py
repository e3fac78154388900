"""Hand-made candidates and postings for the scoring, gaps, guidance and report tests."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from matcher.models import Degree, Extraction, Posting, Requirement
from matcher.profile import CandidateFacts
from matcher.taxonomy import Taxonomy

EVIL = (
    "<script>alert(1)</script> <img src=x onerror=alert(2)> [bold]big[/bold] "
    "[click](javascript:alert(3)) \x1b[31mred"
)


def req(
    taxonomy: Taxonomy,
    cid: str,
    required: bool = True,
    evidence: str | None = None,
    years: float | None = None,
) -> Requirement:
    c = taxonomy.by_id[cid]
    return Requirement(
        cid, c.name, c.kind, required, evidence or f"Experience with {c.name}.", 0, 1, years
    )


def posting(
    n: int,
    reqs: list[Requirement],
    *,
    min_years: float | None = None,
    degree: Degree | None = None,
    level: str | None = None,
    **fields: Any,
) -> tuple[Posting, Extraction]:
    values: dict[str, Any] = {
        "id": f"greenhouse:acme:{n}",
        "source": "greenhouse",
        "company": "Acme",
        "title": f"Technical Program Manager {n}",
        "url": f"https://jobs.example.test/acme/{n}",
        "description_text": " ".join(r.evidence for r in reqs) or "A posting.",
    }
    values.update(fields)
    p = Posting(**values)
    return p, Extraction(p.id, reqs, min_years, degree, level)


def candidate(name: str = "Cand", **fields: Any) -> CandidateFacts:
    values: dict[str, Any] = {"candidate_id": name.lower(), "name": name}
    values.update(fields)
    return CandidateFacts(**values)


def random_sample(
    taxonomy: Taxonomy, n_postings: int, n_candidates: int, seed: int
) -> tuple[list[CandidateFacts], list[tuple[Posting, Extraction]]]:
    """Varied postings and candidates covering every branch of every component."""
    rng = np.random.default_rng(seed)
    concepts = [c.id for c in taxonomy.concepts if c.kind not in ("degree", "level")]
    levels = [lv for lv in taxonomy.levels]
    places = ["Austin, TX", "New York, NY", "Remote (US)", None]
    degrees = [None, "associate", "bachelor", "master", "mba", "doctorate"]
    postings = []
    for i in range(n_postings):
        k = int(rng.integers(0, 14))
        reqs = []
        for cid in rng.choice(concepts, size=k, replace=False):
            evidence = "or equivalent certification" if rng.random() < 0.2 else f"About {cid}."
            years = float(rng.integers(1, 7)) if rng.random() < 0.25 else None
            reqs.append(req(taxonomy, str(cid), bool(rng.random() < 0.6), evidence, years))
        if reqs and rng.random() < 0.3:  # a repeated concept, once preferred, once required
            reqs.append(req(taxonomy, reqs[0].id, not reqs[0].required, "again", 2.0))
        low = float(rng.integers(60, 200)) * 1000 if rng.random() < 0.5 else None
        degree = None
        if rng.random() < 0.6:
            degree = Degree(
                str(rng.choice(["associate", "bachelor", "master", "mba", "doctorate"])),
                ["computer science"] if rng.random() < 0.5 else [],
                bool(rng.random() < 0.6),
                bool(rng.random() < 0.4),
            )
        postings.append(
            posting(
                i,
                reqs,
                min_years=float(rng.integers(0, 10)) if rng.random() < 0.7 else None,
                degree=degree,
                level=levels[int(rng.integers(0, len(levels)))].id if rng.random() < 0.7 else None,
                location=places[int(rng.integers(0, 4))],
                remote=[True, False, None][int(rng.integers(0, 3))],
                salary_min=low,
                salary_max=low * 1.2 if low and rng.random() < 0.7 else None,
                salary_currency=["USD", "EUR", None][int(rng.integers(0, 3))] if low else None,
                salary_period=["year", "month", "hour"][int(rng.integers(0, 3))] if low else None,
            )
        )
    cands = []
    for i in range(n_candidates):
        held = rng.choice(concepts, size=int(rng.integers(0, 30)), replace=False)
        level = levels[int(rng.integers(0, len(levels)))] if rng.random() < 0.8 else None
        cands.append(
            candidate(
                f"C{i}",
                concepts={
                    str(c): (float(rng.integers(0, 9)) if rng.random() < 0.5 else None)
                    for c in held
                },
                total_years=float(rng.integers(0, 15)) if rng.random() < 0.8 else None,
                degree_level=degrees[int(rng.integers(0, 6))],
                degree_field=["computer science", "history", None][int(rng.integers(0, 3))],
                level_id=level.id if level else None,
                level_rank=level.rank if level else None,
                location=places[int(rng.integers(0, 4))],
                remote_pref=["remote", "hybrid", "onsite", "any"][int(rng.integers(0, 4))],
                salary_min=float(rng.integers(70, 190)) * 1000 if rng.random() < 0.6 else None,
                salary_currency=["USD", "EUR"][int(rng.integers(0, 2))],
                salary_period="year",
            )
        )
    return cands, postings


def grouped_sample(
    taxonomy: Taxonomy, n_postings: int, n_candidates: int, seed: int
) -> tuple[list[CandidateFacts], list[tuple[Posting, Extraction]]]:
    """`random_sample` with alternative groups and broader / narrower concepts on both sides.

    Runs of 2-3 asks of a posting share a group; postings ask for broader concepts of
    what candidates hold and candidates hold narrower concepts of what postings ask.
    """
    cands, postings = random_sample(taxonomy, n_postings, n_candidates, seed)
    rng = np.random.default_rng(seed + 1)
    related = [c.id for c in taxonomy.concepts if c.broader]
    out = []
    for p, ext in postings:
        reqs = list(ext.requirements)
        for cid in rng.choice(related, size=int(rng.integers(0, 3)), replace=False):
            reqs.append(
                req(taxonomy, str(taxonomy.ancestors(str(cid))[0]), bool(rng.random() < 0.7))
            )
        reqs += [req(taxonomy, str(c), True) for c in rng.choice(related, size=1)]
        group, i = 1, 0
        while i < len(reqs):
            size = int(rng.integers(1, 4))
            if size > 1 and i + size <= len(reqs):
                for k in range(i, i + size):
                    reqs[k] = replace(reqs[k], group=group)
                group += 1
            i += size
        out.append((p, replace(ext, requirements=reqs)))
    grown = []
    for c in cands:
        extra = rng.choice(related, size=int(rng.integers(0, 4)), replace=False)
        years = {str(x): (float(rng.integers(0, 9)) if rng.random() < 0.5 else None) for x in extra}
        grown.append(replace(c, concepts={**years, **c.concepts}))
    return grown, out
