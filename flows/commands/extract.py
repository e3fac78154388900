"""`tpm-match extract`: not built yet (issue #4)."""

from __future__ import annotations

import typer

from flows.commands.common import not_built


def register(app: typer.Typer) -> None:
    @app.command("extract")
    def extract() -> None:
        """Extract taxonomy concepts from JSON Lines postings."""
        not_built("extraction (`tpm-match extract`)", 4)
