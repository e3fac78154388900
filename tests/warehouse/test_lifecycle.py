"""When postings close: held boards, a second short night, dead boards, removed sources."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.warehouse.conftest import DAY1, make_posting
from warehouse import LoadCounts, RunRecord, Warehouse
from warehouse.lifecycle import LifecycleRules

ACME = [make_posting("lever:acme", i) for i in range(6)]
GLOBEX = [make_posting("greenhouse:globex", i) for i in range(3)]
ALL_KEYS = frozenset({"lever:acme", "greenhouse:globex"})
CONFIGURED = LifecycleRules(source_keys=ALL_KEYS)


def night(
    wh: Warehouse,
    n: int,
    postings: list,
    ok: dict[str, bool],
    rules: LifecycleRules = CONFIGURED,
) -> LoadCounts:
    """Load night `n` (DAY1 + n days) and record its run as the nightly flow does."""
    started = DAY1 + timedelta(days=n)
    with wh.staging(f"run-{n}") as st:
        counts = st.load_postings(postings, crawled_ok=ok, seen_at=started, rules=rules)
        st.record_run(
            RunRecord(
                run_id=f"run-{n}",
                started_at=started,
                finished_at=started + timedelta(hours=1),
                status="partial" if counts.held_sources else "success",
                source_counts={key: {"ok": good} for key, good in ok.items()},
                held_sources=counts.held_sources,
            )
        )
        st.publish()
    return counts


def open_ids(wh: Warehouse) -> list[str]:
    with wh.reader() as rd:
        rows = rd.con.execute("SELECT id FROM postings WHERE closed_at IS NULL ORDER BY id")
        return [r[0] for r in rows.fetchall()]


def closed_at(wh: Warehouse, pid: str) -> datetime | None:
    with wh.reader() as rd:
        row = rd.con.execute("SELECT closed_at FROM postings WHERE id = $id", {"id": pid})
        return row.fetchone()[0]  # type: ignore[index]


BOTH_OK = {"lever:acme": True, "greenhouse:globex": True}


def test_an_empty_answer_holds_the_board_and_a_second_one_closes_it(wh: Warehouse) -> None:
    night(wh, 0, ACME + GLOBEX, BOTH_OK)
    first = night(wh, 1, GLOBEX, BOTH_OK)  # acme answers 200 with nothing
    assert first.closed == 0 and first.held == 6
    assert first.held_sources == {"lever:acme": {"open": 6, "seen": 0}}
    assert len(open_ids(wh)) == 9  # nothing lost
    with wh.reader() as rd:
        run = rd.latest_run()
    assert run is not None and run.held_sources == {"lever:acme": {"open": 6, "seen": 0}}

    second = night(wh, 2, GLOBEX, BOTH_OK)  # empty again: the second night closes them
    assert second.closed == 6 and second.held_sources == {}
    assert open_ids(wh) == sorted(p.id for p in GLOBEX)
    assert closed_at(wh, ACME[0].id) == DAY1 + timedelta(days=2)


def test_a_failed_night_between_two_short_ones_does_not_reset_the_count(wh: Warehouse) -> None:
    night(wh, 0, ACME, {"lever:acme": True})
    assert night(wh, 1, [], {"lever:acme": True}).held_sources  # held
    night(wh, 2, [], {"lever:acme": False})  # 404: closes nothing, decides nothing
    assert len(open_ids(wh)) == 6
    assert night(wh, 3, [], {"lever:acme": True}).closed == 6


def test_a_failed_run_decides_nothing(wh: Warehouse) -> None:
    night(wh, 0, ACME, {"lever:acme": True})
    assert night(wh, 1, [], {"lever:acme": True}).held_sources  # held
    crashed = DAY1 + timedelta(days=2)  # crawled fine, then failed before publishing
    wh.record_run(RunRecord("crash", crashed, "failed", source_counts={"lever:acme": {"ok": True}}))
    assert night(wh, 3, [], {"lever:acme": True}).closed == 6  # still the second short night


def test_a_recovered_board_is_held_again_only_after_a_good_night(wh: Warehouse) -> None:
    night(wh, 0, ACME, {"lever:acme": True})
    assert night(wh, 1, ACME[:1], {"lever:acme": True}).held_sources  # 1 of 6 < half
    assert night(wh, 2, ACME[:3], {"lever:acme": True}).closed == 3  # 3 of 6: not short
    assert night(wh, 3, [], {"lever:acme": True}).held == 3  # short again: a first night


def test_fewer_than_the_share_holds_and_the_share_itself_closes(wh: Warehouse) -> None:
    rules = LifecycleRules(min_seen_share=0.8)
    night(wh, 0, ACME, {"lever:acme": True}, rules)
    held = night(wh, 1, ACME[:4], {"lever:acme": True}, rules)  # 4 of 6 < 0.8
    assert held.held_sources == {"lever:acme": {"open": 6, "seen": 4}} and held.closed == 0
    assert night(wh, 2, ACME[:5], {"lever:acme": True}, rules).closed == 1  # 5 of 6 >= 0.8


def test_a_source_removed_from_sources_yaml_closes_at_once(wh: Warehouse) -> None:
    night(wh, 0, ACME + GLOBEX, BOTH_OK)
    only_acme = LifecycleRules(source_keys=frozenset({"lever:acme"}))
    counts = night(wh, 1, ACME, {"lever:acme": True}, only_acme)
    assert counts.closed_removed == 3 and counts.closed == 0
    assert open_ids(wh) == sorted(p.id for p in ACME)  # the configured board keeps all


def test_without_source_keys_no_posting_closes_for_removal(wh: Warehouse) -> None:
    night(wh, 0, ACME + GLOBEX, BOTH_OK)
    counts = night(wh, 1, ACME, {"lever:acme": True}, LifecycleRules())
    assert counts.closed_removed == 0 and len(open_ids(wh)) == 9


def test_a_board_failing_night_after_night_closes_after_close_after_nights(
    wh: Warehouse,
) -> None:
    rules = LifecycleRules(close_after_nights=3, source_keys=ALL_KEYS)
    night(wh, 0, ACME + GLOBEX, BOTH_OK, rules)
    failing = {"lever:acme": True, "greenhouse:globex": False}
    assert night(wh, 1, ACME, failing, rules).closed_unseen == 0  # 1 night unseen
    assert night(wh, 2, ACME, failing, rules).closed_unseen == 0  # 2 nights
    counts = night(wh, 3, ACME, failing, rules)  # 3 nights: closed
    assert counts.closed_unseen == 3 and counts.closed == 0
    assert open_ids(wh) == sorted(p.id for p in ACME)
    assert closed_at(wh, GLOBEX[0].id) == DAY1 + timedelta(days=3)


def test_a_held_board_is_not_closed_by_the_unseen_rule(wh: Warehouse) -> None:
    rules = LifecycleRules(close_after_nights=1, source_keys=ALL_KEYS)
    night(wh, 0, ACME, {"lever:acme": True}, rules)
    counts = night(wh, 1, [], {"lever:acme": True}, rules)
    assert counts.held == 6 and counts.closed_unseen == 0 and len(open_ids(wh)) == 6
