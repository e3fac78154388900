"""match_events: new / improved / closed from tonight's matches vs the stored ones."""

from __future__ import annotations

from datetime import datetime

from matcher.models import Match
from matcher.taxonomy import Taxonomy
from tests.warehouse.conftest import DAY1, DAY2, DAY3, make_posting
from warehouse import DigestDelivery, RunRecord, Warehouse

BOARD = {"lever:acme": True}


def _m(pid: int, score: float, cid: str = "ann") -> Match:
    return Match(cid, f"lever:acme:{pid}", score, {"skills": 1.0}, ["tool.jira"], ["method.agile"])


def _night(
    wh: Warehouse,
    taxonomy: Taxonomy,
    run_id: str,
    day: datetime,
    open_ids: list[int],
    matches: list[Match],
    *,
    profile: dict | None = None,
) -> dict[str, int]:
    with wh.staging(run_id) as st:
        st.load_concepts(taxonomy)
        st.upsert_candidate("ann", "Ann", profile or {"name": "Ann"}, [("tool.jira", 5.0)])
        st.load_postings(
            [make_posting("lever:acme", n) for n in open_ids], crawled_ok=BOARD, seen_at=day
        )
        st.record_run(RunRecord(run_id, day, "success", day))
        counts = st.record_match_events(matches, min_score=70.0, improved_points=5.0)
        st.replace_matches(matches, run_id)
        st.publish()
    return counts


def test_new_improved_and_closed_are_recorded_per_run(wh: Warehouse, taxonomy: Taxonomy) -> None:
    first = _night(
        wh, taxonomy, "r1", DAY1, [1, 2, 3, 4], [_m(1, 80), _m(2, 60), _m(3, 75), _m(4, 90)]
    )
    assert first == {"new": 3, "improved": 0, "closed": 0}  # 2 is below 70
    # 1 up 3 points (not enough), 2 crosses 70 (new), 3 up 10 (improved), 4 closed
    second = _night(wh, taxonomy, "r2", DAY2, [1, 2, 3], [_m(1, 83), _m(2, 71), _m(3, 85)])
    assert second == {"new": 1, "improved": 1, "closed": 1}
    with wh.reader() as rd:
        events = {(e.kind, e.posting_id): e for e in rd.match_events("ann", "r2")}
        assert set(events) == {
            ("new", "lever:acme:2"), ("improved", "lever:acme:3"), ("closed", "lever:acme:4"),
        }  # fmt: skip
        improved = events[("improved", "lever:acme:3")]
        assert (improved.score, improved.previous_score, improved.min_score) == (85, 75, 70)
        assert improved.matched == ("tool.jira",) and improved.title.startswith("Technical")
        both = rd.match_events("ann", "r2", since_run_id="r1")
        assert len(both) == 3  # since r1 (exclusive): only r2's
        columns, rows = rd.query("match_events", {"candidate_id": "ann"})
        assert "kind" in columns and len(rows) == 6


def test_a_rerun_of_the_same_run_replaces_its_events(wh: Warehouse, taxonomy: Taxonomy) -> None:
    _night(wh, taxonomy, "r1", DAY1, [1], [_m(1, 60)])
    with wh.staging("r2") as st:
        st.record_match_events([_m(1, 80)], min_score=70.0, improved_points=5.0)
        again = st.record_match_events([_m(1, 80)], min_score=70.0, improved_points=5.0)
        assert again == {"new": 1, "improved": 0, "closed": 0}


def test_the_profile_min_score_wins_over_the_default(wh: Warehouse, taxonomy: Taxonomy) -> None:
    profile = {"name": "Ann", "alerts": {"min_score": 85}}
    counts = _night(wh, taxonomy, "r1", DAY1, [1, 2], [_m(1, 80), _m(2, 90)], profile=profile)
    assert counts == {"new": 1, "improved": 0, "closed": 0}


def test_deliveries_are_recorded_once_per_run_candidate_target(
    wh: Warehouse, taxonomy: Taxonomy
) -> None:
    _night(wh, taxonomy, "r1", DAY1, [1], [_m(1, 80)])
    failed = DigestDelivery("r1", "ann", "mailto#1", "failed", 3, 1, DAY2, "refused")
    sent = DigestDelivery("r1", "ann", "mailto#1", "sent", 1, 1, DAY3)
    for delivery in (failed, sent):
        with wh.staging("deliveries") as st:
            st.record_deliveries([delivery])
            st.publish()
    with wh.reader() as rd:
        assert rd.digest_deliveries("ann") == [sent]
