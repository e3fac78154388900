"""`tpm-match sql [SQL]`: the DuckDB CLI, read-only, on the published warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands.sql import duckdb_cli
from tests.warehouse.conftest import publish_demo_style
from warehouse import Warehouse

runner = CliRunner()
TPM_MATCH = Path(sys.executable).parent / "tpm-match"


@pytest.fixture
def published(tmp_path: Path, taxonomy) -> Path:
    return publish_demo_style(Warehouse(tmp_path / "wh" / "tpm.duckdb"), taxonomy).path


def _sql(*args: str, stdin: str = "", warehouse: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TPM_MATCH_")}
    if warehouse is not None:
        env["TPM_MATCH_WAREHOUSE_PATH"] = str(warehouse)
    return subprocess.run(
        [str(TPM_MATCH), "sql", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_the_cli_is_found_beside_the_interpreter():
    assert duckdb_cli() == Path(sys.executable).parent / "duckdb", "run `make install`"


def test_a_missing_warehouse_says_how_to_make_one(tmp_path):
    result = runner.invoke(app, ["sql", "--warehouse", str(tmp_path / "none.duckdb"), "select 1"])
    assert result.exit_code == 2
    assert "no warehouse at" in result.output and "tpm-match nightly" in result.output


def test_a_missing_cli_says_make_install(published, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "nowhere" / "python"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = runner.invoke(app, ["sql", "--warehouse", str(published), "select 1"])
    assert result.exit_code == 2
    assert "make install" in result.output


@pytest.mark.slow
def test_one_statement_on_the_settings_warehouse(published):
    ok = _sql("SELECT count(*) AS n FROM v_open_postings", warehouse=published)
    assert ok.returncode == 0, ok.stderr
    assert "n" in ok.stdout and "2" in ok.stdout


@pytest.mark.slow
def test_the_exit_status_is_passed_through_and_writes_are_refused(published):
    bad = _sql("SELECT nope", warehouse=published)
    assert bad.returncode != 0 and "nope" in bad.stderr
    write = _sql("DELETE FROM postings", warehouse=published)
    assert write.returncode != 0 and "read-only" in write.stderr
    with Warehouse(published).reader() as rd:
        assert len(rd.open_postings()) == 2


@pytest.mark.slow
def test_without_a_statement_it_is_the_interactive_shell(published):
    shell = _sql("--warehouse", str(published), stdin="SELECT 6 * 7 AS answer;\n")
    assert shell.returncode == 0, shell.stderr
    assert "answer" in shell.stdout and "42" in shell.stdout
