"""`tpm-match extract [PATH|-]`: JSON Lines postings in, one extraction line each out.

Input lines: `{"id", "title", "description"}` (the description may be HTML), or a full
Posting line (`description_text` / `description_html`). Output lines, in input order:
`{"id", "requirements": [...], "min_years_experience", "degree", "level"}`. A malformed
line is reported on stderr with its line number and reason and skipped; the others still
come out; the exit status is 1 when any line was rejected.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, TextIO

import typer

from flows.commands.common import err_console, fail, settings_of
from matcher.extract import Extractor
from matcher.models import TextToExtract
from matcher.taxonomy import TaxonomyError, load_taxonomy
from matcher.wire import WireError, dump
from matcher.wire import parse_line as parse_wire_line

#: Fields that may hold the posting's text, in order of preference.
TEXT_FIELDS: tuple[str, ...] = ("description", "description_html", "description_text")


class LineError(ValueError):
    """A JSON Lines record that cannot be extracted (the message says why)."""


def parse_line(line: str) -> tuple[str, str, str | None]:
    """One input line -> (id, text, title); raise LineError with the reason.

    >>> parse_line('{"id": "a", "title": "TPM", "description": "Jira"}')
    ('a', 'Jira', 'TPM')
    """
    try:
        item = parse_wire_line(TextToExtract, line)
    except WireError as exc:
        raise LineError(str(exc)) from None
    if item.text is None:
        raise LineError(f"no text: give one of {', '.join(repr(f) for f in TEXT_FIELDS)}")
    return item.id, item.text, item.title


def read_items(lines: Iterable[str], rejected: list[int]) -> Iterator[tuple[str, str, str | None]]:
    """Valid (id, text, title) items; bad lines go to stderr and their numbers to `rejected`."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield parse_line(line)
        except LineError as exc:
            rejected.append(number)
            err_console.print(f"line {number}: {exc}; line skipped", highlight=False, markup=False)


def _open(path: Path | None) -> TextIO:
    if path is None or str(path) == "-":
        return sys.stdin
    try:
        return path.open(encoding="utf-8")
    except OSError as exc:
        fail(f"{path}: cannot read ({exc.strerror})")


def register(app: typer.Typer) -> None:
    @app.command("extract")
    def extract(
        ctx: typer.Context,
        path: Annotated[
            Path | None, typer.Argument(help="JSON Lines postings; '-' or nothing reads stdin")
        ] = None,
        batch_size: Annotated[
            int | None, typer.Option("--batch-size", min=1, help="docs per nlp.pipe batch")
        ] = None,
        n_process: Annotated[
            int | None, typer.Option("--n-process", min=1, help="processes for nlp.pipe")
        ] = None,
    ) -> None:
        """Extract taxonomy concepts, years, degree and level from JSON Lines postings."""
        settings = settings_of(ctx)
        try:
            taxonomy = load_taxonomy(settings.taxonomy_path)
        except TaxonomyError as exc:
            fail(str(exc))
        extractor = Extractor(taxonomy, cache_dir=settings.nlp_cache_dir)
        rejected: list[int] = []
        source = _open(path)
        try:
            results = extractor.extract_many(
                read_items(source, rejected),
                batch_size=batch_size or settings.extract_batch_size,
                n_process=n_process or settings.extract_n_process,
            )
            for extraction in results:
                sys.stdout.write(json.dumps(dump(extraction), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        finally:
            if source is not sys.stdin:
                source.close()
        if rejected:
            err_console.print(
                f"{len(rejected)} line(s) rejected: {', '.join(map(str, rejected[:20]))}"
                f"{' ...' if len(rejected) > 20 else ''}",
                highlight=False,
            )
            raise typer.Exit(1)
