"""The run summary: status rules, the runs row and the markdown artifact."""

from __future__ import annotations

from datetime import UTC, datetime

from flows.run_summary import DemandChange, RunSummary, markdown


def _summary() -> RunSummary:
    summary = RunSummary("20260101T020000Z-abc123", datetime(2026, 1, 1, 2, tzinfo=UTC))
    summary.stage_counts = {"crawl": {"sources": 2, "ok": 1, "failed": 1, "postings": 5}}
    summary.source_counts = {
        "lever:acme": {"ok": True, "kept": 5, "dropped_by_filter": 1, "rejected": []},
        "greenhouse:gone": {"ok": False, "kept": 0},
    }
    summary.add_source_error("greenhouse:gone", "HTTP 404 for /v1/boards/gone/jobs")
    summary.demand_changes = [DemandChange("tool.jira", "Jira", 3, 7)]
    summary.finish(sources_ok=1, sources_failed=1)
    return summary


def test_partial_run_record_keeps_errors_per_source() -> None:
    record = _summary().record()
    assert record.status == "partial"
    assert record.source_errors == {"greenhouse:gone": ["HTTP 404 for /v1/boards/gone/jobs"]}
    assert record.finished_at is not None and record.finished_at >= record.started_at


def test_markdown_lists_counts_failures_and_demand_changes() -> None:
    text = markdown(_summary())
    assert "**partial**" in text
    assert "| crawl | sources 2, ok 1, failed 1, postings 5 |" in text
    assert "| greenhouse:gone | **failed** |" in text
    assert "HTTP 404 for /v1/boards/gone/jobs" in text
    assert "| Jira (`tool.jira`) | 3 | 7 | +4 |" in text


def test_flow_level_errors_are_recorded_under_star() -> None:
    summary = _summary()
    summary.errors.append("RuntimeError: boom")
    assert summary.record().source_errors["*"] == ["RuntimeError: boom"]
    assert summary.as_dict()["started_at"] == "2026-01-01T02:00:00+00:00"


def test_a_held_board_makes_the_run_partial_and_is_listed() -> None:
    summary = RunSummary("r", datetime(2026, 1, 1, 2, tzinfo=UTC))
    summary.source_counts = {"lever:acme": {"ok": True, "kept": 0, "rejected": 0}}
    summary.held_sources = {"lever:acme": {"open": 40, "seen": 0}}
    summary.finish(sources_ok=1, sources_failed=0)
    assert summary.status == "partial"
    assert summary.record().held_sources == {"lever:acme": {"open": 40, "seen": 0}}
    text = markdown(summary)
    assert "kept open tonight" in text and "| lever:acme | 40 | 0 |" in text


def test_hostile_text_in_the_artifact_is_escaped_and_rejected_is_a_count() -> None:
    summary = RunSummary("r", datetime(2026, 1, 1, 2, tzinfo=UTC))
    hostile = "lever:<script>alert(1)</script>|`x`"
    summary.source_counts = {hostile: {"ok": True, "kept": 1, "rejected": 3}}
    summary.add_source_error(hostile, "[click](javascript:alert(1)) <img src=x onerror=y> **z**")
    summary.add_source_error(hostile, "x" * 10_000)
    summary.errors.append("RuntimeError: # heading\n- item <b>bold</b>")
    summary.demand_changes = [DemandChange("tool.jira", "Jira <i>x</i> [y](z)", 1, 2)]
    summary.finish(sources_ok=1, sources_failed=0)
    text = markdown(summary)
    assert "<" not in text and ">" not in text  # no HTML at all survives
    assert "](" not in text and "[click]" not in text  # no link
    assert "**z**" not in text and "\n# heading" not in text and "\n- item" not in text
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;\\|\\`x\\`" in text
    rows = [line for line in text.splitlines() if line.startswith("| lever:")]
    assert rows and rows[0].count(" | ") == 5  # the pipe did not add a column
    assert rows[0].endswith("| 1 | 0 | 3 | 2 |")  # kept, not TPM, rejected count, errors
    assert max(len(line) for line in text.splitlines()) < 400  # long messages are cut
