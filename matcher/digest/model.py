"""Match events and the digest built from them.

A `MatchEvent` is one row of the warehouse's `match_events` table with its posting's
title, company and URL: `new` (a posting now at or above the candidate's `min_score` that
was not before), `improved` (up by at least the set number of points) or `closed` (a
posting the candidate matched was closed). `build_digest` turns a candidate's events into
a `Digest`: new and improved matches best first, closed ones after, one entry per posting
(the newest event wins when the digest spans several runs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

from matcher.report.safe import plain, safe_url

EventKind = Literal["new", "improved", "closed"]
#: The order entries are listed in.
KIND_ORDER: dict[str, int] = {"new": 0, "improved": 1, "closed": 2}


@dataclass(frozen=True, slots=True)
class MatchEvent:
    """What changed for one candidate and one posting in one run."""

    run_id: str
    run_started_at: datetime
    candidate_id: str
    posting_id: str
    kind: EventKind
    score: float
    previous_score: float | None
    min_score: float
    matched: tuple[str, ...]
    missing_required: tuple[str, ...]
    title: str
    company: str
    url: str


@dataclass(frozen=True, slots=True)
class DigestEntry:
    """One posting in a digest; every text is control-character free (`safe.plain`)."""

    kind: EventKind
    posting_id: str
    run_id: str
    run_started_at: datetime
    score: float
    previous_score: float | None
    title: str
    company: str
    #: the posting's address when it is http(s), else None (never linked)
    url: str | None
    matched: tuple[str, ...] = ()
    missing_required: tuple[str, ...] = ()


@dataclass(slots=True)
class Digest:
    """A candidate's digest: what changed in the runs it covers."""

    candidate_id: str
    candidate_name: str
    run_ids: list[str]
    entries: list[DigestEntry] = field(default_factory=list)

    def of_kind(self, kind: EventKind) -> list[DigestEntry]:
        """The entries of one kind, in digest order."""
        return [e for e in self.entries if e.kind == kind]

    @property
    def counts(self) -> dict[str, int]:
        """Entries per kind, every kind present.

        >>> Digest("c", "C", []).counts
        {'new': 0, 'improved': 0, 'closed': 0}
        """
        return {kind: len(self.of_kind(kind)) for kind in KIND_ORDER}  # type: ignore[arg-type]

    @property
    def empty(self) -> bool:
        """True when nothing changed (no digest is sent then)."""
        return not self.entries

    @property
    def subject(self) -> str:
        """The e-mail subject, counts only (the candidate's name is not in it).

        >>> Digest("c", "C", []).subject
        'tpm-match: 0 new, 0 improved, 0 closed matches'
        """
        c = self.counts
        return f"tpm-match: {c['new']} new, {c['improved']} improved, {c['closed']} closed matches"


def _names(ids: Sequence[str], names: Mapping[str, str], top: int) -> tuple[str, ...]:
    return tuple(plain(names.get(cid, cid)) for cid in ids[:top])


def build_digest(
    candidate_id: str,
    candidate_name: str,
    events: Sequence[MatchEvent],
    concept_names: Mapping[str, str],
    *,
    top_requirements: int = 5,
) -> Digest:
    """The digest of `events` (one candidate's, newest run first, as the warehouse reads them).

    One entry per posting, from its newest event; new and improved entries by score (best
    first), then closed ones. Requirements are shown by concept name, at most
    `top_requirements` of each list.
    """
    newest: dict[str, MatchEvent] = {}
    runs: list[str] = []
    for event in sorted(events, key=lambda e: e.run_started_at, reverse=True):
        newest.setdefault(event.posting_id, event)
        if event.run_id not in runs:
            runs.append(event.run_id)
    entries = [
        DigestEntry(
            kind=e.kind,
            posting_id=plain(e.posting_id),
            run_id=e.run_id,
            run_started_at=e.run_started_at,
            score=e.score,
            previous_score=e.previous_score,
            title=plain(e.title),
            company=plain(e.company),
            url=safe_url(e.url),
            matched=_names(e.matched, concept_names, top_requirements),
            missing_required=_names(e.missing_required, concept_names, top_requirements),
        )
        for e in newest.values()
    ]
    entries.sort(key=lambda e: (KIND_ORDER[e.kind], -e.score, e.posting_id))
    return Digest(candidate_id, plain(candidate_name), runs, entries)


def digest_to_dict(digest: Digest) -> dict[str, Any]:
    """The JSON contract: `{"candidate_id", "run_ids", "counts", "entries": [...]}`."""
    entries = []
    for e in digest.entries:
        row = asdict(e)
        row["run_started_at"] = e.run_started_at.isoformat()
        row["matched"] = list(e.matched)
        row["missing_required"] = list(e.missing_required)
        entries.append(row)
    return {
        "candidate_id": digest.candidate_id,
        "run_ids": list(digest.run_ids),
        "counts": digest.counts,
        "entries": entries,
    }
