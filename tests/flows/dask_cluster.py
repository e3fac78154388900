"""A real Dask cluster for tests: `dask scheduler` and `dask worker` processes (the CLIs).

Each process gets its own process group, its log in a file, and is stopped (SIGTERM,
then SIGKILL) when the block ends, even when the test fails. Workers run without a
nanny, so a worker that is killed stays dead (its tasks go to the others).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from crawlers.runner import stop_group
from tests.flows.prefect_server import free_port

#: The `dask` command installed beside this interpreter.
DASK = Path(sys.executable).with_name("dask")


@dataclass
class DaskCluster:
    """A running scheduler and its workers."""

    address: str
    scheduler: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def client(self):  # type: ignore[no-untyped-def]
        """A client of the scheduler (close it after use)."""
        from distributed import Client

        return Client(self.address, timeout=30, set_as_default=False)

    def kill_worker(self, index: int) -> None:
        """SIGKILL one worker (no nanny: it is not restarted)."""
        os.killpg(self.workers[index].pid, signal.SIGKILL)
        self.workers[index].wait(10)


def _start(args: list[str], log: Path, cwd: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(DASK), *args],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def _stopper(proc: subprocess.Popen[bytes]):  # type: ignore[no-untyped-def]
    def stop() -> None:
        if proc.poll() is None:
            stop_group(proc, grace_s=10.0)

    return stop


@contextmanager
def dask_cluster(root: Path, n_workers: int = 2) -> Iterator[DaskCluster]:
    """Start a scheduler on a free localhost port and `n_workers` one-thread workers."""
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    with ExitStack() as stack:
        scheduler = _start(
            ["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            root / "scheduler.log",
            root,
        )
        stack.callback(_stopper(scheduler))
        cluster = DaskCluster(address, scheduler)
        for i in range(n_workers):
            worker = _start(
                [
                    "worker",
                    address,
                    "--nthreads",
                    "1",
                    "--no-nanny",
                    "--no-dashboard",
                    "--name",
                    f"w{i}",
                    "--host",
                    "127.0.0.1",
                ],
                root / f"worker{i}.log",
                root,
            )
            stack.callback(_stopper(worker))
            cluster.workers.append(worker)
        with cluster.client() as client:
            client.wait_for_workers(n_workers, timeout=120)
        yield cluster
