"""Match alerts after a night: Atom feeds, and digests to each candidate's notify URLs.

`deliver_alerts` runs after the nightly run has published (so a feed or a digest never
tells of a night the warehouse does not hold). For every registered candidate it rewrites
`out/feeds/<candidate>.xml` from their latest `match_events`; for every candidate whose
profile has `alerts.notify` and whose digest is due (`digest: nightly` every night,
`weekly` when the last digest sent is 7 days old, `off` never) it builds the digest of
the news since the last one and, when there is news, sends it to each URL
(`flows/notify.py`, retried with backoff). Each target's outcome is a `digest_deliveries`
row: a target already `sent` for this run is skipped, so a rerun never sends twice. The
counts (never an address or a profile) go into the run summary, the `runs` row and the
Prefect artifact. Nothing here fails the run: an error is recorded and the night goes on.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flows.notify import send_digest, target_label
from flows.run_summary import RunSummary
from flows.settings import Settings
from matcher.digest import Digest, build_digest, render_atom
from matcher.taxonomy import Taxonomy
from warehouse import CandidateRecord, DigestDelivery, Warehouse, WarehouseError
from warehouse.reads import ReadMethods

WEEK = timedelta(days=7)
_SAFE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(slots=True)
class Planned:
    """A digest due tonight, and the targets it still has to reach."""

    candidate_id: str
    digest: Digest
    targets: list[tuple[str, str]]  # (label, URL)


def alert_settings(candidate: CandidateRecord) -> tuple[list[str], str]:
    """The candidate's notify URLs and digest schedule (`nightly` when unset)."""
    alerts = candidate.profile.get("alerts") or {}
    return list(alerts.get("notify") or []), str(alerts.get("digest") or "nightly")


def digest_since(
    schedule: str, deliveries: list[DigestDelivery], now: datetime
) -> tuple[bool, str | None]:
    """(due, since_run_id): whether a digest goes out tonight, and from which run on.

    `since_run_id` None means tonight's news only. `deliveries` are newest first; times
    are naive UTC, as the warehouse stores them.

    >>> sent = DigestDelivery("r1", "c", "mailto#1", "sent", 1, 2, datetime(2026, 1, 1))
    >>> digest_since("weekly", [sent], datetime(2026, 1, 5))
    (False, 'r1')
    >>> digest_since("off", [], datetime(2026, 1, 5))
    (False, None)
    >>> digest_since("weekly", [sent], datetime(2026, 1, 8))
    (True, 'r1')
    """
    if schedule == "off":
        return False, None
    if schedule != "weekly":
        return True, None
    last = next((d for d in deliveries if d.status == "sent"), None)
    if last is None:
        return True, None
    return now - last.delivered_at >= WEEK, last.run_id


def concept_names(taxonomy: Taxonomy) -> dict[str, str]:
    """Concept id -> name, for showing requirements."""
    return {c.id: c.name for c in taxonomy.concepts}


def candidate_digest(
    reader: ReadMethods,
    candidate: CandidateRecord,
    run_id: str,
    names: dict[str, str],
    since_run_id: str | None = None,
) -> Digest:
    """The digest of one candidate's events of `run_id` (or of the runs after `since_run_id`)."""
    events = reader.match_events(candidate.id, run_id, since_run_id)
    return build_digest(candidate.id, candidate.name, events, names)


def feed_path(feeds_dir: Path, candidate_id: str) -> Path | None:
    """`feeds_dir/<candidate>.xml`, or None for an id that is not a safe file name.

    >>> feed_path(Path("out/feeds"), "ada-1a2b"), feed_path(Path("f"), "../x")
    (PosixPath('out/feeds/ada-1a2b.xml'), None)
    """
    if not _SAFE_NAME_RE.match(candidate_id):
        return None
    return feeds_dir / f"{candidate_id}.xml"


def write_atomically(path: Path, text: str) -> Path:
    """Write `text` to `path` through a temporary file and `os.replace`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def write_feeds(
    settings: Settings,
    reader: ReadMethods,
    candidates: list[CandidateRecord],
    names: dict[str, str],
) -> int:
    """Rewrite every candidate's Atom feed; return how many were written."""
    written = 0
    for candidate in candidates:
        path = feed_path(settings.feeds_dir, candidate.id)
        if path is None:
            continue
        events = reader.match_events(candidate.id, None, limit=settings.alert_feed_entries)
        entries = build_digest(candidate.id, candidate.name, events, names).entries
        entries.sort(key=lambda e: e.run_started_at, reverse=True)
        write_atomically(path, render_atom(candidate.id, entries))
        written += 1
    return written


