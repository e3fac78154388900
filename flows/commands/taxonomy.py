"""`tpm-match taxonomy check|export`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from flows.commands.common import fail, out_console, settings_of
from matcher.taxonomy import Taxonomy, TaxonomyError, load_taxonomy

taxonomy_app = typer.Typer(help="Validate and export the skills taxonomy.", no_args_is_help=True)


def _load(ctx: typer.Context, path: Path | None) -> Taxonomy:
    try:
        return load_taxonomy(path or settings_of(ctx).taxonomy_path)
    except TaxonomyError as exc:
        fail(str(exc))


@taxonomy_app.command("check")
def check(
    ctx: typer.Context,
    path: Annotated[Path | None, typer.Argument(help="taxonomy YAML (default: settings)")] = None,
) -> None:
    """Validate the taxonomy and print how many entries each kind has."""
    taxonomy = _load(ctx, path)
    table = Table(title=f"taxonomy OK ({len(taxonomy.concepts)} concepts)")
    table.add_column("kind")
    table.add_column("entries", justify="right")
    table.add_column("extensions", justify="right")
    for kind, count in taxonomy.counts().items():
        ext = sum(1 for c in taxonomy.of_kind(kind) if c.extension)
        table.add_row(kind, str(count), str(ext))
    out_console.print(table)
    out_console.print(
        f"role titles: {len(taxonomy.role_titles)}; broader relations: "
        f"{taxonomy.broader_count}; hash {taxonomy.content_hash[:12]}"
    )


@taxonomy_app.command("export")
def export(
    ctx: typer.Context,
    path: Annotated[Path | None, typer.Argument(help="taxonomy YAML (default: settings)")] = None,
) -> None:
    """Print every entry as one JSON array.

    Keys: id, name, kind, category, aliases, source, broader.
    """
    taxonomy = _load(ctx, path)
    typer.echo(json.dumps(taxonomy.export_records(), ensure_ascii=False, indent=2))


def register(app: typer.Typer) -> None:
    app.add_typer(taxonomy_app, name="taxonomy")
