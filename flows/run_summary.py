"""What one nightly run did: counts per stage and source, errors, status, demand changes.

`RunSummary` is built up by the nightly flow, turned into the warehouse's `RunRecord`
(the `runs` row) and into the Prefect markdown artifact, and returned by the flow as a
plain dict.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from matcher.report.safe import md_text
from warehouse import RunRecord
from warehouse.records import RunStatus as Status


@dataclass(slots=True)
class DemandChange:
    """How many open postings ask for one concept, before and after the run."""

    concept_id: str
    concept_name: str
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass(slots=True)
class RunSummary:
    """The facts of one run; `status` is decided by `finish`."""

    run_id: str
    started_at: datetime
    status: Status = "running"
    finished_at: datetime | None = None
    stage_counts: dict[str, Any] = field(default_factory=dict)
    source_counts: dict[str, Any] = field(default_factory=dict)
    source_errors: dict[str, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    demand_changes: list[DemandChange] = field(default_factory=list)
    warehouse_path: str = ""
    #: Sources that failed on each of the last N nights (tonight included): nights in a row.
    failing_sources: dict[str, int] = field(default_factory=dict)
    #: Sources that answered with too few of their open postings, kept open tonight
    #: (warehouse/lifecycle.py): {"open": n, "seen": m}.
    held_sources: dict[str, dict[str, int]] = field(default_factory=dict)

    def add_source_error(self, key: str, message: str) -> None:
        """Record an error of one source (a crawl failure, an unreadable line)."""
        self.source_errors.setdefault(key, []).append(message)

    def finish(self, *, sources_ok: int, sources_failed: int, status: Status | None = None) -> None:
        """Decide the status: failed when nothing was crawled, partial when a source failed
        or was held (it answered with too few postings).

        >>> s = RunSummary("r", datetime(2026, 1, 1, tzinfo=UTC))
        >>> s.finish(sources_ok=2, sources_failed=1); s.status
        'partial'
        >>> s.finish(sources_ok=0, sources_failed=3); s.status
        'failed'
        >>> s.finish(sources_ok=3, sources_failed=0); s.status
        'success'
        """
        self.finished_at = datetime.now(UTC)
        if status is not None:
            self.status = status
        elif sources_ok == 0 and sources_failed > 0:
            self.status = "failed"
        elif sources_failed or self.held_sources:
            self.status = "partial"
        else:
            self.status = "success"

    def record(self) -> RunRecord:
        """The warehouse `runs` row (flow-level errors are kept under the key '*')."""
        errors: dict[str, Any] = dict(self.source_errors)
        if self.errors:
            errors["*"] = list(self.errors)
        return RunRecord(
            run_id=self.run_id,
            started_at=self.started_at,
            finished_at=self.finished_at,
            status=self.status,
            stage_counts=self.stage_counts,
            source_counts=self.source_counts,
            source_errors=errors,
            failing_sources=self.failing_sources,
            held_sources=self.held_sources,
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (the flow's return value)."""
        data = asdict(self)
        data["started_at"] = self.started_at.isoformat()
        data["finished_at"] = self.finished_at.isoformat() if self.finished_at else None
        return data


def demand_changes(
    before: dict[str, tuple[str, int]], after: dict[str, tuple[str, int]], top: int = 8
) -> list[DemandChange]:
    """The `top` concepts whose demand moved most (largest absolute change first).

    >>> before = {"a": ("Jira", 3), "b": ("Agile", 5)}
    >>> after = {"a": ("Jira", 4), "c": ("OKRs", 2)}
    >>> [(c.concept_id, c.delta) for c in demand_changes(before, after)]
    [('b', -5), ('c', 2), ('a', 1)]
    """
    changes = []
    for cid in before.keys() | after.keys():
        name = (after.get(cid) or before[cid])[0]
        old = before.get(cid, ("", 0))[1]
        new = after.get(cid, ("", 0))[1]
        if old != new:
            changes.append(DemandChange(cid, name, old, new))
    changes.sort(key=lambda c: (-abs(c.delta), c.concept_id))
    return changes[:top]


