"""`tpm-match nightly [--demo]`, `tpm-match serve` and `tpm-match candidates add|list|remove`.

Prefect is imported only inside the commands, after `flows.runtime.configure_prefect`
has set its environment (telemetry off, ephemeral mode unless a server is configured).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from flows.commands.common import err_console, fail, out_console, settings_of
from flows.runtime import configure_prefect, exit_on_sigterm, local_run_settings
from flows.settings import Settings

candidates_app = typer.Typer(
    help="Register the candidates every nightly run scores.", no_args_is_help=True
)


def _with(settings: Settings, **updates: Any) -> Settings:
    return settings.model_copy(update={k: v for k, v in updates.items() if v is not None})


def _print_summary(summary: dict[str, Any]) -> None:
    """The run's counts and errors on stderr; board text is escaped, never read as markup."""
    table = Table(title=f"run {summary['run_id']}: {summary['status']}")
    table.add_column("stage")
    table.add_column("counts")
    for stage, counts in summary.get("stage_counts", {}).items():
        text = (
            ", ".join(f"{k} {v}" for k, v in counts.items()) if isinstance(counts, dict) else counts
        )
        table.add_row(escape(stage), escape(str(text)))
    err_console.print(table)
    for key, errors in sorted(summary.get("source_errors", {}).items()):
        for error in errors[:3]:
            err_console.print(f"[yellow]{escape(key)}[/]: {escape(error)}", highlight=False)
    for error in summary.get("errors", []):
        err_console.print(f"[yellow]run[/]: {escape(error)}", highlight=False)


def _preflight(settings: Settings, *, sources: bool) -> None:
    from flows.preflight import check_inputs
    from flows.task_runner import cluster_problem

    problems = check_inputs(settings, sources=sources)
    if not problems:  # then the cluster (a few seconds at most), before anything is crawled
        problems = [p for p in [cluster_problem(settings)] if p]
    if problems:
        fail("\n".join(problems))


DaskAddress = Annotated[
    str | None,
    typer.Option(
        "--dask-address",
        help="run the crawl, extraction and scoring on the Dask scheduler at tcp://HOST:8786",
    ),
]
DaskWorkers = Annotated[
    int | None,
    typer.Option(
        "--dask-workers", min=1, help="start a local Dask cluster of N worker processes for the run"
    ),
]


def _nightly(settings: Settings) -> None:
    _preflight(settings, sources=True)
    configure_prefect(settings)
    from flows.nightly import nightly

    try:
        with exit_on_sigterm(), local_run_settings(settings):
            summary = nightly(settings)
    except Exception as exc:
        fail(f"the nightly run failed: {exc}", code=1)
    _print_summary(summary)
    out_console.print(
        f"warehouse: {settings.warehouse_path.resolve()}", soft_wrap=True, markup=False
    )


def _demo(settings: Settings) -> None:
    _preflight(settings, sources=False)
    configure_prefect(settings, log_level="WARNING")
    from flows.demo import run_demo
    from matcher.profile import ProfileError
    from warehouse import WarehouseError

    started = time.monotonic()
    try:
        with exit_on_sigterm():
            result = run_demo(settings, err_console)
    except (ProfileError, WarehouseError, FileNotFoundError) as exc:
        fail(str(exc), code=1)
    except Exception as exc:
        fail(f"the demo failed: {type(exc).__name__}: {exc}", code=1)
    _print_summary(result.summary)
    out_console.print(
        f"demo finished in {time.monotonic() - started:.0f} s "
        f"(run {result.summary['run_id']}: {result.summary['status']})"
    )
    out_console.print(f"warehouse: {result.warehouse_path.resolve()}", soft_wrap=True, markup=False)
    if result.report_path is not None:
        out_console.print(
            f"report:    {result.report_path.resolve()}", soft_wrap=True, markup=False
        )
    if result.digest_path is not None:
        out_console.print(
            f"digest:    {result.digest_path.resolve()}", soft_wrap=True, markup=False
        )
    out_console.print(
        f"next:      tpm-match query candidate_matches -p candidate_id={result.candidate_id}",
        highlight=False,
        soft_wrap=True,
        markup=False,
    )


