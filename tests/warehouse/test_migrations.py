"""Schema versions: an old file is migrated on the next load, keeping its data."""

from __future__ import annotations

from typing import get_args

import duckdb
import pytest

from tests.warehouse.conftest import DAY2, make_posting
from warehouse import Warehouse, WarehouseError
from warehouse.migrate import apply_migrations, schema_version
from warehouse.records import RunStatus
from warehouse.sqlfiles import latest_version, migrations


def _old_file(wh: Warehouse, upto: int) -> None:
    wh.path.parent.mkdir(parents=True)
    con = duckdb.connect(str(wh.path))
    try:
        assert apply_migrations(con, upto=upto) == list(range(1, upto + 1))
        con.execute(
            "INSERT INTO postings (id, source, source_key, company, title, url, description_text,"
            " first_seen, last_seen, content_hash) VALUES ('lever:acme:old', 'lever',"
            " 'lever:acme', 'Acme', 'TPM', 'https://x.test', 'd', TIMESTAMP '2026-01-01',"
            " TIMESTAMP '2026-01-01', 'h')"
        )
    finally:
        con.close()


def test_migrations_are_numbered_without_gaps():
    assert [m.version for m in migrations()] == list(range(1, latest_version() + 1))


def test_old_version_file_is_migrated_on_open_and_keeps_its_data(wh):
    _old_file(wh, upto=2)
    with pytest.raises(WarehouseError, match="schema version 2"), wh.reader():
        pass
    with wh.staging("migrate") as st:
        assert schema_version(st.con) == latest_version()
        counts = st.load_postings(
            [make_posting("lever:acme", 1)], crawled_ok={"lever:acme": True}, seen_at=DAY2
        )
        assert (counts.new, counts.closed) == (1, 1)
        st.publish()
    with wh.reader() as rd:
        assert schema_version(rd.con) == latest_version()
        assert "matches" in rd.tables() and "rejected_rows" in rd.tables()
        versions = rd.con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()
        assert [v for (v,) in versions] == list(range(1, latest_version() + 1))
        assert rd.con.execute("SELECT count(*) FROM postings").fetchone() == (2,)


def test_a_newer_file_than_the_code_is_refused(wh):
    _old_file(wh, upto=latest_version())
    con = duckdb.connect(str(wh.path))
    con.execute("INSERT INTO schema_version VALUES (999, 'future', TIMESTAMP '2030-01-01')")
    con.close()
    with pytest.raises(WarehouseError, match="upgrade tpm-match"), wh.staging("x"):
        pass
    assert not wh.staging_path.exists()


def test_the_runs_table_accepts_exactly_the_python_run_statuses(tmp_path) -> None:
    """The SQL CHECK (a migration, never edited) and `RunStatus` name the same statuses."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        apply_migrations(con)
        insert = (
            "INSERT INTO runs (run_id, started_at, status, stage_counts, source_counts,"
            " source_errors) VALUES (?, TIMESTAMP '2026-01-01', ?, '{}', '{}', '{}')"
        )
        for status in get_args(RunStatus):
            con.execute(insert, [f"r-{status}", status])
        with pytest.raises(duckdb.ConstraintException):
            con.execute(insert, ["r-other", "cancelled"])
    finally:
        con.close()