def failing_sources(past: dict[str, int], tonight: dict[str, bool], nights: int) -> dict[str, int]:
    """Sources that failed tonight and on the nights before, `nights` in a row or more.

    `past` is each source's count of failed runs in a row before tonight (the warehouse's
    `failed_nights`); `tonight` says which sources crawled ok.

    >>> failing_sources({"a": 2, "b": 5, "c": 1}, {"a": False, "b": True, "c": False}, 3)
    {'a': 3}
    """
    streaks = {key: past.get(key, 0) + 1 for key, ok in tonight.items() if not ok}
    return {key: n for key, n in sorted(streaks.items()) if n >= nights}


#: Longest third-party message the artifact shows (the runs row keeps it whole).
MAX_MESSAGE_CHARS = 300


def _text(value: object) -> str:
    """Third-party or user text made inert for the markdown artifact, and cut short.

    >>> print(_text("<img src=x onerror=alert(1)> [a](javascript:b) | *c*"))
    &lt;img src=x onerror=alert\\(1\\)&gt; \\[a\\]\\(javascript:b\\) \\| \\*c\\*
    """
    text = str(value)
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[: MAX_MESSAGE_CHARS - 1] + "…"
    return md_text(text)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    """A markdown table; cells are rendered markdown (escape untrusted text with `_text`)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in rows]
    return lines


def _count(value: object) -> int:
    """A count from source counts (an older record may hold a list of messages)."""
    if isinstance(value, list):
        return len(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def markdown(summary: RunSummary) -> str:
    """The Prefect artifact: status, counts per stage and source, failures, demand changes.

    Every text that comes from a board, a file or an error is escaped (`_text`); the run
    id, status, stage names and concept ids are the tool's own.
    """
    lines = [
        f"# tpm-match nightly run `{summary.run_id}`: **{summary.status}**",
        "",
        f"Started {summary.started_at:%Y-%m-%d %H:%M:%S} UTC"
        + (f", finished {summary.finished_at:%H:%M:%S} UTC" if summary.finished_at else "")
        + (f"; warehouse {_text(summary.warehouse_path)}" if summary.warehouse_path else ""),
        "",
        "## Stages",
        "",
    ]
    stage_rows = []
    for stage, value in summary.stage_counts.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        stage_rows.append([_text(stage), _text(value)])
    lines += _table(["stage", "counts"], stage_rows)
    if summary.source_counts:
        lines += ["", "## Sources", ""]
        rows = []
        for key, counts in sorted(summary.source_counts.items()):
            errors = len(summary.source_errors.get(key, []))
            rows.append(
                [
                    _text(key),
                    "ok" if counts.get("ok") else "**failed**",
                    _count(counts.get("kept", 0)),
                    _count(counts.get("dropped_by_filter", 0)),
                    _count(counts.get("rejected", 0)),
                    errors,
                ]
            )
        lines += _table(["source", "crawl", "kept", "not TPM", "rejected", "errors"], rows)
    if summary.held_sources:
        lines += ["", "## Boards that answered with too few postings (kept open tonight)", ""]
        lines += _table(
            ["source", "open before", "seen tonight"],
            [
                [_text(key), _count(h.get("open")), _count(h.get("seen"))]
                for key, h in sorted(summary.held_sources.items())
            ],
        )
    if summary.failing_sources:
        lines += ["", "## Boards failing night after night", ""]
        lines += _table(
            ["source", "failed nights in a row"],
            [[_text(key), n] for key, n in summary.failing_sources.items()],
        )
    failures = {k: v for k, v in summary.source_errors.items() if v}
    if failures or summary.errors:
        lines += ["", "## Failures", ""]
        for key, messages in sorted(failures.items()):
            for message in messages[:5]:
                lines.append(f"- {_text(key)}: {_text(message)}")
            if len(messages) > 5:
                lines.append(f"- {_text(key)}: … and {len(messages) - 5} more")
        lines += [f"- {_text(message)}" for message in summary.errors]
    lines += ["", "## Biggest changes in skill demand (open postings asking)", ""]
    if summary.demand_changes:
        lines += _table(
            ["concept", "before", "after", "change"],
            [
                [
                    f"{_text(c.concept_name)} (`{c.concept_id}`)",
                    c.before,
                    c.after,
                    f"{c.delta:+d}",
                ]
                for c in summary.demand_changes
            ],
        )
    else:
        lines.append("No change since the previous run.")
    return "\n".join(lines) + "\n"
