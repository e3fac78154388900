"""Check the inputs of a run before starting Prefect (whose temporary server is slow to start).

Each loader raises its room's error naming the file, entry and field; `check_inputs`
gathers them so that a typo in `sources.yaml` costs a second, not a server start. The
warehouse is checked too (`Warehouse.check_ready`: folder writable, room for the staging
copy, no other load running), so a night is not spent crawling for a load that cannot run.
"""

from __future__ import annotations

from crawlers.sources import SourceError, load_sources
from flows.settings import Settings
from matcher.scoring.config import ScoringConfigError, load_scoring_config
from matcher.taxonomy import TaxonomyError, load_taxonomy
from warehouse import Warehouse


def check_inputs(settings: Settings, *, sources: bool = True) -> list[str]:
    """The problems with the taxonomy, scoring config, warehouse and (optionally) sources;
    [] if none."""
    problems = Warehouse(settings.warehouse_path).check_ready()
    try:
        load_taxonomy(settings.taxonomy_path)
    except (TaxonomyError, OSError) as exc:
        problems.append(str(exc))
    try:
        load_scoring_config(settings.scoring_config_path)
    except (ScoringConfigError, OSError) as exc:
        problems.append(str(exc))
    if sources:
        try:
            if not load_sources(settings.sources_path):
                problems.append(f"{settings.sources_path}: lists no sources; add boards to crawl")
        except (SourceError, OSError) as exc:
            problems.append(str(exc))
    return problems
