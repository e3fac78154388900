"""Which digests a night sends: due by schedule, only with news, never twice for one run."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flows.alerts import Planned, concept_names, plan_digests, write_feeds
from flows.settings import Settings
from matcher.taxonomy import Taxonomy
from tests.warehouse.conftest import DAY1, DAY2, DAY3
from tests.warehouse.test_match_events import _m, _night
from warehouse import DigestDelivery, Warehouse

HOOKS = ["json://127.0.0.1:9/a", "json://127.0.0.1:9/b"]


def _settings(tmp_path: Path) -> Settings:
    return Settings(work_dir=tmp_path / "out", warehouse_path=tmp_path / "wh" / "tpm.duckdb")


def _plan(
    wh: Warehouse, settings: Settings, taxonomy: Taxonomy, run_id: str, now: datetime
) -> tuple[list[Planned], dict[str, int]]:
    with wh.reader() as rd:
        return plan_digests(settings, rd, rd.candidates(), run_id, concept_names(taxonomy), now)


def test_a_target_already_sent_for_the_run_is_not_sent_again(
    tmp_path: Path, taxonomy: Taxonomy
) -> None:
    settings = _settings(tmp_path)
    wh = Warehouse(settings.warehouse_path)
    profile = {"name": "Ann", "alerts": {"notify": HOOKS}}
    _night(wh, taxonomy, "r1", DAY1, [1], [_m(1, 80)], profile=profile)
    planned, counts = _plan(wh, settings, taxonomy, "r1", DAY1)
    assert [[label for label, _ in p.targets] for p in planned] == [["json#1", "json#2"]]
    with wh.staging("sent") as st:  # json#1 went out, json#2 failed: a rerun retries json#2
        st.record_deliveries(
            [
                DigestDelivery("r1", "ann", "json#1", "sent", 1, 1, DAY1),
                DigestDelivery("r1", "ann", "json#2", "failed", 4, 1, DAY1, "refused"),
            ]
        )
        st.publish()
    planned, counts = _plan(wh, settings, taxonomy, "r1", DAY1)
    assert [[label for label, _ in p.targets] for p in planned] == [["json#2"]]
    assert counts == {"with_alerts": 1, "due": 1, "with_news": 1, "already_sent": 1}


def test_weekly_waits_seven_days_and_then_covers_every_run_since(
    tmp_path: Path, taxonomy: Taxonomy
) -> None:
    settings = _settings(tmp_path)
    wh = Warehouse(settings.warehouse_path)
    profile = {"name": "Ann", "alerts": {"notify": HOOKS[:1], "digest": "weekly"}}
    _night(wh, taxonomy, "r1", DAY1, [1], [_m(1, 80)], profile=profile)
    with wh.staging("sent") as st:
        st.record_deliveries([DigestDelivery("r1", "ann", "json#1", "sent", 1, 1, DAY1)])
        st.publish()
    _night(wh, taxonomy, "r2", DAY2, [1, 2], [_m(1, 80), _m(2, 90)], profile=profile)
    _night(wh, taxonomy, "r3", DAY3, [1, 2, 3], [_m(1, 80), _m(2, 90), _m(3, 75)], profile=profile)
    planned, counts = _plan(wh, settings, taxonomy, "r3", DAY3)
    assert planned == [] and counts["due"] == 0  # two days after the last digest
    planned, _ = _plan(wh, settings, taxonomy, "r3", datetime(2026, 12, 1))
    (plan,) = planned
    assert plan.digest.run_ids == ["r3", "r2"]
    assert [e.posting_id for e in plan.digest.entries] == ["lever:acme:2", "lever:acme:3"]


def test_off_or_no_news_sends_nothing_and_feeds_are_written(
    tmp_path: Path, taxonomy: Taxonomy
) -> None:
    settings = _settings(tmp_path)
    wh = Warehouse(settings.warehouse_path)
    off = {"name": "Ann", "alerts": {"notify": HOOKS, "digest": "off"}}
    _night(wh, taxonomy, "r1", DAY1, [1], [_m(1, 80)], profile=off)
    assert _plan(wh, settings, taxonomy, "r1", DAY1)[0] == []
    quiet = {"name": "Ann", "alerts": {"notify": HOOKS}}
    _night(wh, taxonomy, "r2", DAY2, [1], [_m(1, 80)], profile=quiet)
    planned, counts = _plan(wh, settings, taxonomy, "r2", DAY2)
    assert planned == [] and counts["with_news"] == 0
    with wh.reader() as rd:
        assert write_feeds(settings, rd, rd.candidates(), concept_names(taxonomy)) == 1
    feed = (settings.feeds_dir / "ann.xml").read_text(encoding="utf-8")
    assert feed.count("<entry>") == 1 and "Ann" not in feed.replace("ann", "")
