"""The `match-report` flow: one registered candidate's report from the published warehouse.

It reads the candidate and the open postings (read-only), rebuilds the candidate's facts
with the current taxonomy, builds the report with `matcher.report.build_report` (the
same scoring as the nightly run) and writes it as HTML (or text, md, json).

Import this module only after `flows.runtime.configure_prefect`.
"""

from pathlib import Path

from prefect import flow

from flows.candidates import candidate_facts
from flows.settings import Settings, load_settings
from matcher.report import SUFFIXES, Report, build_report, render
from matcher.scoring_config import load_scoring_config
from matcher.taxonomy import load_taxonomy
from warehouse import Warehouse, WarehouseError


def candidate_report(settings: Settings, candidate_id: str) -> Report:
    """Build the report of a registered candidate; WarehouseError if unknown or invalid."""
    taxonomy = load_taxonomy(settings.taxonomy_path)
    config = load_scoring_config(settings.scoring_config_path)
    with Warehouse(settings.warehouse_path).reader() as rd:
        records = [r for r in rd.candidates() if r.id == candidate_id]
        if not records:
            raise WarehouseError(
                f"no registered candidate {candidate_id!r} in {settings.warehouse_path}; "
                "see `tpm-match candidates list`"
            )
        pairs = rd.open_postings()
    facts, errors = candidate_facts(records, taxonomy)
    if errors:
        raise WarehouseError("; ".join(errors))
    return build_report(facts[0], pairs, taxonomy, config, top=settings.top_k)


def report_path(settings: Settings, candidate_id: str, fmt: str = "html") -> Path:
    """Where the report goes by default: `reports/<candidate id>.html`.

    >>> str(report_path(Settings(reports_dir="r"), "ada-1234"))
    'r/ada-1234.html'
    """
    return settings.reports_dir / f"{candidate_id}{SUFFIXES[fmt]}"


def write_report(
    settings: Settings, candidate_id: str, out_path: Path | None = None, fmt: str = "html"
) -> Path:
    """Build and write one candidate's report; return its path."""
    if fmt not in SUFFIXES:
        raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(SUFFIXES)}")
    target = out_path or report_path(settings, candidate_id, fmt)
    text = render(candidate_report(settings, candidate_id), fmt)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


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
