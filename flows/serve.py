"""Serve the nightly deployment on a cron schedule against a Prefect server.

Ephemeral mode (no server) runs flows but never schedules, so `tpm-match serve` needs a
server (`prefect server start`) and `PREFECT_API_URL` (or `settings.prefect_api_url`).
It creates/updates the deployment `nightly/tpm-match-nightly` with the cron schedule in
the configured time zone and then runs every flow run the server schedules, in a
subprocess, until stopped (Ctrl-C pauses the schedule).

Import this module only after `flows.runtime.configure_prefect`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flows.settings import Settings

DEPLOYMENT_NAME = "tpm-match-nightly"


class ServeError(RuntimeError):
    """Serving cannot start; the message says what to do."""


def deployment_parameters(settings: Settings) -> dict[str, Any]:
    """The flow's `settings` parameter, JSON-ready, with every path made absolute.

    Absolute paths keep the scheduled runs independent of the directory they start in.

    >>> params = deployment_parameters(Settings(warehouse_path="w/x.duckdb"))
    >>> Path(params["settings"]["warehouse_path"]).is_absolute()
    True
    """
    data = settings.model_dump(mode="json", exclude={"config_file"})
    for name, value in settings:
        if isinstance(value, Path) and name in data:
            data[name] = str(value.resolve())
    return {"settings": data}


def require_server(api_url: str | None) -> str:
    """The server URL, or a ServeError explaining how to start one."""
    if not api_url:
        raise ServeError(
            "scheduling needs a Prefect server (ephemeral mode cannot run schedules): "
            "start one with `prefect server start --host 127.0.0.1 --port 4200` and set "
            "PREFECT_API_URL=http://127.0.0.1:4200/api (or TPM_MATCH_PREFECT_API_URL)"
        )
    return api_url


def configured_api_url() -> str | None:
    """The API URL Prefect will use (its own settings: PREFECT_API_URL or the profile)."""
    from prefect.settings import get_current_settings

    return get_current_settings().api.url


def serve_nightly(settings: Settings, *, name: str = DEPLOYMENT_NAME, limit: int = 1) -> None:
    """Create the scheduled deployment and run its flow runs until interrupted."""
    require_server(configured_api_url())
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    from flows.nightly import nightly

    nightly.serve(
        name=name,
        schedules=[Cron(settings.schedule_cron, timezone=settings.timezone)],
        parameters=deployment_parameters(settings),
        description="tpm-match: crawl, extract, load, score and publish, every night",
        tags=["tpm-match"],
        limit=limit,
        # `flows.nightly.nightly`: works from any directory with the package installed
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
