"""Small helpers shared by the CLI command modules."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from flows.settings import Settings

#: Human output goes to stderr so that stdout stays clean for JSON / JSON Lines.
err_console = Console(stderr=True)
out_console = Console()


def settings_of(ctx: typer.Context) -> Settings:
    """The Settings object the root callback built for this invocation."""
    settings = ctx.find_root().obj
    if not isinstance(settings, Settings):  # pragma: no cover - the callback always sets it
        raise RuntimeError("settings were not initialised by the root callback")
    return settings


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a clear error (no traceback) and exit with `code`.

    `message` is plain text (it often quotes a posting, a profile or a path): it is
    escaped, so square brackets in it are printed as they are, never read as markup.
    """
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


def not_built(stage: str, issue: int) -> NoReturn:
    """Say plainly that a stage does not exist yet; never pretend it ran."""
    err_console.print(
        f"[yellow]not built yet:[/] {stage} (tracked in issue #{issue}); nothing was done.",
        highlight=False,
    )
    raise typer.Exit(3)


def write_or_echo(text: str, out: Path | None, what: str) -> bool:
    """Print `text` to stdout, or write it to `out` (True when it was written to a file).

    A file that cannot be written stops the command with a message naming it and `what`.
    """
    if out is None:
        typer.echo(text, nl=False)
        return False
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"{out}: cannot write the {what} ({exc.strerror})")
    return True
