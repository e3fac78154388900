"""`tpm-match query/export`: not built yet (issue #5)."""

from __future__ import annotations

import typer

from flows.commands.common import not_built


def register(app: typer.Typer) -> None:
    @app.command("query")
    def query() -> None:
        """Run a saved recruiter query against the warehouse."""
        not_built("the warehouse (`tpm-match query`)", 5)

    @app.command("export")
    def export() -> None:
        """Export every warehouse table as Parquet."""
        not_built("the warehouse (`tpm-match export`)", 5)
