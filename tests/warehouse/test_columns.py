"""warehouse/columns.py: Arrow columns to Python values, equal to what fetchall() gives."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pyarrow as pa

from warehouse.columns import arrow_table, key_runs, plain_values, runs, shared_values


def test_values_equal_fetchall_for_every_column_type() -> None:
    con = duckdb.connect()
    sql = """
        SELECT * FROM (VALUES
            ('a', 1, true, 1.5, TIMESTAMP '2026-11-20 09:00:00', NULL::VARCHAR),
            ('b', 2, NULL, NULL, NULL, 'x'),
            ('a', 3, false, 1.5, TIMESTAMP '2026-11-20 09:00:00.25', 'x')
        ) AS t(s, i, b, f, ts, n)
    """
    rows = con.execute(sql).fetchall()
    table = arrow_table(con, sql)
    for index, name in enumerate(table.column_names):
        expected = [row[index] for row in rows]
        for values in (shared_values(table.column(name)), plain_values(table.column(name))):
            assert values == expected
            assert [type(v) for v in values] == [type(v) for v in expected]


def test_shared_values_share_equal_objects_and_convert_each_distinct_value_once() -> None:
    seen: list[datetime] = []

    def iso(value: datetime) -> str:
        seen.append(value)
        return value.isoformat()

    stamps = [datetime(2026, 1, 1), None, datetime(2026, 1, 1), datetime(2026, 1, 2)]
    out = shared_values(pa.chunked_array([stamps[:2], stamps[2:]]), convert=iso)
    assert out == ["2026-01-01T00:00:00", None, "2026-01-01T00:00:00", "2026-01-02T00:00:00"]
    assert out[0] is out[2]
    assert len(seen) == 2


def test_empty_columns() -> None:
    assert shared_values(pa.array([], type=pa.string())) == []
    assert plain_values(pa.chunked_array([], type=pa.int32())) == []
    assert runs([]) == []
    assert key_runs(pa.array([], type=pa.string())) == []


def test_runs_split_where_the_key_changes() -> None:
    assert runs([1]) == [(0, 1)]
    assert runs(["a", "a", "b", "a"]) == [(0, 2), (2, 3), (3, 4)]
    assert key_runs(pa.chunked_array([["x", "x"], ["x", "y"]])) == [("x", 0, 3), ("y", 3, 4)]


def test_arrow_table_after_a_half_read_result() -> None:
    con = duckdb.connect()
    con.execute("SELECT * FROM range(5)").fetchone()
    assert arrow_table(con, "SELECT 42 AS answer").to_pylist() == [{"answer": 42}]