@candidates_app.command("add")
def candidates_add(
    ctx: typer.Context,
    profile: Annotated[Path, typer.Argument(help="candidate profile YAML (docs/profile.md)")],
) -> None:
    """Validate PROFILE, register the candidate and score them against the open postings."""
    from flows.candidates import add_candidate
    from matcher.profile import ProfileError
    from warehouse import WarehouseError

    settings = settings_of(ctx)
    try:
        registered = add_candidate(settings, profile)
    except (ProfileError, WarehouseError) as exc:
        fail(str(exc))
    facts = registered.facts
    out_console.print(
        f"registered {escape(facts.name)} as [bold]{escape(facts.candidate_id)}[/]: "
        f"{len(facts.concepts)} taxonomy concepts, {registered.matches} matches among "
        f"{registered.open_postings} open postings",
        highlight=False,
    )
    if facts.unknown_skills:
        err_console.print(
            "[yellow]not in the taxonomy (kept in the profile, not scored):[/] "
            + escape(", ".join(facts.unknown_skills)),
            highlight=False,
        )


@candidates_app.command("list")
def candidates_list(ctx: typer.Context) -> None:
    """List the registered candidates."""
    from flows.candidates import list_candidates
    from warehouse import WarehouseError

    try:
        records = list_candidates(settings_of(ctx))
    except WarehouseError as exc:
        fail(str(exc))
    table = Table(title=f"{len(records)} registered candidates")
    for column in ("id", "name", "email", "added"):
        table.add_column(column)
    for r in records:
        table.add_row(
            escape(r.id), escape(r.name), escape(r.email or ""), f"{r.added_at:%Y-%m-%d %H:%M}"
        )
    out_console.print(table)


@candidates_app.command("remove")
def candidates_remove(
    ctx: typer.Context, candidate_id: Annotated[str, typer.Argument(help="id from `list`")]
) -> None:
    """Remove a candidate (and their matches)."""
    from flows.candidates import remove_candidate
    from warehouse import WarehouseError

    try:
        removed = remove_candidate(settings_of(ctx), candidate_id)
    except WarehouseError as exc:
        fail(str(exc))
    if not removed:
        fail(f"no candidate {candidate_id!r}; see `tpm-match candidates list`", code=1)
    out_console.print(f"removed {candidate_id}", markup=False)


def register(app: typer.Typer) -> None:
    @app.command("nightly")
    def nightly(
        ctx: typer.Context,
        demo: Annotated[
            bool, typer.Option("--demo", help="run on the bundled demo board, offline")
        ] = False,
        sources: Annotated[Path | None, typer.Option(help="sources YAML")] = None,
        warehouse: Annotated[Path | None, typer.Option(help="DuckDB warehouse file")] = None,
        dask_address: DaskAddress = None,
        dask_workers: DaskWorkers = None,
    ) -> None:
        """Run the nightly pipeline (crawl, extract, load, score, publish) once, now."""
        settings = _with(
            settings_of(ctx),
            sources_path=sources,
            warehouse_path=warehouse,
            dask_address=dask_address,
            dask_workers=dask_workers,
        )
        if demo:
            _demo(settings)
        else:
            _nightly(settings)

    @app.command("serve")
    def serve(
        ctx: typer.Context,
        cron: Annotated[str | None, typer.Option(help="cron schedule (default 0 2 * * *)")] = None,
        timezone: Annotated[str | None, typer.Option(help="IANA time zone of the cron")] = None,
        api_url: Annotated[
            str | None, typer.Option(help="Prefect API URL (default $PREFECT_API_URL)")
        ] = None,
        dask_address: DaskAddress = None,
        dask_workers: DaskWorkers = None,
    ) -> None:
        """Serve the nightly deployment on its cron schedule against a Prefect server."""
        settings = _with(
            settings_of(ctx),
            schedule_cron=cron,
            timezone=timezone,
            prefect_api_url=api_url,
            dask_address=dask_address,
            dask_workers=dask_workers,
        )
        from flows.task_runner import cluster_problem

        problem = cluster_problem(settings)
        if problem:
            fail(problem)
        configure_prefect(settings, ephemeral=False)
        from flows.serve import ServeError, serve_nightly

        try:
            serve_nightly(settings)
        except ServeError as exc:
            fail(str(exc))

    app.add_typer(candidates_app, name="candidates")
