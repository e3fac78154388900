"""`tpm-match crawl`: not built yet (issue #3)."""

from __future__ import annotations

import typer

from flows.commands.common import not_built


def register(app: typer.Typer) -> None:
    @app.command("crawl")
    def crawl() -> None:
        """Crawl job boards into JSON Lines of postings."""
        not_built("crawling (`tpm-match crawl`)", 3)
