"""`tpm-match query NAME --param k=v`, `query --list` and `export --parquet DIR`."""

from __future__ import annotations

import csv
import json
import sys
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from flows.commands.common import err_console, fail, out_console, settings_of
from warehouse import Warehouse, WarehouseError

_WAREHOUSE_OPT = typer.Option(
    "--warehouse", help="warehouse DuckDB file (default: settings.warehouse_path)"
)


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _warehouse(ctx: typer.Context, path: Path | None) -> Warehouse:
    return Warehouse(path or settings_of(ctx).warehouse_path)


def parse_params(pairs: list[str]) -> dict[str, str]:
    """`key=value` strings as a dict; the value may contain '=' and quotes.

    >>> parse_params(["company=O'Reilly", "x=a=b"])
    {'company': "O'Reilly", 'x': 'a=b'}
    """
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            fail(f"--param {pair!r}: expected key=value, e.g. --param company=Acme")
        if key.strip() in params:
            fail(f"--param {key.strip()!r} is given twice")
        params[key.strip()] = value
    return params


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, default=str, ensure_ascii=False)
    return str(value)


#: First characters that make a spreadsheet read a text cell as a formula (OWASP).
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula.

    Text starting with `=`, `+`, `-`, `@`, tab or CR gets a leading single quote (the
    OWASP rule). Numbers are written as they are: a negative number is a number.

    >>> [csv_cell(v) for v in ("=SUM(A1)", "-2+3", "@x", "Acme", -5, 1.5, None)]
    ["'=SUM(A1)", "'-2+3", "'@x", 'Acme', '-5', '1.5', '']
    """
    text = _cell(value)
    if not isinstance(value, int | float | Decimal) and text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _print_rows(columns: list[str], rows: list[tuple[Any, ...]], fmt: OutputFormat) -> None:
    if fmt is OutputFormat.json:
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        typer.echo(json.dumps(records, default=str, ensure_ascii=False, indent=2))
    elif fmt is OutputFormat.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow([csv_cell(c) for c in columns])
        writer.writerows([csv_cell(v) for v in row] for row in rows)
    else:
        table = Table(*(escape(c) for c in columns))
        for row in rows:
            table.add_row(*(escape(_cell(v)) for v in row))  # warehouse text, not markup
        out_console.print(table)
        err_console.print(f"{len(rows)} row(s)")


def register(app: typer.Typer) -> None:
    @app.command("query")
    def query(
        ctx: typer.Context,
        name: Annotated[str | None, typer.Argument(help="saved query name")] = None,
        param: Annotated[
            list[str] | None, typer.Option("--param", "-p", help="key=value (repeatable)")
        ] = None,
        list_: Annotated[bool, typer.Option("--list", help="list the saved queries")] = False,
        fmt: Annotated[OutputFormat, typer.Option("--format", help="output format")] = (
            OutputFormat.table
        ),
        warehouse: Annotated[Path | None, _WAREHOUSE_OPT] = None,
    ) -> None:
        """Run a saved recruiter query (warehouse/queries/NAME.sql) read-only."""
        wh = _warehouse(ctx, warehouse)
        try:
            if list_:
                from warehouse.sqlfiles import saved_queries

                queries = [saved_queries()[n] for n in sorted(saved_queries())]
                rows = [(q.name, ", ".join(q.params) or "-", q.description) for q in queries]
                _print_rows(["query", "parameters", "description"], rows, fmt)
                return
            if name is None:
                fail("give a query name, or --list to see them")
            params = parse_params(param or [])
            with wh.reader() as rd:
                columns, rows = rd.query(name, params)
        except WarehouseError as exc:
            fail(str(exc))
        _print_rows(columns, rows, fmt)

    @app.command("export")
    def export(
        ctx: typer.Context,
        parquet: Annotated[
            Path, typer.Option("--parquet", help="directory to write TABLE.parquet files into")
        ],
        warehouse: Annotated[Path | None, _WAREHOUSE_OPT] = None,
    ) -> None:
        """Export every warehouse table as one Parquet file each."""
        try:
            written = _warehouse(ctx, warehouse).export_parquet(parquet)
        except WarehouseError as exc:
            fail(str(exc))
        for path in written:
            typer.echo(str(path))
        err_console.print(f"{len(written)} table(s) written to {parquet}", markup=False)
