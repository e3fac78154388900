"""Saved queries, the `tpm-match query` / `export` commands, and Parquet export."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from matcher.models import Extraction, Requirement
from tests.warehouse.conftest import DAY1, make_posting
from warehouse import Warehouse, WarehouseError
from warehouse.sqlfiles import parse_saved_query, saved_queries

runner = CliRunner()
QUOTED = "O'Reilly'; DROP TABLE postings; --"


@pytest.fixture
def loaded(wh: Warehouse, taxonomy) -> Warehouse:
    postings = [
        make_posting("lever:acme", 1),
        make_posting("lever:oreilly", 2, company=QUOTED),
        make_posting("lever:oreilly", 3, company="O'Reilly"),
    ]
    req = Requirement("tool.jira", "Jira", "tool", True, "Jira", 0, 4)
    with wh.staging("r1") as st:
        st.load_concepts(taxonomy)
        st.load_postings(postings, crawled_ok={}, seen_at=DAY1)
        st.load_extractions([Extraction(p.id, [req]) for p in postings[:2]])
        st.publish()
    return wh


def test_every_saved_query_runs_with_its_parameters(loaded):
    with loaded.reader() as rd:
        names = [q.name for q in rd.list_queries()]
        assert {"skill_demand_by_week", "postings_requiring", "top_candidates"} <= set(names)
        for query in rd.list_queries():
            columns, _ = rd.query(query.name, dict.fromkeys(query.params, "x"))
            assert columns


def test_parameters_are_bound_so_quotes_are_harmless(loaded):
    with loaded.reader() as rd:
        _, rows = rd.query("open_postings_by_company", {"company": QUOTED})
        assert [r[0] for r in rows] == ["lever:oreilly:2"]
        _, rows = rd.query("open_postings_by_company", {"company": "O'Reilly"})
        assert [r[0] for r in rows] == ["lever:oreilly:3"]
        _, rows = rd.query("postings_requiring", {"concept": "tool.jira"})
        assert sorted(r[0] for r in rows) == ["lever:acme:1", "lever:oreilly:2"]
        assert rd.con.execute("SELECT count(*) FROM postings").fetchone() == (3,)


def test_unknown_or_missing_parameters_name_the_query_parameters(loaded):
    with loaded.reader() as rd:
        with pytest.raises(WarehouseError, match=r"needs --param company=\.\.\..*company:"):
            rd.query("open_postings_by_company", {})
        with pytest.raises(WarehouseError, match=r"no parameter\(s\) town.*company:"):
            rd.query("open_postings_by_company", {"company": "Acme", "town": "x"})
        with pytest.raises(WarehouseError, match="no saved query named 'nope'"):
            rd.query("nope", {})


def test_a_query_file_binding_an_undeclared_parameter_is_an_error(tmp_path):
    bad = tmp_path / "bad.sql"
    bad.write_text("-- Bad.\n-- param a: one\nSELECT $a, $b, '$not_a_param';\n")
    with pytest.raises(WarehouseError, match=r"bad\.sql: binds \$b"):
        parse_saved_query(bad)
    assert saved_queries()  # the shipped ones all parse


def test_cli_query_list_and_run(loaded):
    listed = runner.invoke(app, ["query", "--list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert {q["query"] for q in json.loads(listed.stdout)} == set(saved_queries())
    args = ["query", "open_postings_by_company", "--warehouse", str(loaded.path)]
    result = runner.invoke(app, [*args, "--param", f"company={QUOTED}", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == ["lever:oreilly:2"]
    missing = runner.invoke(app, args)
    assert missing.exit_code == 2 and "--param company=" in missing.output
    unknown = runner.invoke(app, [*args, "-p", "company=Acme", "-p", "x=1"])
    assert unknown.exit_code == 2 and "no parameter(s) x" in unknown.output
    malformed = runner.invoke(app, [*args, "-p", "company"])
    assert malformed.exit_code == 2 and "key=value" in malformed.output


def test_cli_uses_the_settings_warehouse_path(loaded, monkeypatch):
    monkeypatch.setenv("TPM_MATCH_WAREHOUSE_PATH", str(loaded.path))
    result = runner.invoke(app, ["query", "skill_demand_total", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("concept_id,")
    assert "tool.jira" in result.stdout


def test_export_writes_one_parquet_file_per_table(loaded, tmp_path):
    out = tmp_path / "parquet"
    result = runner.invoke(app, ["export", "--parquet", str(out), "--warehouse", str(loaded.path)])
    assert result.exit_code == 0, result.output
    with loaded.reader() as rd:
        tables = rd.tables()
    assert sorted(p.stem for p in out.glob("*.parquet")) == tables
    con = duckdb.connect()
    count = con.execute(
        "SELECT count(*) FROM read_parquet($p)", {"p": str(out / "postings.parquet")}
    )
    assert count.fetchone() == (3,)


def test_cli_on_a_missing_warehouse_fails_clearly(tmp_path: Path):
    result = runner.invoke(
        app, ["query", "latest_runs", "--warehouse", str(tmp_path / "none.duckdb")]
    )
    assert result.exit_code == 2 and "no warehouse at" in result.output
