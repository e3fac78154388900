"""`tpm-match crawl`: crawl job boards into one JSON Lines file of postings.

Every source runs as a crawler of one Scrapy crawl process (flows/crawl_settings.py, the
same crawl API as the nightly flow); a source that failed is crawled again alone
(`crawl_retries`). One failing source never stops the others, and the exit status is
non-zero only when every source failed. `--demo` serves the bundled demo board on a
free localhost port and crawls it.
"""

from __future__ import annotations

import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from crawlers.demo_board import DemoBoard
from crawlers.runner import CrawlResult, merge_outputs
from crawlers.sources import Source, SourceError, load_sources
from flows.commands.common import err_console, fail, out_console, settings_of
from flows.crawl_settings import crawl_batch, recrawl_source, scrapy_settings
from flows.settings import SettingsError


def summary_table(results: list[CrawlResult], merged: int, seconds: float) -> Table:
    """One row per source: kept, dropped by the filter, rejected, errors."""
    table = Table(title=f"crawl: {merged} postings from {len(results)} sources in {seconds:.1f} s")
    for name, justify in (
        ("source", "left"),
        ("ok", "center"),
        ("kept", "right"),
        ("dropped by filter", "right"),
        ("duplicates", "right"),
        ("rejected", "right"),
        ("errors", "right"),
        ("seconds", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for r in results:
        table.add_row(
            escape(r.source_key),
            "[green]yes[/]" if r.ok else "[red]no[/]",
            str(r.kept),
            str(r.dropped_by_filter),
            str(r.duplicates),
            str(r.rejected_count),
            str(len(r.errors)),
            f"{r.seconds:.1f}",
        )
    return table


def print_problems(results: list[CrawlResult], limit: int = 20) -> None:
    """List errors and rejected postings with their reasons (the first `limit` of each).

    Messages quote the boards' own ids and titles: they are escaped, never read as markup.
    """
    for r in results:
        key = escape(r.source_key)
        for message in r.errors[:limit]:
            err_console.print(f"[red]error[/] {key}: {escape(message)}", highlight=False)
        for message in r.rejected[:limit]:
            err_console.print(f"[yellow]rejected[/] {key}: {escape(message)}", highlight=False)
        if len(r.rejected) > limit:
            more = len(r.rejected) - limit
            err_console.print(f"  ... and {more} more (see {r.log_path})", markup=False)


def register(app: typer.Typer) -> None:
    @app.command("crawl")
    def crawl(
        ctx: typer.Context,
        sources: Annotated[
            Path | None, typer.Option("--sources", help="sources YAML (default: settings)")
        ] = None,
        out: Annotated[
            Path | None, typer.Option("--out", help="JSON Lines output (default: work_dir)")
        ] = None,
        all_titles: Annotated[
            bool, typer.Option("--all-titles", help="keep every posting, not only TPM roles")
        ] = False,
        demo: Annotated[
            bool, typer.Option("--demo", help="serve the bundled demo board locally and crawl it")
        ] = False,
    ) -> None:
        """Crawl job boards into JSON Lines of postings (one crawl process for all)."""
        settings = settings_of(ctx)
        out_path = out or settings.work_dir / "postings.jsonl"
        try:
            scrapy_settings(settings)  # a wrong taxonomy path fails before any crawl
        except SettingsError as exc:
            fail(str(exc))
        with ExitStack() as stack:
            if demo:
                board = stack.enter_context(DemoBoard())
                chosen: list[Source] = board.sources()
                err_console.print(f"demo board at {board.base_url} ({len(chosen)} sources)")
            else:
                try:
                    chosen = load_sources(sources or settings.sources_path)
                except SourceError as exc:
                    fail(str(exc))
            if not chosen:
                fail("no sources to crawl: the sources file lists none")
            parts = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tpm-crawl-")))
            started = time.monotonic()
            by_key = crawl_batch(settings, chosen, parts, all_titles=all_titles)
            for source in chosen:
                if not by_key[source.key].ok and settings.crawl_retries:
                    err_console.print(f"{source.key} failed: crawling it again alone", markup=False)
                    by_key[source.key] = recrawl_source(
                        settings, source, parts, all_titles=all_titles
                    )
            results = list(by_key.values())
            merged = merge_outputs(results, out_path)
            elapsed = time.monotonic() - started
            print_problems(results)
            out_console.print(summary_table(results, merged, elapsed))
            out_console.print(f"wrote {merged} postings to {out_path}", markup=False)
            for log in {r.log_path for r in results if not r.ok and r.log_path}:
                if log.exists():
                    kept_log = out_path.with_name(f"{out_path.name}.{log.name}")
                    kept_log.write_bytes(log.read_bytes())
                    err_console.print(
                        f"[red]failed sources[/]: log kept in {escape(str(kept_log))}"
                    )
        if results and not any(r.ok for r in results):
            raise typer.Exit(1)