def plan_digests(
    settings: Settings, reader: ReadMethods, candidates: list[CandidateRecord], run_id: str,
    names: dict[str, str], now: datetime,
) -> tuple[list[Planned], dict[str, int]]:  # fmt: skip
    """The digests due tonight that have news and a target not yet reached; with counts."""
    counts = {"with_alerts": 0, "due": 0, "with_news": 0, "already_sent": 0}
    planned: list[Planned] = []
    for candidate in candidates:
        urls, schedule = alert_settings(candidate)
        if not urls:
            continue
        counts["with_alerts"] += 1
        deliveries = reader.digest_deliveries(candidate.id)
        due, since = digest_since(schedule, deliveries, now)
        if not due:
            continue
        counts["due"] += 1
        digest = candidate_digest(reader, candidate, run_id, names, since)
        if digest.empty:
            continue
        counts["with_news"] += 1
        done = {d.target for d in deliveries if d.run_id == run_id and d.status == "sent"}
        targets = [(target_label(u, n), u) for n, u in enumerate(urls, start=1)]
        todo = [(label, url) for label, url in targets if label not in done]
        counts["already_sent"] += len(targets) - len(todo)
        if todo:
            planned.append(Planned(candidate.id, digest, todo))
    return planned, counts


def send_planned(
    settings: Settings, planned: list[Planned], run_id: str,
    sleep: Callable[[float], None] | None = None,
) -> list[DigestDelivery]:  # fmt: skip
    """Send each planned digest to each of its targets; one delivery record per target."""
    extra: dict[str, Any] = {} if sleep is None else {"sleep": sleep}
    out: list[DigestDelivery] = []
    for plan in planned:
        for label, url in plan.targets:
            outcome = send_digest(
                url,
                plan.digest,
                retries=settings.alert_retries,
                delay_s=settings.alert_retry_delay_s,
                **extra,
            )
            out.append(
                DigestDelivery(
                    run_id=run_id,
                    candidate_id=plan.candidate_id,
                    target=label,
                    status="sent" if outcome.ok else "failed",
                    attempts=outcome.attempts,
                    events=len(plan.digest.entries),
                    delivered_at=datetime.now(UTC),
                    error=outcome.error,
                )
            )
    return out


def deliver_alerts(
    settings: Settings,
    wh: Warehouse,
    taxonomy: Taxonomy,
    summary: RunSummary,
    sleep: Callable[[float], None] | None = None,
) -> None:
    """After publishing: write the feeds, send the digests due, record what happened.

    Fills `summary.stage_counts["alerts"]`; never raises (an error becomes a line of
    `summary.errors` naming no address).
    """
    names = concept_names(taxonomy)
    counts: dict[str, int] = {"feeds": 0, "sent": 0, "failed": 0}
    try:
        with wh.reader() as rd:
            candidates = rd.candidates()
            counts["feeds"] = write_feeds(settings, rd, candidates, names)
            planned, plan_counts = plan_digests(
                settings,
                rd,
                candidates,
                summary.run_id,
                names,
                datetime.now(UTC).replace(tzinfo=None),
            )
        counts.update(plan_counts)
        deliveries = (
            send_planned(settings, planned, summary.run_id, sleep) if (settings.alert_send) else []
        )
        counts["sent"] = sum(d.status == "sent" for d in deliveries)
        counts["failed"] = sum(d.status == "failed" for d in deliveries)
        summary.stage_counts["alerts"] = counts
        if deliveries:
            with wh.staging(f"{summary.run_id}-alerts") as st:
                st.record_deliveries(deliveries)
                st.record_run(summary.record())
                st.publish()
    except (WarehouseError, OSError) as exc:  # their messages name files, not people
        summary.stage_counts["alerts"] = counts
        summary.errors.append(f"alerts: {type(exc).__name__}: {exc}")
    except Exception as exc:  # its message might quote a profile: name the type only
        summary.stage_counts["alerts"] = counts
        summary.errors.append(f"alerts: {type(exc).__name__} while writing feeds or digests")
