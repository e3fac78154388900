"""A real Prefect server (`prefect server start`) on a free localhost port, for tests.

The server gets its own PREFECT_HOME and SQLite database under a temporary folder, no
telemetry, and a fast scheduler loop. Every process is started in its own process group
and the whole group is stopped on exit, even when the test fails.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from crawlers.runner import stop_group as stop_process_group

#: The server log line that means SQLAlchemy 2.1 broke the scheduler (see CONTRIBUTING).
BULK_DML_ERROR = "Can't evaluate bulk DML statement"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_group(proc: subprocess.Popen[bytes], grace_s: float = 15.0) -> None:
    """SIGINT the process group (Prefect stops cleanly), SIGKILL it after `grace_s`."""
    stop_process_group(proc, grace_s, first=signal.SIGINT)


@dataclass
class PrefectServer:
    api_url: str
    home: Path
    log_path: Path
    env: dict[str, str]

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def check_log(self) -> None:
        """Fail loudly if the scheduler hit the SQLAlchemy 2.1 bulk-DML problem."""
        if BULK_DML_ERROR in self.log():
            raise AssertionError(
                f"the Prefect server logged {BULK_DML_ERROR!r}: SQLAlchemy 2.1 breaks the "
                "scheduler; install sqlalchemy<2.1 (see requirements.lock)"
            )


def client_env(tmp: Path, api_url: str) -> dict[str, str]:
    """The environment a client process (serve, a flow run) needs to talk to the server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        {
            "PREFECT_API_URL": api_url,
            "PREFECT_HOME": str(tmp / "client-home"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
        }
    )
    return env


@contextmanager
def prefect_server(tmp: Path, startup_timeout_s: float = 180.0) -> Iterator[PrefectServer]:
    """Start `prefect server start` on a free port; yield once /api/health answers."""
    home = tmp / "server-home"
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        {
            "PREFECT_HOME": str(home),
            "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home}/prefect.db",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "PREFECT_UI_ENABLED": "false",
            "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5",
            "PREFECT_LOGGING_LEVEL": "INFO",
        }
    )
    log_path = tmp / "prefect-server.log"
    prefect_bin = Path(sys.executable).with_name("prefect")
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(prefect_bin), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = PrefectServer(api_url, home, log_path, env)
    try:
        deadline = time.monotonic() + startup_timeout_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"prefect server exited ({proc.returncode}):\n{server.log()}")
            try:
                if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"prefect server did not answer /api/health in {startup_timeout_s:.0f} s:\n"
                    + server.log()[-3000:]
                )
            time.sleep(1)
        yield server
    finally:
        stop_group(proc)
