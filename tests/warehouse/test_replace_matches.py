"""replace_matches: bad matches are set aside by name; DELETE + INSERT replaces pairs."""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np

from matcher.models import Match
from tests.warehouse.conftest import DAY1, make_posting
from warehouse import Warehouse
from warehouse.validate_results import MATCH_SCHEMA, matches_table


class Text(str):
    """A str subclass: accepted as text."""


def _mixed_matches() -> list[Any]:
    good = {"breakdown": {"skills": 0.5, "a": 1}, "matched": ["tool.jira"]}
    return [
        Match("ann", "p1", 80.0, **good, rank=1),
        Match("ann", "p2", 70, missing_required=["method.agile"], missing_preferred=[]),
        Match("ann", "p1", 85.5, **good),  # repeats p1: the later one loads
        Match("bob", "p1", np.float64(12.5)),  # a float subclass loads
        Match(Text("cat"), "p1", 1.0, matched=[Text("tool.jira")]),  # str subclasses load
        Match("bob", "p2", True),  # bool score
        Match("bob", "p3", 100.5),
        Match("bob", "p4", -1.0),
        Match("bob", "p5", float("nan")),  # NaN is not a score
        Match("bob", "p6", 50.0, rank=0),
        Match("bob", "p7", 50.0, rank=True),
        Match("bob", "p8", 50.0, rank=np.int64(2)),
        Match("bob", "p9", 50.0, matched=["ok", 3]),
        Match("bob", "p10", 50.0, missing_preferred=("a",)),  # type: ignore[arg-type]
        Match("bob", "p11", 50.0, breakdown={"x": {1, 2}}),  # type: ignore[dict-item]
        Match("bob", "p12", 50.0, breakdown={"x": object()}, matched=[1]),  # type: ignore
        Match("", "p13", 50.0),
        Match("bob", None, 50.0),  # type: ignore[arg-type]
        Match("bob", "p14", "50"),  # type: ignore[arg-type]
    ]


def test_bad_matches_are_rejected_with_the_field_named_and_the_rest_load() -> None:
    matches = _mixed_matches()
    table, rejected = matches_table(matches)
    assert table.schema == MATCH_SCHEMA
    assert [(r["candidate_id"], r["posting_id"], r["score"]) for r in table.to_pylist()] == [
        ("ann", "p1", 85.5), ("ann", "p2", 70.0), ("bob", "p1", 12.5), ("cat", "p1", 1.0),
    ]  # fmt: skip
    assert table.to_pylist()[0]["breakdown"] == '{"a": 1, "skills": 0.5}'
    reasons = {r.record_key: r.reason for r in rejected}
    assert reasons["ann|p1"] == "candidate/posting pair repeated; the later row was loaded"
    assert [r.record_key for r in rejected] == [
        "ann|p1", "bob|p2", "bob|p3", "bob|p4", "bob|p5", "bob|p6", "bob|p7", "bob|p8",
        "bob|p9", "bob|p10", "bob|p11", "bob|p12", "|p13", "bob|None", "bob|p14",
    ]  # fmt: skip
    assert "'score'" in reasons["bob|p3"] and "0 to 100" in reasons["bob|p3"]
    assert "'rank'" in reasons["bob|p6"] and "'matched[1]'" in reasons["bob|p9"]
    assert "'posting_id'" in reasons["bob|None"] and "'candidate_id'" in reasons["|p13"]


def _rows(wh: Warehouse, sql: str) -> list[tuple]:
    con = duckdb.connect(str(wh.path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_same_pairs_replaced_twice_in_one_load(wh: Warehouse) -> None:
    postings = [make_posting("lever:acme", i) for i in range(3)]
    with wh.staging("r1") as st:
        st.load_postings(postings, crawled_ok={}, seen_at=DAY1)
        st.replace_matches(
            [Match("ann", p.id, 10.0 * (i + 1)) for i, p in enumerate(postings)], "a"
        )
        st.replace_matches(
            [Match("ann", p.id, 90.0 - i, {"s": 1.0}) for i, p in enumerate(postings)], "b"
        )
        st.publish()
    sql = "SELECT posting_id, score, rank, run_id, breakdown FROM matches ORDER BY 1"
    assert _rows(wh, sql) == [
        (p.id, 90.0 - i, i + 1, "b", '{"s": 1.0}') for i, p in enumerate(postings)
    ]


def test_scoped_replacement_replaces_an_incoming_pair_of_another_candidate(wh: Warehouse) -> None:
    """As with INSERT OR REPLACE: a pair outside the scope that comes in again is replaced."""
    postings = [make_posting("lever:acme", i) for i in range(2)]
    with wh.staging("r1") as st:
        st.load_postings(postings, crawled_ok={}, seen_at=DAY1)
        st.replace_matches([Match(c, p.id, 50.0) for c in ("ann", "bob") for p in postings], "r1")
        stored = st.replace_matches(
            [Match("ann", postings[0].id, 60.0), Match("bob", postings[1].id, 70.0, rank=5)],
            "r2",
            candidate_ids=["ann"],
        )
        assert stored == 2
        st.publish()
    sql = "SELECT candidate_id, posting_id, score, rank, run_id FROM matches ORDER BY 1, 2"
    assert _rows(wh, sql) == [
        ("ann", postings[0].id, 60.0, 1, "r2"),
        ("bob", postings[0].id, 50.0, 1, "r1"),
        ("bob", postings[1].id, 70.0, 5, "r2"),
    ]
