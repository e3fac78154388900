"""The `match-report` flow: one registered candidate's report, as a Prefect flow run.

It runs the one report path of `tpm-match report` (flows/commands/report.py): the
candidate's stored matches are read from the published warehouse (read-only).

Import this module only after `flows.runtime.configure_prefect`.
"""

from pathlib import Path

from prefect import flow

from flows.commands.report import write_report
from flows.settings import Settings, load_settings


@flow(name="match-report")
def match_report(
    candidate_id: str,
    settings: Settings | None = None,
    fmt: str = "html",
    out_path: str | None = None,
) -> str:
    """Write the match report of one registered candidate; return the file's path."""
    settings = settings or load_settings()
    path = write_report(settings, candidate_id, Path(out_path) if out_path else None, fmt)
    return str(path)
