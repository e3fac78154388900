"""Prefect's process settings (what tpm-match sets before Prefect is imported, and per
run) and the temporary server's lifetime: a stopped or killed nightly leaves none behind."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from flows.runtime import configure_prefect, local_run_settings
from flows.settings import Settings
from warehouse import Warehouse


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


def _demo_nightly(tmp_path: Path, repo_root: Path) -> subprocess.Popen[bytes]:
    """`tpm-match nightly --demo` as a user starts it, into a temporary warehouse."""
    env = {
        **os.environ,
        "TPM_MATCH_WAREHOUSE_PATH": str(tmp_path / "wh" / "tpm.duckdb"),
        "TPM_MATCH_WORK_DIR": str(tmp_path / "work"),
        "TPM_MATCH_REPORTS_DIR": str(tmp_path / "reports"),
    }
    log = (tmp_path / "nightly.log").open("wb")
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("tpm-match")), "nightly", "--demo"],
        cwd=repo_root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _child(parent: subprocess.Popen[bytes], module: str, timeout: float = 240) -> psutil.Process:
    """The first child process of `parent` running `python -m module`, once it exists."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert parent.poll() is None, "the nightly ended before the child started"
        for child in psutil.Process(parent.pid).children():
            with contextlib.suppress(psutil.Error):
                if module in child.cmdline():
                    return child
        time.sleep(0.1)
    raise AssertionError(f"no {module} process under the nightly after {timeout} s")


def _gone(process: psutil.Process, timeout: float) -> bool:
    """Whether `process` ends (or is left a zombie for init to reap) within `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow  # a temporary Prefect server, the demo board and Scrapy processes
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stopped_nightly_stops_its_server_and_records_the_run(
    sig: signal.Signals, tmp_path: Path, repo_root: Path
) -> None:
    nightly = _demo_nightly(tmp_path, repo_root)
    try:
        server = _child(nightly, "uvicorn")
        crawl = _child(nightly, "crawlers.crawl_process")  # the flow run is under way
        nightly.send_signal(sig)
        status = nightly.wait(timeout=60)
        assert _gone(server, 10), "the temporary Prefect server outlived the nightly"
        assert _gone(crawl, 10), "the crawl process outlived the nightly"
    finally:
        nightly.kill()
    assert status == 128 + sig  # as the shell reports a process stopped by `sig`
    with Warehouse(tmp_path / "wh" / "tpm.duckdb").reader() as rd:
        runs = rd.con.execute("SELECT status, source_errors FROM runs").fetchall()
    assert runs == [("failed", json.dumps({"*": [f"interrupted by {sig.name}"]}))]


@pytest.mark.slow  # a temporary Prefect server
def test_the_server_dies_with_a_killed_nightly(tmp_path: Path, repo_root: Path) -> None:
    nightly = _demo_nightly(tmp_path, repo_root)
    try:
        server = _child(nightly, "uvicorn")
        nightly.kill()  # SIGKILL: no handler, no exit hook runs
        assert nightly.wait(timeout=10) == -signal.SIGKILL
        assert _gone(server, 10), "the temporary Prefect server outlived a killed nightly"
    finally:
        nightly.kill()
