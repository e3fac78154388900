"""`tpm-match report` and the one report path, also behind the `match-report` flow.

A candidate's report is built from the published warehouse (read-only). When the
warehouse holds the candidate's matches explained from the same facts, postings,
taxonomy and config (a registered candidate), their best matches are read as stored
(`matcher.scoring.topk.stored_ranking`); otherwise (an unregistered profile, an edited
one, one with a résumé, or a résumé alone) the candidate is scored against the open
postings here. A résumé is read by `flows.commands.profile.read_candidate_resume`.
Either way `matcher.report` (pure) builds the report and renders the string written.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flows.commands.common import err_console, fail, settings_of, write_or_echo
from flows.settings import Settings
from matcher.report import FORMATS, SUFFIXES

if TYPE_CHECKING:
    from matcher.profile import CandidateFacts
    from matcher.report import Report

Format = StrEnum("Format", {name: name for name in FORMATS})  # type: ignore[misc]


def candidate_report(
    settings: Settings, facts: CandidateFacts, warehouse: Path | None = None, top: int | None = None
) -> Report:
    """The report of `facts` over the open postings of the published warehouse.

    Reads the candidate's stored matches when they are current, else scores the candidate
    (see the module docstring). Raises WarehouseError, TaxonomyError, ScoringConfigError.
    """
    from matcher.report import build_report
    from matcher.scoring.config import load_scoring_config
    from matcher.scoring.topk import context_hash, stored_ranking
    from matcher.taxonomy import load_taxonomy
    from warehouse import Warehouse

    taxonomy = load_taxonomy(settings.taxonomy_path)
    config = load_scoring_config(settings.scoring_config_path)
    top = top or settings.top_k
    context = context_hash(taxonomy, config)
    with Warehouse(warehouse or settings.warehouse_path).reader() as reader:
        postings = reader.open_postings()
        stored = reader.stored_matches(context, facts.candidate_id)
    ranked = stored_ranking(stored, facts, postings, context, top, settings.top_k)
    return build_report(facts, postings, taxonomy, config, top, stored=ranked)


def registered_facts(settings: Settings, candidate_id: str) -> CandidateFacts:
    """The facts of a registered candidate, rebuilt from their stored profile."""
    from flows.candidates import candidate_facts
    from matcher.taxonomy import load_taxonomy
    from warehouse import Warehouse, WarehouseError

    with Warehouse(settings.warehouse_path).reader() as reader:
        records = [r for r in reader.candidates() if r.id == candidate_id]
    if not records:
        raise WarehouseError(
            f"no registered candidate {candidate_id!r} in {settings.warehouse_path}; "
            "see `tpm-match candidates list`"
        )
    facts, errors = candidate_facts(records, load_taxonomy(settings.taxonomy_path))
    if errors:
        raise WarehouseError("; ".join(errors))
    return facts[0]


def report_path(settings: Settings, candidate_id: str, fmt: str = "html") -> Path:
    """Where a registered candidate's report goes by default: `reports/<id>.html`.

    >>> str(report_path(Settings(reports_dir="r"), "ada-1234"))
    'r/ada-1234.html'
    """
    return settings.reports_dir / f"{candidate_id}{SUFFIXES[fmt]}"


def write_report(
    settings: Settings, candidate_id: str, out_path: Path | None = None, fmt: str = "html"
) -> Path:
    """Build and write a registered candidate's report; return its path."""
    from matcher.report import render

    if fmt not in SUFFIXES:
        raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(SUFFIXES)}")
    target = out_path or report_path(settings, candidate_id, fmt)
    text = render(candidate_report(settings, registered_facts(settings, candidate_id)), fmt)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report(
        ctx: typer.Context,
        profile: Annotated[
            Path | None,
            typer.Option("--profile", help="candidate profile YAML (docs/profile.md)"),
        ] = None,
        resume: Annotated[
            Path | None,
            typer.Option("--resume", help="résumé as .txt, .md or .pdf (alone, or with --profile)"),
        ] = None,
        name: Annotated[
            str | None,
            typer.Option("--name", help="with --resume alone: the name (default: the résumé's)"),
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
        """Write a candidate's match report: ranked postings, gaps and career guidance.

        Give a profile, a résumé, or both (the profile wins where both give a value).
        """
        # Heavy imports (spaCy, DuckDB) only when the command runs.
        from flows.commands.profile import read_candidate_resume, resume_profile
        from matcher.normalize import Normalizer
        from matcher.profile import ProfileError, build_facts, load_profile
        from matcher.report import render
        from matcher.scoring.config import ScoringConfigError, load_scoring_config
        from matcher.taxonomy import TaxonomyError, load_taxonomy
        from warehouse import WarehouseError

        if profile is None and resume is None:
            fail(
                "give --resume CV (a .txt, .md or .pdf résumé), --profile PROFILE.yaml, or both; "
                "`tpm-match profile init --resume CV` drafts a profile from a résumé"
            )
        if name is not None and profile is not None:
            fail("--name is for a résumé without --profile; set `name:` in the profile instead")
        settings = settings_of(ctx)
        wh_path = warehouse or settings.warehouse_path
        try:
            taxonomy = load_taxonomy(settings.taxonomy_path)
            load_scoring_config(settings.scoring_config_path)  # a bad config fails first
            candidate = load_profile(profile) if profile else None
            reading = read_candidate_resume(settings, taxonomy, resume, name) if resume else None
        except (TaxonomyError, ScoringConfigError, ProfileError) as exc:
            fail(str(exc))
        if not wh_path.exists():
            fail(
                f"no warehouse at {wh_path}: run `make demo` (or `tpm-match nightly`) first "
                "to crawl and load postings, or pass --warehouse PATH"
            )
        if candidate is None and reading is not None:
            candidate = resume_profile(*reading)
        assert candidate is not None  # one of the two was given
        extraction = reading[0].extraction if reading else None
        facts = build_facts(candidate, taxonomy, Normalizer(taxonomy), extraction)
        try:
            data = candidate_report(settings, facts, wh_path, top)
        except ScoringConfigError as exc:
            fail(str(exc))
        except WarehouseError as exc:
            fail(f"{exc} (run `make demo` or `tpm-match nightly` to build it)")
        if fmt is Format.text and out is None:
            from matcher.report.text import render_text

            typer.echo(render_text(data, color=sys.stdout.isatty()), nl=False)
            return
        if not write_or_echo(render(data, fmt.value), out, "report"):
            return
        err_console.print(
            f"wrote {fmt.value} report for {facts.name} ({len(data.matches)} matches) to {out}",
            highlight=False,
            markup=False,
        )
