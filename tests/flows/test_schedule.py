"""The scheduled deployment against a REAL Prefect server (slow: starts two processes).

`prefect server start` on a free port, then `tpm-match serve` pointed at it for the
nightly flow on the demo board into a temporary warehouse. Through the server's REST API:
the deployment exists with the cron schedule and time zone, the scheduler has created
scheduled runs, and a run triggered now completes; then the warehouse holds its results.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest

from crawlers.demo_board import DemoBoard
from tests.flows.prefect_server import client_env, prefect_server, stop_group

pytestmark = pytest.mark.slow

CRON = "0 2 * * *"
TIMEZONE = "Europe/Berlin"
FLOW, DEPLOYMENT = "nightly", "tpm-match-nightly"


def _wait_for(
    what: str, check: Callable[[], Any], timeout_s: float, logs: Callable[[], str]
) -> Any:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(2)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}\n{logs()}")


def test_served_deployment_is_scheduled_and_a_triggered_run_completes(
    tmp_path: Path, repo_root: Path
) -> None:
    warehouse = tmp_path / "wh" / "tpm.duckdb"
    with DemoBoard() as board, prefect_server(tmp_path) as server:
        sources = board.write_sources_yaml(tmp_path / "sources.yaml")
        env = client_env(tmp_path, server.api_url)
        env.update(
            {
                "TPM_MATCH_SOURCES_PATH": str(sources),
                "TPM_MATCH_WAREHOUSE_PATH": str(warehouse),
                "TPM_MATCH_WORK_DIR": str(tmp_path / "work"),
                "TPM_MATCH_TAXONOMY_PATH": str(repo_root / "skills_taxonomy.yaml"),
                "TPM_MATCH_SCORING_CONFIG_PATH": str(repo_root / "scoring.yaml"),
                "TPM_MATCH_CRAWL_RETRIES": "0",
                "PREFECT_RUNNER_POLL_FREQUENCY": "2",
            }
        )
        serve_log = tmp_path / "serve.log"
        tpm_match = Path(sys.executable).with_name("tpm-match")
        with serve_log.open("wb") as log:
            serve = subprocess.Popen(
                [str(tpm_match), "serve", "--cron", CRON, "--timezone", TIMEZONE],
                cwd=tmp_path,  # the deployment must not depend on the directory
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

        def logs() -> str:
            tail = serve_log.read_text(encoding="utf-8", errors="replace")[-4000:]
            return f"--- serve log ---\n{tail}\n--- server log ---\n{server.log()[-3000:]}"

        api = httpx.Client(base_url=server.api_url, timeout=10)
        try:

            def deployment() -> dict[str, Any] | None:
                if serve.poll() is not None:
                    raise AssertionError(f"tpm-match serve exited ({serve.returncode})\n{logs()}")
                response = api.get(f"/deployments/name/{FLOW}/{DEPLOYMENT}")
                return response.json() if response.status_code == 200 else None

            dep = _wait_for("the served deployment", deployment, 180, logs)
            schedules = [s["schedule"] for s in dep["schedules"]]
            assert [(s.get("cron"), s.get("timezone")) for s in schedules] == [(CRON, TIMEZONE)]
            assert dep["parameters"]["settings"]["warehouse_path"] == str(warehouse)

            def scheduled_runs() -> list[dict[str, Any]]:
                body = {
                    "flow_runs": {
                        "deployment_id": {"any_": [dep["id"]]},
                        "state": {"type": {"any_": ["SCHEDULED"]}},
                    }
                }
                return api.post("/flow_runs/filter", json=body).json()

            runs = _wait_for("the scheduler's cron runs", scheduled_runs, 90, logs)
            server.check_log()
            for run in runs:  # every cron run is at 02:00 Berlin time
                assert run["next_scheduled_start_time"] is not None
            hours = {r["expected_start_time"][11:16] for r in runs}
            assert hours <= {"01:00", "00:00"}, hours  # 02:00 CET / CEST in UTC

            created = api.post(f"/deployments/{dep['id']}/create_flow_run", json={})
            assert created.status_code == 201, created.text
            run_id = created.json()["id"]

            def finished() -> dict[str, Any] | None:
                state = api.get(f"/flow_runs/{run_id}").json()["state"]
                if state["type"] in {"FAILED", "CRASHED", "CANCELLED"}:
                    raise AssertionError(f"the triggered run ended {state['type']}\n{logs()}")
                return state if state["type"] == "COMPLETED" else None

            _wait_for("the triggered run to complete", finished, 480, logs)
            server.check_log()
        finally:
            api.close()
            stop_group(serve)

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        open_postings = con.execute("SELECT count(*) FROM v_open_postings").fetchone()
        statuses = con.execute("SELECT status FROM runs").fetchall()
    finally:
        con.close()
    assert open_postings is not None and open_postings[0] >= 30
    assert statuses == [("success",)]
