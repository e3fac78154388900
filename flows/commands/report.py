"""`tpm-match report`: not built yet (issue #6)."""

from __future__ import annotations

import typer

from flows.commands.common import not_built


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report() -> None:
        """Write a candidate's match report."""
        not_built("match reports (`tpm-match report`)", 6)
