"""The nightly on a real Dask cluster (`dask scheduler` + two `dask worker` processes).

The same demo board crawled, extracted and scored in the flow's process, on the
two-worker cluster and on a one-worker local cluster gives the same warehouse (tables
compared without run ids and timestamps); a worker killed while the extraction runs has
its tasks rescheduled on the other, and the run succeeds; a scheduler that cannot be
reached is one clear error before anything is crawled.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from crawlers.demo_board import DemoBoard
from flows.candidates import add_candidate
from flows.cli import app
from flows.partitions import batch_count
from flows.progress import ProgressEvent, listening
from flows.settings import Settings
from tests.flows.dask_cluster import DaskCluster, dask_cluster
from tests.flows.prefect_server import free_port
from tests.flows.test_nightly import DEMO_KEPT
from warehouse import Warehouse

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

#: What differs between two builds of the same data: when, and in which run.
VOLATILE_TYPES = {"TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "DATE"}
TABLES = ("postings", "posting_requirements", "matches")


@pytest.fixture
def board(flow_settings: Settings) -> Iterator[DemoBoard]:
    with DemoBoard() as demo:
        demo.write_sources_yaml(flow_settings.sources_path)
        yield demo


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[DaskCluster]:
    with dask_cluster(tmp_path / "dask", n_workers=2) as running:
        yield running


def _tables(settings: Settings) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the compared tables, sorted, without timestamps and run ids."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with Warehouse(settings.warehouse_path).reader() as rd:
        for table in TABLES:
            columns = [
                name
                for name, kind in rd.con.execute(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_name = ? ORDER BY ordinal_position",
                    [table],
                ).fetchall()
                if kind not in VOLATILE_TYPES and name != "run_id"
            ]
            select = ", ".join(f'CAST("{c}" AS VARCHAR)' for c in columns)
            out[table] = sorted(rd.con.execute(f"SELECT {select} FROM {table}").fetchall())
    return out


def _nightly(base: Settings, name: str, repo_root: Path, **scale: Any) -> tuple[Settings, dict]:
    """One nightly run into its own warehouse, with the example candidate registered."""
    from flows.nightly import nightly

    root = base.work_dir.parent / name
    settings = base.model_copy(
        update={"warehouse_path": root / "tpm.duckdb", "work_dir": root / "out", **scale}
    )
    add_candidate(settings, repo_root / "examples" / "profile.yaml")
    summary = nightly(settings)
    assert summary["status"] == "success", summary
    return settings, summary


def _extractors_per_worker(cluster: DaskCluster) -> dict[str, int]:
    """How many spaCy pipelines each live worker process has built (by worker name)."""

    def count() -> int:
        from flows import tasks

        return len(tasks._EXTRACTORS)

    with cluster.client() as client:
        names = {a: w["name"] for a, w in client.scheduler_info()["workers"].items()}
        return {names[a]: n for a, n in client.run(count).items()}


def _completed_task_runs(name: str) -> int:
    """How many task runs named `name`-... the Prefect API holds as completed."""
    from prefect import get_client
    from prefect.client.schemas.filters import (
        TaskRunFilter,
        TaskRunFilterName,
        TaskRunFilterState,
        TaskRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import TaskRunSort

    runs = TaskRunFilter(
        name=TaskRunFilterName(like_=f"{name}-"),
        state=TaskRunFilterState(type=TaskRunFilterStateType(any_=[StateType.COMPLETED])),
    )
    with get_client(sync_client=True) as client:
        found = client.read_task_runs(
            task_run_filter=runs, sort=TaskRunSort.EXPECTED_START_TIME_DESC, limit=200
        )
    return len(found)


def test_a_two_worker_cluster_builds_the_same_warehouse(
    board: DemoBoard, cluster: DaskCluster, flow_settings: Settings, repo_root: Path
) -> None:
    local, local_summary = _nightly(flow_settings, "local", repo_root)
    before = _completed_task_runs("extract-batch")
    before_scoring = _completed_task_runs("score-partition")
    remote, remote_summary = _nightly(
        flow_settings, "cluster", repo_root, dask_address=cluster.address
    )
    # small tasks: many extraction batches and scoring partitions merged
    one, one_summary = _nightly(
        flow_settings,
        "one-worker",
        repo_root,
        dask_workers=1,
        extract_task_size=9,
        score_task_size=7,
    )
    # the workers' task runs are on the flow's Prefect server: a batch per worker of the
    # cluster, then the local cluster's batches of 9
    extracted = one_summary["stage_counts"]["extract"]["extracted"]
    batches = batch_count(extracted, 1, 9)
    assert batches > 5
    assert _completed_task_runs("extract-batch") == before + 2 + batches
    partitions = 2 + batch_count(DEMO_KEPT, 1, 7)
    assert _completed_task_runs("score-partition") == before_scoring + partitions

    expected = _tables(local)
    assert len(expected["postings"]) == DEMO_KEPT
    assert expected["posting_requirements"] and expected["matches"]
    assert _tables(remote) == expected
    assert _tables(one) == expected
    for summary in (remote_summary, one_summary):
        assert summary["stage_counts"] == local_summary["stage_counts"]
    # both workers extracted a batch (each built its pipeline once)
    assert _extractors_per_worker(cluster) == {"w0": 1, "w1": 1}


def _kill_when_extracting(cluster: DaskCluster, victim: str, killed: threading.Event):
    """A progress listener that kills worker `victim` once it runs an extraction batch."""

    def watch() -> None:
        with cluster.client() as client:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                workers = client.scheduler_info()["workers"]
                address = next(a for a, w in workers.items() if w["name"] == victim)
                if any("extract" in str(key) for key in client.processing([address])[address]):
                    break
                time.sleep(0.02)
        cluster.kill_worker(int(victim[1:]))
        killed.set()

    def listener(event: ProgressEvent) -> None:
        if event.stage == "extract" and "batches" in event.message and not killed.is_set():
            threading.Thread(target=watch, daemon=True).start()

    return listener


def test_a_worker_killed_mid_run_has_its_tasks_rescheduled(
    board: DemoBoard, cluster: DaskCluster, flow_settings: Settings, repo_root: Path
) -> None:
    killed = threading.Event()
    with listening(_kill_when_extracting(cluster, "w0", killed)):
        settings, summary = _nightly(
            flow_settings, "killed", repo_root, dask_address=cluster.address
        )
    assert killed.is_set() and cluster.workers[0].poll() is not None
    stages = summary["stage_counts"]
    assert stages["crawl"]["postings"] == DEMO_KEPT
    assert stages["extract"]["extracted"] == DEMO_KEPT
    tables = _tables(settings)
    assert len(tables["postings"]) == DEMO_KEPT and tables["matches"]
    # the surviving worker extracted the batch of the one that was killed
    assert _extractors_per_worker(cluster) == {"w1": 1}


def test_an_unreachable_scheduler_is_one_clear_error_before_crawling(
    board: DemoBoard, flow_settings: Settings, tmp_path: Path
) -> None:
    address = f"tcp://127.0.0.1:{free_port()}"
    env = {
        "TPM_MATCH_SOURCES_PATH": str(flow_settings.sources_path),
        "TPM_MATCH_WAREHOUSE_PATH": str(flow_settings.warehouse_path),
        "TPM_MATCH_WORK_DIR": str(flow_settings.work_dir),
        "TPM_MATCH_DASK_CONNECT_TIMEOUT_S": "2",
    }
    result = CliRunner().invoke(app, ["nightly", "--dask-address", address], env=env)
    assert result.exit_code != 0
    assert f"cannot reach the Dask scheduler at {address}" in result.output
    assert "dask worker" in result.output
    assert not flow_settings.work_dir.exists()  # nothing was crawled
    assert not flow_settings.warehouse_path.exists()
