"""`tpm-match report`: a candidate's match report against the open postings.

Thin: loads the profile (and résumé), reads the open postings through the warehouse,
hands everything to `matcher.report` (pure) and writes the string it returns.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from flows.commands.common import err_console, fail, settings_of
from matcher.report import FORMATS

Format = StrEnum("Format", {name: name for name in FORMATS})  # type: ignore[misc]


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report(
        ctx: typer.Context,
        profile: Annotated[
            Path, typer.Option("--profile", help="candidate profile YAML (docs/profile.md)")
        ],
        resume: Annotated[
            Path | None, typer.Option("--resume", help="résumé as .txt, .md or .pdf")
        ] = None,
        warehouse: Annotated[
            Path | None, typer.Option("--warehouse", help="DuckDB file (default: settings)")
        ] = None,
        top: Annotated[
            int | None, typer.Option("--top", min=1, help="postings to show (default: settings)")
        ] = None,
        fmt: Annotated[Format, typer.Option("--format", help="output format")] = Format.text,
        out: Annotated[Path | None, typer.Option("--out", help="write here, not stdout")] = None,
    ) -> None:
        """Write a candidate's match report: ranked postings, gaps and career guidance."""
        # Heavy imports (spaCy, DuckDB) only when the command runs.
        from matcher.extract import Extractor
        from matcher.normalize import Normalizer
        from matcher.profile import ProfileError, build_facts, load_profile, read_resume
        from matcher.report import build_report, render
        from matcher.scoring_config import ScoringConfigError, load_scoring_config
        from matcher.taxonomy import TaxonomyError, load_taxonomy
        from warehouse import Warehouse, WarehouseError

        settings = settings_of(ctx)
        wh_path = warehouse or settings.warehouse_path
        try:
            taxonomy = load_taxonomy(settings.taxonomy_path)
            config = load_scoring_config(settings.scoring_config_path)
            candidate = load_profile(profile)
            resume_text = read_resume(resume) if resume else None
        except (TaxonomyError, ScoringConfigError, ProfileError) as exc:
            fail(str(exc))
        if not wh_path.exists():
            fail(
                f"no warehouse at {wh_path}: run `make demo` (or `tpm-match nightly`) first "
                "to crawl and load postings, or pass --warehouse PATH"
            )
        extraction = None
        if resume_text is not None:
            extractor = Extractor(taxonomy, cache_dir=settings.nlp_cache_dir)
            extraction = extractor.extract("resume", resume_text)
        facts = build_facts(candidate, taxonomy, Normalizer(taxonomy), extraction)
        try:
            with Warehouse(wh_path).reader() as reader:
                postings = reader.open_postings()
        except WarehouseError as exc:
            fail(f"{exc} (run `make demo` or `tpm-match nightly` to build it)")
        data = build_report(facts, postings, taxonomy, config, top or settings.top_k)
        if fmt is Format.text and out is None:
            import sys

            from matcher.report.text import render_text

            typer.echo(render_text(data, color=sys.stdout.isatty()), nl=False)
            return
        text = render(data, fmt.value)
        if out is None:
            typer.echo(text, nl=False)
            return
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"{out}: cannot write the report ({exc.strerror})")
        err_console.print(
            f"wrote {fmt.value} report for {facts.name} ({len(data.matches)} matches) to {out}",
            highlight=False,
            markup=False,
        )
