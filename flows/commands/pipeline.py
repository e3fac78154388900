"""`tpm-match nightly/serve/candidates`: not built yet (issue #7)."""

from __future__ import annotations

import typer

from flows.commands.common import not_built


def register(app: typer.Typer) -> None:
    @app.command("nightly")
    def nightly(demo: bool = False) -> None:
        """Run the nightly pipeline (crawl, extract, load, score, publish)."""
        not_built("the nightly pipeline (`tpm-match nightly`)", 7)
