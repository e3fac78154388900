"""The `tpm-match` command-line program. Each command group lives in flows/commands/."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from flows.commands import (
    crawl,
    digest,
    extract,
    pipeline,
    profile,
    report,
    sql,
    taxonomy,
    warehouse,
)
from flows.commands.common import fail
from flows.settings import SettingsError, load_settings

app = typer.Typer(
    name="tpm-match",
    help="Match people to Technical Project/Program Manager jobs.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option("--config", help="YAML/TOML settings file")] = None,
) -> None:
    """Build the one Settings object for this invocation."""
    try:
        ctx.obj = load_settings(config_file=config)
    except (SettingsError, ValidationError) as exc:
        fail(f"settings: {exc}")


for module in (taxonomy, crawl, extract, warehouse, sql, report, profile, digest, pipeline):
    module.register(app)


def main() -> None:
    app()
