"""`tpm-match sql [SQL]`: the DuckDB command-line program, read-only on the published warehouse."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer

from flows.commands.common import fail, settings_of


def duckdb_cli() -> Path | None:
    """The DuckDB CLI beside the running interpreter (put there by `make install`), or on PATH."""
    beside = Path(sys.executable).parent / "duckdb"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("duckdb")
    return Path(found) if found else None


def cli_argv(cli: Path, warehouse: Path, sql: str | None) -> list[str]:
    """The CLI's command line: always `-readonly`; one statement with `-c`.

    >>> cli_argv(Path("duckdb"), Path("w.duckdb"), "select 1")
    ['duckdb', '-readonly', 'w.duckdb', '-c', 'select 1']
    """
    return [str(cli), "-readonly", str(warehouse), *(["-c", sql] if sql is not None else [])]


def register(app: typer.Typer) -> None:
    @app.command("sql")
    def sql(
        ctx: typer.Context,
        statement: Annotated[
            str | None, typer.Argument(help="one SQL statement; none opens an interactive shell")
        ] = None,
        warehouse: Annotated[
            Path | None,
            typer.Option("--warehouse", help="warehouse file (default: settings.warehouse_path)"),
        ] = None,
    ) -> None:
        """Open the DuckDB CLI read-only on the published warehouse (exit status passed through)."""
        path = warehouse or settings_of(ctx).warehouse_path
        if not path.is_file():
            fail(f"no warehouse at {path}; run `tpm-match nightly` (or `make demo`) first")
        cli = duckdb_cli()
        if cli is None:
            fail(
                f"no DuckDB command-line program beside {sys.executable} or on PATH; "
                "run `make install` (it installs the pinned duckdb-cli package)"
            )
        sys.stdout.flush()
        sys.stderr.flush()
        # the CLI replaces this process: it gets the terminal, and its exit status is ours
        os.execv(cli, cli_argv(cli, path, statement))
