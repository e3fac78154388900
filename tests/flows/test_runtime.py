"""Prefect's process settings: what tpm-match sets before Prefect is imported, and per run."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.runtime import configure_prefect, local_run_settings
from flows.settings import Settings


def test_configure_prefect_keeps_what_the_user_exported(tmp_path: Path) -> None:
    environ = {"DO_NOT_TRACK": "0", "PREFECT_LOGGING_LEVEL": "DEBUG"}
    applied = configure_prefect(Settings(work_dir=tmp_path), log_level="warning", environ=environ)
    assert environ["DO_NOT_TRACK"] == "0" and environ["PREFECT_LOGGING_LEVEL"] == "DEBUG"
    assert applied["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert applied["PREFECT_HOME"] == str((tmp_path / "prefect").resolve())
    assert (tmp_path / "prefect").is_dir()
    served = configure_prefect(
        Settings(work_dir=tmp_path, prefect_api_url="http://127.0.0.1:4200/api"), environ={}
    )
    assert served["PREFECT_API_URL"] == "http://127.0.0.1:4200/api"
    assert "PREFECT_HOME" not in served


@pytest.mark.slow  # runs a Prefect flow against a temporary server
def test_heartbeats_are_off_only_against_the_temporary_server(tmp_path: Path) -> None:
    from prefect import flow
    from prefect.settings import get_current_settings

    default = get_current_settings().flows.heartbeat_frequency
    assert default is not None  # Prefect 3.8 sends them every 180 s by default

    @flow(name="runtime-heartbeat-check")
    def heartbeat_setting() -> int | None:
        return get_current_settings().flows.heartbeat_frequency

    with local_run_settings(Settings(work_dir=tmp_path)):
        assert heartbeat_setting() is None
    served = Settings(work_dir=tmp_path, prefect_api_url="http://127.0.0.1:4200/api")
    with local_run_settings(served):
        assert get_current_settings().flows.heartbeat_frequency == default
    assert get_current_settings().flows.heartbeat_frequency == default
