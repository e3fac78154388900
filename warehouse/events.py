"""Match events and digest deliveries: recorded by the nightly run, read for digests and feeds.

`EventWrites.record_match_events` compares tonight's scored matches with the stored ones
(`statements/insert_match_events.sql`) before `replace_matches` overwrites them; a run's
events are replaced whole, so recording the same run again is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from matcher.digest.model import MatchEvent
from matcher.models import Match
from warehouse.records import DigestDelivery
from warehouse.sqlfiles import statement
from warehouse.validate_results import matches_table

DELIVERY_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("candidate_id", pa.string()),
        ("target", pa.string()),
        ("status", pa.string()),
        ("attempts", pa.int32()),
        ("events", pa.int32()),
        ("error", pa.string()),
        ("delivered_at", pa.timestamp("us")),
    ]
)
_EVENT_COLUMNS = ["candidate_id", "posting_id", "score", "matched", "missing_required"]


def _naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _event(row: tuple[Any, ...]) -> MatchEvent:
    run_id, started, cid, pid, kind, score, previous, min_score, matched, missing = row[:10]
    title, company, url = row[10:13]
    return MatchEvent(
        run_id=run_id,
        run_started_at=started,
        candidate_id=cid,
        posting_id=pid,
        kind=kind,
        score=score,
        previous_score=previous,
        min_score=min_score,
        matched=tuple(matched),
        missing_required=tuple(missing),
        title=title,
        company=company,
        url=url,
    )


class EventReads:
    """Reads of `match_events` and `digest_deliveries` on any open connection."""

    con: duckdb.DuckDBPyConnection

    def match_events(
        self,
        candidate_id: str,
        until_run_id: str | None,
        since_run_id: str | None = None,
        limit: int = 500,
    ) -> list[MatchEvent]:
        """A candidate's events, newest run first: of run `until_run_id`, or of every run
        after `since_run_id` up to it, or (`until_run_id` None) the latest `limit` of all."""
        rows = self.con.execute(
            statement("select_match_events"),
            {
                "candidate_id": candidate_id,
                "until_run_id": until_run_id,
                "since_run_id": since_run_id,
                "limit": limit,
            },
        ).fetchall()
        return [_event(row) for row in rows]

    def event_counts(self, run_id: str) -> dict[str, int]:
        """How many events of each kind (`new`, `improved`, `closed`) one run recorded."""
        counts = {"new": 0, "improved": 0, "closed": 0}
        for kind, n in self.con.execute(
            statement("count_run_match_events"), {"run_id": run_id}
        ).fetchall():
            counts[kind] = int(n)
        return counts

    def digest_deliveries(self, candidate_id: str) -> list[DigestDelivery]:
        """A candidate's digest deliveries, newest first."""
        rows = self.con.execute(
            statement("select_digest_deliveries"), {"candidate_id": candidate_id}
        ).fetchall()
        return [
            DigestDelivery(
                run_id=run_id,
                candidate_id=cid,
                target=target,
                status=status,
                attempts=attempts,
                events=events,
                error=error,
                delivered_at=at,
            )
            for run_id, cid, target, status, attempts, events, error, at in rows
        ]


class EventWrites(EventReads):
    """Writes of `match_events` and `digest_deliveries` (mixed into `Staging`)."""

    #: set by `Staging`, which also provides `_transaction` and `_registered`
    run_id: str
    _transaction: Callable[[], AbstractContextManager[None]]
    _registered: Callable[..., AbstractContextManager[None]]

    def record_match_events(
        self, matches: list[Match], *, min_score: float, improved_points: float
    ) -> dict[str, int]:
        """Record this run's events from tonight's `matches` against the stored ones.

        Call it before `replace_matches`. `min_score` applies to candidates whose profile
        sets no `alerts.min_score`. Returns the counts per kind.
        """
        table, _ = matches_table(matches)  # replace_matches records the rejected rows
        params = {
            "run_id": self.run_id,
            "min_score": min_score,
            "improved_points": improved_points,
            "recorded_at": _naive(datetime.now(UTC)),
        }
        with (
            self._transaction(),
            self._registered(incoming_events=table.select(_EVENT_COLUMNS)),
        ):
            self.con.execute(statement("delete_run_match_events"), {"run_id": self.run_id})
            self.con.execute(statement("insert_match_events"), params)
        return self.event_counts(self.run_id)

    def record_deliveries(self, deliveries: Iterable[DigestDelivery]) -> None:
        """Insert (or update) digest deliveries."""
        rows = [
            {
                "run_id": d.run_id,
                "candidate_id": d.candidate_id,
                "target": d.target,
                "status": d.status,
                "attempts": d.attempts,
                "events": d.events,
                "error": d.error,
                "delivered_at": _naive(d.delivered_at),
            }
            for d in deliveries
        ]
        table = pa.Table.from_pylist(rows, schema=DELIVERY_SCHEMA)
        with self._transaction(), self._registered(incoming_deliveries=table):
            self.con.execute(statement("upsert_digest_deliveries"))
