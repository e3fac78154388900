"""Prefect's temporary API server, started so that it cannot outlive the tpm-match process.

In ephemeral mode Prefect starts a temporary server (`SubprocessASGIServer`, a uvicorn
subprocess of about 200 MB holding a port) the first time a client needs one, and stops
it from an `atexit` hook. A process ended by SIGTERM's default action or by kill -9 runs
no exit hook, so each stopped run used to leave one server behind. `TemporaryServer` is
Prefect's class with one change: on Linux the server process is given a parent-death
signal (`prctl(PR_SET_PDEATHSIG, SIGTERM)`, set between fork and exec), so the kernel
stops it when the process that started it dies, however it dies. The signal follows the
*thread* that started the server: start it from the main thread
(`flows.runtime.local_run_settings` does).

Import this module only after `flows.runtime.configure_prefect` (it imports Prefect).
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import prefect
from prefect.server.api.server import SubprocessASGIServer
from prefect.settings import get_current_settings

#: linux/prctl.h
PR_SET_PDEATHSIG = 1


def die_with_parent() -> Callable[[], None] | None:
    """A `preexec_fn` that makes the child receive SIGTERM when this process dies.

    None where `prctl` does not exist (not Linux): there only a clean exit stops the
    server. If this process died between fork and `prctl`, the child exits at once.
    """
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before fork, not in the child
    parent = os.getpid()

    def arm() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:
            os._exit(1)

    return arm


class TemporaryServer(SubprocessASGIServer):
    """Prefect's temporary server whose process dies with this one (see the module doc)."""

    def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
        """Prefect 3.8.8's command for the server, plus the parent-death signal."""
        server_env = {
            "PREFECT_UI_ENABLED": "0",
            "PREFECT__SERVER_EPHEMERAL": "1",
            "PREFECT__SERVER_FINAL": "1",
        }
        return subprocess.Popen(
            args=[
                sys.executable,
                "-m",
                "uvicorn",
                "--app-dir",
                str(prefect.__module_path__.parent),
                "--factory",
                "prefect.server.api.server:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "error",
                "--lifespan",
                "on",
            ],
            env={
                **os.environ,
                **server_env,
                **get_current_settings().to_environment_variables(exclude_unset=True),
            },
            preexec_fn=die_with_parent(),  # only prctl runs in the child
        )


def current_api_url() -> str | None:
    """The Prefect API this process's flow runs report to: `PREFECT_API_URL`, else the
    temporary server of ephemeral mode once started (None before)."""
    from prefect.settings import PREFECT_API_URL

    if url := PREFECT_API_URL.value():
        return str(url)
    server = SubprocessASGIServer()  # the one Prefect's clients start and use (port None)
    return server.api_url if server.server_process is not None else None
