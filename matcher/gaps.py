"""Gap analysis: which concepts the candidate lacks, ranked by what adding them would do.

For every concept some open posting asks for and the candidate does not hold, the
candidate is re-scored over all open postings as if they held it (years unknown), in
one vectorised pass (one variant candidate per concept, `scoring.kernel`). A concept
ranks by how many postings it lifts to the threshold (`threshold` in scoring.yaml), then
by the points it adds over all postings (postings raised x average lift), then by its
average lift: "adding Kanban lifts 14 postings to 70 or more and raises 20 by 6.5 points".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from matcher.models import Extraction, Posting
from matcher.profile import CandidateFacts
from matcher.scoring.config import ScoringConfig
from matcher.scoring.kernel import prepare, score_matrix
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
    for ask_list in prep.asks:
        for ask in ask_list:
            if ask.concept_id in candidate.concepts:
                continue
            bucket = required if ask.required else preferred
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
    return gaps if limit is None else gaps[:limit]
