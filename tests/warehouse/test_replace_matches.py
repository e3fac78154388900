"""replace_matches: the fast validation and DELETE + INSERT give what the slow path gave."""

from __future__ import annotations

import json
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from matcher.models import Match
from tests.warehouse.conftest import DAY1, make_posting
from warehouse import Warehouse
from warehouse.validate import Rejected, RowError, check_number, to_json
from warehouse.validate_results import MATCH_SCHEMA, matches_table


def _reference_matches_table(matches: list[Any]) -> tuple[pa.Table, list[Rejected]]:
    """matches_table as it was before its fast path (kept as the oracle)."""

    def str_list(value: Any, name: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RowError(f"field {name!r}: expected a list of texts")
        return value

    rows: dict[tuple[str, str], dict[str, Any]] = {}
    rejected: list[Rejected] = []
    for m in matches:
        cid, pid = getattr(m, "candidate_id", None), getattr(m, "posting_id", None)
        key = f"{cid}|{pid}"
        try:
            if not isinstance(cid, str) or not cid or not isinstance(pid, str) or not pid:
                raise RowError("fields 'candidate_id' and 'posting_id': expected non-empty text")
            score = check_number(m.score, "score")
            if score is None or score > 100:
                raise RowError(f"field 'score': expected 0-100, got {m.score!r}")
            rank = m.rank
            if rank is not None and (isinstance(rank, bool) or not isinstance(rank, int)):
                raise RowError("field 'rank': expected an integer")
            if rank is not None and rank < 1:
                raise RowError(f"field 'rank': expected 1 or more, got {rank}")
            row = {
                "candidate_id": cid,
                "posting_id": pid,
                "score": score,
                "breakdown": json.dumps(m.breakdown, sort_keys=True),
                "matched": str_list(m.matched, "matched"),
                "missing_required": str_list(m.missing_required, "missing_required"),
                "missing_preferred": str_list(m.missing_preferred, "missing_preferred"),
                "rank": rank,
            }
        except (RowError, TypeError) as exc:
            rejected.append(Rejected("matches", key, str(exc), to_json(m)))
            continue
        if (cid, pid) in rows:
            reason = "candidate/posting pair repeated; the later row was loaded"
            rejected.append(Rejected("matches", key, reason, to_json(rows[(cid, pid)])))
        rows[(cid, pid)] = row
    return pa.Table.from_pylist(list(rows.values()), schema=MATCH_SCHEMA), rejected


class Text(str):
    """A str subclass: accepted by the precise path."""


def _mixed_matches() -> list[Any]:
    good = {"breakdown": {"skills": 0.5, "a": 1}, "matched": ["tool.jira"]}
    return [
        Match("ann", "p1", 80.0, **good, rank=1),
        Match("ann", "p2", 70, missing_required=["method.agile"], missing_preferred=[]),
        Match("ann", "p1", 85.5, **good),  # repeats p1: the later one loads
        Match("bob", "p1", np.float64(12.5)),  # a float subclass: precise path, loads
        Match(Text("cat"), "p1", 1.0, matched=[Text("tool.jira")]),  # str subclasses load
        Match("bob", "p2", True),  # bool score
        Match("bob", "p3", 100.5),
        Match("bob", "p4", -1.0),
        Match("bob", "p5", float("nan")),  # NaN passes the range checks (as before)
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


def test_fast_validation_equals_the_precise_one() -> None:
    matches = _mixed_matches()
    table, rejected = matches_table(matches)
    expected_table, expected_rejected = _reference_matches_table(matches)
    assert table.schema == expected_table.schema
    got, expected = table.to_pylist(), expected_table.to_pylist()
    # NaN != NaN: compare the NaN row's score separately
    nan_rows = [i for i, r in enumerate(expected) if r["score"] != r["score"]]
    assert len(nan_rows) == 1 and got[nan_rows[0]]["score"] != got[nan_rows[0]]["score"]
    for rows in (got, expected):
        rows[nan_rows[0]]["score"] = None
    assert got == expected
    assert rejected == expected_rejected
    assert [r.record_key for r in rejected] == [
        "ann|p1", "bob|p2", "bob|p3", "bob|p4", "bob|p6", "bob|p7", "bob|p8", "bob|p9",
        "bob|p10", "bob|p11", "bob|p12", "|p13", "bob|None", "bob|p14",
    ]  # fmt: skip


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
