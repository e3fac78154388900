"""Small typed records the warehouse hands back (the `matcher.models` contracts cover the rest)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from matcher.models import Match, Posting

RunStatus = Literal["running", "success", "partial", "failed"]


class WarehouseError(RuntimeError):
    """A warehouse that cannot be used as asked; the message says why and what to do."""


@dataclass(slots=True)
class LoadCounts:
    """What one `load_postings` call did (rejected rows are in the `rejected_rows` table)."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    reopened: int = 0
    closed: int = 0
    rejected: int = 0
    #: open postings of held sources: none of them closed tonight (warehouse/lifecycle.py)
    held: int = 0
    #: closed because unseen for `close_after_nights` runs
    closed_unseen: int = 0
    #: closed because their source is no longer configured
    closed_removed: int = 0
    #: the held sources themselves: source key -> {"open": n, "seen": m}
    held_sources: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        """The counts as a plain dict (for run records and Prefect artifacts)."""
        return {
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "reopened": self.reopened,
            "closed": self.closed,
            "rejected": self.rejected,
            "held": self.held,
            "closed_unseen": self.closed_unseen,
            "closed_removed": self.closed_removed,
        }


@dataclass(slots=True)
class CandidateRecord:
    """A registered candidate as stored."""

    id: str
    name: str
    email: str | None
    profile: dict[str, Any]
    added_at: datetime


@dataclass(slots=True)
class RunRecord:
    """One pipeline run: when, how it ended, counts per stage and per source, errors per source.

    `stage_counts` maps a stage ('crawl', 'extract', 'load', ...) to a count or a dict of
    counts; `source_counts` maps a source key ('lever:acme') to its counts; `source_errors`
    maps a source key to its error message(s); `failing_sources` maps each source that
    failed on each of the last N nights to that count; `held_sources` maps each source
    whose postings were held open tonight (warehouse/lifecycle.py) to its open and seen
    counts. All are stored as JSON.
    """

    run_id: str
    started_at: datetime
    status: RunStatus
    finished_at: datetime | None = None
    stage_counts: dict[str, Any] = field(default_factory=dict)
    source_counts: dict[str, Any] = field(default_factory=dict)
    source_errors: dict[str, Any] = field(default_factory=dict)
    failing_sources: dict[str, int] = field(default_factory=dict)
    held_sources: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(slots=True)
class MatchRecord:
    """A stored match with the posting it is for and every source URL of that posting."""

    match: Match
    posting: Posting
    urls: list[str]
    run_id: str


@dataclass(slots=True)
class SkillDemandRow:
    """How often one concept is asked for among open postings first seen in one ISO week."""

    week: str
    concept_id: str
    concept_name: str
    kind: str
    required_count: int
    preferred_count: int
    total_count: int


@dataclass(slots=True)
class SavedQuery:
    """A saved recruiter query (`warehouse/queries/NAME.sql`) and its bound parameters."""

    name: str
    description: str
    params: dict[str, str]
    sql: str


@dataclass(slots=True)
class DigestDelivery:
    """One attempt to deliver a candidate's digest of a run to one notification target.

    `target` is a label such as `mailto#1` (the URL's scheme and position in the profile's
    `alerts.notify`), never the URL itself: it may hold an address or a token.
    """

    run_id: str
    candidate_id: str
    target: str
    status: Literal["sent", "failed"]
    attempts: int
    events: int
    delivered_at: datetime
    error: str | None = None
