"""The published file's storage format: explicit, readable by older DuckDB, migrated down."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from flows.commands.sql import duckdb_cli
from flows.settings import Settings
from tests.warehouse.conftest import DAY2, make_posting, publish_demo_style
from warehouse import Warehouse, WarehouseError
from warehouse.store import DEFAULT_STORAGE_VERSION, storage_format, version_tuple


def published_format(wh: Warehouse) -> str | None:
    with wh.reader() as rd:
        return storage_format(rd.con, "published")


def newest_format(tmp_path: Path) -> str:
    """The format this DuckDB writes a new file in when not told otherwise."""
    con = duckdb.connect(str(tmp_path / "probe.duckdb"))
    try:
        found = storage_format(con, "probe")
    finally:
        con.close()
    assert found, "DuckDB did not report the storage format of a new file"
    return found


def test_settings_default_is_the_warehouse_default():
    assert Settings().warehouse_storage_version == DEFAULT_STORAGE_VERSION


def test_published_file_is_in_the_configured_format(demo_wh, tmp_path):
    assert published_format(demo_wh) == "v1.0.0+"
    assert version_tuple(newest_format(tmp_path)) > version_tuple(DEFAULT_STORAGE_VERSION)


def test_a_newer_warehouse_is_rewritten_in_the_configured_format(tmp_path, taxonomy):
    newest = newest_format(tmp_path)
    old = publish_demo_style(Warehouse(tmp_path / "tpm.duckdb", newest.rstrip("+")), taxonomy)
    assert published_format(old) == newest
    with old.reader() as rd:
        before = {t: rd.con.table(t).fetchall() for t in rd.tables()}

    wh = Warehouse(old.path)  # the default format, as the next nightly load runs
    with wh.staging("next") as st:
        st.load_postings([make_posting("lever:new", 1)], crawled_ok={}, seen_at=DAY2)
        st.publish()
    assert published_format(wh) == "v1.0.0+"
    assert not wh.staging_path.exists() and not wh.rewrite_path.exists()
    with wh.reader() as rd:
        after = {t: rd.con.table(t).fetchall() for t in rd.tables()}
        assert {p.id for p, _ in rd.open_postings()} == {
            "lever:acme:1",
            "lever:acme:2",
            "lever:new:1",
        }
    after["postings"] = [r for r in after["postings"] if r[0] != "lever:new:1"]
    assert after == before  # every row of every table came across


def test_an_older_format_is_raised_to_the_configured_one(tmp_path, taxonomy):
    old = publish_demo_style(Warehouse(tmp_path / "tpm.duckdb", "v1.0.0"), taxonomy)
    wh = Warehouse(old.path, "v1.2.0")
    with wh.staging("next") as st:
        st.publish()
    assert published_format(wh) == "v1.2.0+"


def test_a_malformed_storage_version_is_a_clear_error(tmp_path):
    with (
        pytest.raises(WarehouseError, match=r"'1\.4': expected vMAJOR\.MINOR\.PATCH"),
        Warehouse(tmp_path / "tpm.duckdb", "1.4").staging("x"),
    ):
        pass
    with pytest.raises(ValueError, match="warehouse_storage_version"):
        Settings(warehouse_storage_version="latest")


@pytest.mark.slow
def test_the_duckdb_cli_opens_the_published_file_read_only(demo_wh):
    cli = duckdb_cli()
    if cli is None:
        pytest.fail("no DuckDB command-line program: run `make install`")
    query = "SELECT count(*) FROM v_open_postings"
    ok = subprocess.run(
        [str(cli), "-readonly", str(demo_wh.path), "-csv", "-noheader", "-c", query],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (ok.returncode, ok.stdout.strip()) == (0, "2"), ok.stderr
    write = subprocess.run(
        [str(cli), "-readonly", str(demo_wh.path), "-c", "DELETE FROM postings"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert write.returncode != 0 and "read-only" in write.stderr


@pytest.mark.slow
def test_a_load_does_not_need_a_lock_on_the_published_file(demo_wh):
    """Another process holding the published file read-write (a stray session) stops no load."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_READ_WRITE, str(demo_wh.path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with demo_wh.staging("next") as st:
            st.load_postings([make_posting("lever:new", 1)], crawled_ok={}, seen_at=DAY2)
            st.publish()
    finally:
        holder.communicate("\n", timeout=30)
    with demo_wh.reader() as rd:
        assert len(rd.open_postings()) == 3


HOLD_READ_WRITE = """
import sys
import duckdb

con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.readline()
"""
