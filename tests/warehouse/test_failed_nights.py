"""Each source's failed nights in a row, read from past runs' source counts."""

from __future__ import annotations

from datetime import timedelta

from tests.warehouse.conftest import DAY1
from warehouse import RunRecord, Warehouse


def test_failed_nights_count_the_latest_failures_in_a_row(wh: Warehouse) -> None:
    nights = [
        {"lever:dead": False, "greenhouse:flaky": False, "ashby:fine": True},
        {"lever:dead": False, "greenhouse:flaky": True, "ashby:fine": True},
        {"lever:dead": False, "greenhouse:flaky": False},  # ashby:fine not crawled
        {"lever:dead": False, "greenhouse:flaky": False, "ashby:fine": True},
    ]
    for n, outcome in enumerate(nights):
        run = RunRecord(
            run_id=f"run-{n}",
            started_at=DAY1 + timedelta(days=n),
            finished_at=DAY1 + timedelta(days=n, hours=1),
            status="partial",
            source_counts={key: {"ok": ok, "kept": 0} for key, ok in outcome.items()},
            failing_sources={"lever:dead": n + 1} if n >= 2 else {},
        )
        wh.record_run(run)
    with wh.reader() as rd:
        assert rd.failed_nights() == {"ashby:fine": 0, "greenhouse:flaky": 2, "lever:dead": 4}
        latest = rd.latest_run()
    assert latest is not None and latest.failing_sources == {"lever:dead": 4}
