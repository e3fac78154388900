"""Where the nightly's work units run: in the flow's process, or on a Dask cluster.

The flow submits the same tasks (flows/tasks.py: crawl partitions, extraction batches,
scoring partitions) to the task runner `work_runner` picks from the settings:

- `dask_address`: prefect-dask's `DaskTaskRunner` connected to a running scheduler;
- `dask_workers`: a `DaskTaskRunner` that starts a `distributed.LocalCluster` of that many
  worker processes (one thread each) for the run and stops it afterwards; the workers
  report their task runs to this process's Prefect API (in ephemeral mode each would
  otherwise start a temporary Prefect server of its own, which nobody reads);
- neither: Prefect's `ThreadPoolTaskRunner`, in the flow's own process.

`cluster_problem` is the preflight check: one clear message, before anything is crawled,
when the scheduler cannot be reached in `dask_connect_timeout_s` or has no workers.

Import this module only after `flows.runtime.configure_prefect` (it imports Prefect when
called).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from flows.settings import Settings

if TYPE_CHECKING:
    from prefect.task_runners import TaskRunner

T = TypeVar("T")


def work_runner(settings: Settings) -> TaskRunner[Any]:
    """A new (not yet started) task runner for the work units of one run; enter it with `with`."""
    if settings.dask_address or settings.dask_workers:
        from prefect_dask import DaskTaskRunner

        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        from flows.prefect_server import current_api_url

        api_url = current_api_url()
        return DaskTaskRunner(
            cluster_class="distributed.LocalCluster",
            cluster_kwargs={
                "n_workers": settings.dask_workers,
                "threads_per_worker": 1,
                "processes": True,
                "dashboard_address": ":0",
                "env": {"PREFECT_API_URL": api_url} if api_url else {},
            },
        )
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner()


def worker_count(runner: TaskRunner[Any]) -> int:
    """How many processes the (started) runner's tasks spread over: Dask's workers, else 1.

    In-process tasks share one interpreter, so the flow gives each unit one task there.
    """
    client = getattr(runner, "client", None)
    if client is None:
        return 1
    return max(1, len(client.nthreads()))


def cluster_problem(settings: Settings) -> str | None:
    """Why the configured Dask cluster cannot run the nightly now; None when it can.

    Connects to `dask_address` with `dask_connect_timeout_s` and asks for its workers;
    nothing to check without an address (a local cluster is started for the run).
    """
    if settings.dask_address and settings.dask_workers:
        return "dask_address and dask_workers are both set: give one of them"
    address = settings.dask_address
    if not address:
        return None
    from distributed import Client

    timeout = settings.dask_connect_timeout_s
    try:
        with Client(address, timeout=timeout, set_as_default=False) as client:
            workers = len(client.nthreads())
    except (OSError, TimeoutError, ValueError) as exc:
        return (
            f"cannot reach the Dask scheduler at {address} within {timeout:g} s "
            f"({type(exc).__name__}: {exc}); start it with `dask scheduler` and its workers "
            f"with `dask worker {address}`, or run without --dask-address "
            "(setting dask_address, TPM_MATCH_DASK_ADDRESS)"
        )
    if workers == 0:
        return (
            f"the Dask scheduler at {address} has no workers: "
            f"start them with `dask worker {address}`"
        )
    return None


def split(items: Sequence[T], parts: int) -> list[list[T]]:
    """`items` cut in at most `parts` contiguous pieces of near-equal size (none empty).

    >>> split(list(range(7)), 3)
    [[0, 1, 2], [3, 4], [5, 6]]
    >>> split([1, 2], 5), split([], 2)
    ([[1], [2]], [])
    """
    parts = max(1, min(parts, len(items)))
    size, extra = divmod(len(items), parts)
    out: list[list[T]] = []
    start = 0
    for i in range(parts if items else 0):
        stop = start + size + (i < extra)
        out.append(list(items[start:stop]))
        start = stop
    return out


def in_process(settings: Settings) -> bool:
    """Whether the work units run in the flow's own process (no Dask cluster configured).

    >>> in_process(Settings()), in_process(Settings(dask_workers=2))
    (True, False)
    """
    return not (settings.dask_address or settings.dask_workers)


class ClusterError(RuntimeError):
    """The configured Dask cluster cannot run the work units; the message says why."""


@contextmanager
def start_runner(settings: Settings) -> Iterator[TaskRunner[Any]]:
    """Check the cluster (`cluster_problem`, raising ClusterError), then start and yield
    `work_runner(settings)`; stopped (a local cluster shut down) when the block ends."""
    problem = cluster_problem(settings)
    if problem:
        raise ClusterError(problem)
    with work_runner(settings) as runner:
        yield runner
