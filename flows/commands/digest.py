"""`tpm-match digest --candidate ID [--since RUN_ID] [--format F] [--send]`.

Shows what a registered candidate's digest holds: the news (`match_events`) of the latest
run, or of every run after `--since`. `--send` delivers it to the candidate's
`alerts.notify` URLs now (as the nightly run would) and records the deliveries, so the
nightly run does not send the same run's digest again. The demo writes one to a file.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from flows.commands.common import err_console, fail, out_console, settings_of
from flows.settings import Settings
from matcher.digest import FORMATS, Digest
from matcher.report import SUFFIXES

Format = StrEnum("Format", {name: name for name in FORMATS})  # type: ignore[misc]


def latest_digest(
    settings: Settings, candidate_id: str, since_run_id: str | None = None
) -> tuple[Digest, str]:
    """A registered candidate's digest of the latest run (or of the runs after
    `since_run_id`), with that latest run's id. Raises WarehouseError with the fix."""
    from flows.alerts import candidate_digest, concept_names
    from matcher.taxonomy import load_taxonomy
    from warehouse import Warehouse, WarehouseError

    names = concept_names(load_taxonomy(settings.taxonomy_path))
    with Warehouse(settings.warehouse_path).reader() as rd:
        record = next((r for r in rd.candidates() if r.id == candidate_id), None)
        if record is None:
            raise WarehouseError(
                f"no registered candidate {candidate_id!r} in {settings.warehouse_path}; "
                "see `tpm-match candidates list`"
            )
        latest = rd.latest_run()
        if latest is None:
            raise WarehouseError("no run recorded yet: run `tpm-match nightly` first")
        if since_run_id is not None and rd.run(since_run_id) is None:
            raise WarehouseError(
                f"--since {since_run_id!r}: no such run; see "
                '`tpm-match sql "SELECT run_id FROM runs ORDER BY started_at DESC"`'
            )
        digest = candidate_digest(rd, record, latest.run_id, names, since_run_id)
    return digest, latest.run_id


def write_digest(settings: Settings, candidate_id: str, fmt: str = "html") -> Path:
    """Write the candidate's digest of the latest run to `digests_dir/<id>.<fmt>`."""
    from flows.alerts import feed_path, write_atomically
    from matcher.digest import render

    digest, _ = latest_digest(settings, candidate_id)
    base = feed_path(settings.digests_dir, candidate_id)
    if base is None:
        raise ValueError(f"candidate id {candidate_id!r} is not a safe file name")
    return write_atomically(base.with_suffix(SUFFIXES[fmt]), render(digest, fmt))


def send_now(settings: Settings, candidate_id: str, digest: Digest, run_id: str) -> list[str]:
    """Send `digest` to the candidate's notify URLs and record it; return one line per target."""
    from flows.alerts import Planned, alert_settings, send_planned
    from flows.notify import target_label
    from warehouse import Warehouse

    wh = Warehouse(settings.warehouse_path, settings.warehouse_storage_version)
    with wh.reader() as rd:
        record = next(r for r in rd.candidates() if r.id == candidate_id)
    urls, _ = alert_settings(record)
    if not urls:
        raise ValueError(f"{candidate_id}: the profile has no alerts.notify URLs (docs/profile.md)")
    targets = [(target_label(u, n), u) for n, u in enumerate(urls, start=1)]
    deliveries = send_planned(settings, [Planned(candidate_id, digest, targets)], run_id)
    with wh.staging(f"{run_id}-digest") as st:
        st.record_deliveries(deliveries)
        st.publish()
    return [
        f"{d.target}: {d.status} ({d.attempts} tries){f': {d.error}' if d.error else ''}"
        for d in deliveries
    ]


def register(app: typer.Typer) -> None:
    @app.command("digest")
    def digest(
        ctx: typer.Context,
        candidate: Annotated[str, typer.Option("--candidate", help="registered candidate id")],
        since: Annotated[
            str | None, typer.Option("--since", help="news of every run after this run id")
        ] = None,
        fmt: Annotated[Format, typer.Option("--format", help="output format")] = Format.text,
        send: Annotated[
            bool, typer.Option("--send", help="send it to the profile's alerts.notify URLs")
        ] = False,
    ) -> None:
        """Show (or send) what a candidate's digest holds: new, improved and closed matches."""
        from matcher.digest import render
        from warehouse import WarehouseError

        settings = settings_of(ctx)
        try:
            data, run_id = latest_digest(settings, candidate, since)
        except WarehouseError as exc:
            fail(str(exc))
        if not send:
            typer.echo(render(data, fmt.value), nl=False)
            return
        if data.empty:
            out_console.print("nothing changed: nothing sent")
            return
        try:
            lines = send_now(settings, candidate, data, run_id)
        except (ValueError, WarehouseError) as exc:
            fail(str(exc))
        for line in lines:
            err_console.print(line, highlight=False, markup=False)
        if any(": failed" in line for line in lines):
            raise typer.Exit(1)
