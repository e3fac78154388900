"""Which task runner the work units get, and the preflight check of a Dask cluster."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from flows.settings import Settings
from flows.task_runner import cluster_problem, in_process, split, work_runner, worker_count
from tests.flows.prefect_server import free_port


def test_no_cluster_runs_the_units_in_this_process() -> None:
    from prefect.task_runners import ThreadPoolTaskRunner

    runner = work_runner(Settings())
    assert isinstance(runner, ThreadPoolTaskRunner) and worker_count(runner) == 1
    assert in_process(Settings()) and cluster_problem(Settings()) is None


def test_an_address_or_a_worker_count_gives_a_dask_runner() -> None:
    from prefect_dask import DaskTaskRunner

    remote = work_runner(Settings(dask_address="tcp://10.0.0.1:8786"))
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://10.0.0.1:8786"
    local = work_runner(Settings(dask_workers=3))
    assert isinstance(local, DaskTaskRunner) and local.address is None
    assert local.cluster_kwargs["n_workers"] == 3
    assert local.cluster_kwargs["processes"] is True
    assert local.cluster_kwargs["threads_per_worker"] == 1


def test_an_address_and_a_worker_count_are_refused() -> None:
    with pytest.raises(ValidationError, match="not both"):
        Settings(dask_address="tcp://h:8786", dask_workers=2)
    both = Settings().model_copy(update={"dask_address": "tcp://h:1", "dask_workers": 2})
    assert "both set" in (cluster_problem(both) or "")


def test_an_unreachable_scheduler_is_named_with_what_to_do() -> None:
    address = f"tcp://127.0.0.1:{free_port()}"
    problem = cluster_problem(Settings(dask_address=address, dask_connect_timeout_s=1))
    assert problem is not None
    assert f"cannot reach the Dask scheduler at {address} within 1 s" in problem
    assert "dask scheduler" in problem and "TPM_MATCH_DASK_ADDRESS" in problem


def test_split_keeps_order_and_sizes_within_one() -> None:
    items = list(range(103))
    for parts in (1, 2, 7, 103, 500):
        pieces = split(items, parts)
        assert [x for p in pieces for x in p] == items
        assert len(pieces) == min(parts, 103)
        assert max(map(len, pieces)) - min(map(len, pieces)) <= 1


def test_a_local_clusters_workers_report_to_this_process_prefect_api() -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    url = f"http://127.0.0.1:{free_port()}/api"
    with temporary_settings(updates={PREFECT_API_URL: url}):
        local = work_runner(Settings(dask_workers=2))
    assert local.cluster_kwargs["env"] == {"PREFECT_API_URL": url}


@pytest.mark.slow
def test_in_ephemeral_mode_the_workers_get_the_temporary_servers_url() -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.prefect_server import TemporaryServer, current_api_url

    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        server = TemporaryServer()  # the one Prefect's clients use in ephemeral mode
        if server.server_process is None:
            assert current_api_url() is None
            assert work_runner(Settings(dask_workers=1)).cluster_kwargs["env"] == {}
            server.start()
        assert current_api_url() == server.api_url
        env = work_runner(Settings(dask_workers=1)).cluster_kwargs["env"]
    assert env == {"PREFECT_API_URL": server.api_url}
