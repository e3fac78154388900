"""Gap analysis: which concepts the candidate lacks, ranked by what adding them would do.

For every concept some open posting asks for and the candidate does not hold, the
candidate is re-scored over all open postings as if they held it (years unknown), in
one vectorised pass (one variant candidate per concept, `scoring.kernel`). A concept
ranks by how many postings it lifts to the threshold (`threshold` in scoring.yaml), then
by the points it adds over all postings (postings raised x average lift), then by its
average lift: "adding Kanban lifts 14 postings to 70 or more and raises 20 by 6.5 points".

Only asks the candidate does not meet count (`scoring.units`): a concept asked only where
the candidate already meets the ask, through an alternative ("PMP or PgMP" for a PMP
holder) or a narrower concept (Scrum for "Agile"), is never recommended. Of an unmet
alternative group only the member ranked best is kept (`best_members`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from matcher.models import Extraction, Posting
from matcher.profile import CandidateFacts
from matcher.scoring.config import ScoringConfig
from matcher.scoring.kernel import prepare, score_matrix
from matcher.scoring.pair import judge_asks
from matcher.scoring.units import narrower_held
from matcher.taxonomy import Taxonomy


@dataclass(frozen=True, slots=True)
class Gap:
    """One missing concept and what adding it would change."""

    concept_id: str
    name: str
    kind: str
    #: postings below the threshold that would reach it
    lifts_over_threshold: int
    #: postings whose score would rise at all
    postings_improved: int
    #: mean rise in points over the improved postings
    average_lift: float
    #: points added over all postings (improved x average)
    total_lift: float
    required_in: int
    preferred_in: int
    threshold: float

    @property
    def sentence(self) -> str:
        """The plain-words summary, e.g. 'adding Kanban lifts 14 postings to 70 or more'."""
        count = self.lifts_over_threshold
        noun = "posting" if count == 1 else "postings"
        return (
            f"adding {self.name} lifts {count} {noun} to {self.threshold:g} or more "
            f"and raises {self.postings_improved} by {self.average_lift:.1f} points on average"
        )


def rounded(scores: np.ndarray) -> np.ndarray:
    """Scores as shown (2 decimals, float noise dropped first), like `scoring.final_score`."""
    return np.round(np.round(scores, 6), 2)


def find_gaps(
    candidate: CandidateFacts,
    postings: Sequence[tuple[Posting, Extraction]],
    taxonomy: Taxonomy,
    config: ScoringConfig,
    limit: int | None = 15,
) -> list[Gap]:
    """The candidate's missing concepts over `postings`, best first (at most `limit`)."""
    if not postings:
        return []
    prep = prepare([candidate], postings, taxonomy, config)
    required: dict[str, int] = {}
    preferred: dict[str, int] = {}
    info: dict[str, tuple[str, str]] = {}
    groups: set[tuple[str, ...]] = set()
    below = narrower_held(candidate.concepts, taxonomy)
    for ask_list in prep.asks:
        for members, result in judge_asks(candidate, ask_list, taxonomy, config, below):
            if result.met:
                continue
            bucket = required if any(a.required for a in members) else preferred
            groups.add(tuple(a.concept_id for a in members))
            for ask in members:
                bucket[ask.concept_id] = bucket.get(ask.concept_id, 0) + 1
                info.setdefault(ask.concept_id, (ask.name, ask.kind))
    missing = sorted(info)
    if not missing:
        return []
    variants = [replace(candidate, concepts={**candidate.concepts, cid: None}) for cid in missing]
    base = rounded(score_matrix(prep, config)[0])
    new = rounded(score_matrix(prepare(variants, postings, taxonomy, config), config))
    lift = new - base[None, :]
    threshold = config.threshold
    over = ((base[None, :] < threshold) & (new >= threshold)).sum(axis=1)
    improved = lift > 0
    n_improved = improved.sum(axis=1)
    avg = np.where(n_improved > 0, (lift * improved).sum(axis=1) / np.maximum(n_improved, 1), 0)
    gaps = [
        Gap(
            concept_id=cid,
            name=info[cid][0],
            kind=info[cid][1],
            lifts_over_threshold=int(over[i]),
            postings_improved=int(n_improved[i]),
            average_lift=round(float(avg[i]), 2),
            total_lift=round(float((lift[i] * improved[i]).sum()), 2),
            required_in=required.get(cid, 0),
            preferred_in=preferred.get(cid, 0),
            threshold=threshold,
        )
        for i, cid in enumerate(missing)
        if n_improved[i] > 0
    ]
    gaps.sort(key=lambda g: (-g.lifts_over_threshold, -g.total_lift, -g.average_lift, g.concept_id))
    gaps = best_members(gaps, groups)
    return gaps if limit is None else gaps[:limit]


def best_members(gaps: list[Gap], units: set[tuple[str, ...]]) -> list[Gap]:
    """Drop a gap when every unmet unit asking for it has another member ranked above it.

    `gaps` are ranked best first; `units` are the member ids of every unmet ask (a lone
    ask is a unit of one, so a concept ever asked alone is always kept).

    >>> g = [Gap(c, c, "credential", 1, 1, 1.0, 1.0, 1, 0, 70) for c in ("pmp", "pgmp", "csm")]
    >>> [x.concept_id for x in best_members(g, {("pmp", "pgmp"), ("csm",)})]
    ['pmp', 'csm']
    """
    rank = {g.concept_id: i for i, g in enumerate(gaps)}
    keep = []
    for i, gap in enumerate(gaps):
        mine = [u for u in units if gap.concept_id in u]
        beaten = all(any(rank.get(o, i) < i for o in u if o != gap.concept_id) for u in mine)
        if not (mine and beaten):
            keep.append(gap)
    return keep
