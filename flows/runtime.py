"""Prepare the process environment for Prefect before Prefect is imported.

Prefect reads its settings from the environment once, when it is first imported, so the
entry points (the CLI commands, the bench script) call `configure_prefect` first and
import `flows.nightly` (and with it Prefect) afterwards. Library modules never touch the
environment at import time.

What it sets, only where the caller has not set it already:

- telemetry off: `PREFECT_SERVER_ANALYTICS_ENABLED=false`, `DO_NOT_TRACK=1`;
- `PREFECT_API_URL` from `settings.prefect_api_url` when given (a real server); without
  it Prefect runs flows against a temporary local server (ephemeral mode), offline;
- in ephemeral mode, `PREFECT_HOME` under the project's work dir (`out/prefect`) so the
  temporary server's SQLite database stays with the project, and a generous start-up
  timeout for the temporary server on a busy machine;
- optionally a quieter Prefect console log (`PREFECT_LOGGING_LEVEL`).

`local_run_settings` is the one setting that cannot go through the environment (it
needs None): flow-run heartbeats off while a flow runs against the temporary server. It
also starts that server itself (`flows.prefect_server`), so that the server dies with
this process even on kill -9. `exit_on_sigterm` lets a SIGTERM (what `timeout`, systemd
and cron wrappers send) unwind the process like Ctrl-C does, so exit hooks run: Prefect's
stops the temporary server, `finally` blocks stop crawls and the demo board.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path

from flows.settings import Settings

#: Seconds the temporary (ephemeral) Prefect server may take to start.
EPHEMERAL_STARTUP_TIMEOUT_S = 120


def prefect_environment(
    settings: Settings,
    *,
    log_level: str | None = None,
    home: Path | None = None,
    ephemeral: bool = True,
) -> dict[str, str]:
    """The Prefect variables tpm-match wants for `settings` (without applying them).

    With `ephemeral=False` (serving against a server) PREFECT_HOME is left alone, so the
    user's Prefect profile (`prefect config set PREFECT_API_URL=...`) still applies.

    >>> from flows.settings import Settings
    >>> env = prefect_environment(Settings(work_dir="w"))
    >>> env["DO_NOT_TRACK"], env["PREFECT_SERVER_ANALYTICS_ENABLED"]
    ('1', 'false')
    >>> env["PREFECT_HOME"].endswith("/w/prefect")
    True
    >>> "PREFECT_HOME" in prefect_environment(Settings(prefect_api_url="http://h:4200/api"))
    False
    """
    env = {
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }
    if settings.prefect_api_url:
        env["PREFECT_API_URL"] = settings.prefect_api_url
    elif ephemeral:
        env["PREFECT_HOME"] = str((home or settings.work_dir / "prefect").resolve())
        env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = str(EPHEMERAL_STARTUP_TIMEOUT_S)
    if log_level:
        env["PREFECT_LOGGING_LEVEL"] = log_level.upper()
    return env


def configure_prefect(
    settings: Settings,
    *,
    log_level: str | None = None,
    ephemeral: bool = True,
    environ: MutableMapping[str, str] | None = None,
) -> dict[str, str]:
    """Apply `prefect_environment` to the process environment; return what was set.

    Values the user already exported win (`setdefault`), except that telemetry stays off
    unless explicitly enabled. Warns on stderr when Prefect was imported earlier, because
    then the new values may not take effect.
    """
    target = os.environ if environ is None else environ
    applied: dict[str, str] = {}
    for name, value in prefect_environment(
        settings, log_level=log_level, ephemeral=ephemeral
    ).items():
        if name not in target:
            target[name] = value
            applied[name] = value
    if environ is None and "prefect" in sys.modules and applied:
        print(
            "warning: prefect was imported before tpm-match configured it; "
            f"{', '.join(sorted(applied))} may be ignored",
            file=sys.stderr,
        )
    home = target.get("PREFECT_HOME")
    if home and "PREFECT_API_URL" not in target:
        Path(home).mkdir(parents=True, exist_ok=True)
    return applied


@contextmanager
def local_run_settings(settings: Settings) -> Iterator[None]:
    """Run flows inside this block; in ephemeral mode, without flow-run heartbeats, and
    against a temporary server that cannot outlive this process (`flows.prefect_server`).

    Heartbeats let a real Prefect server notice a flow run whose process died. The
    temporary server of ephemeral mode dies with this process, so there they only cost:
    Prefect 3.8's heartbeat thread sleeps in one-second steps and is joined when the run
    ends, which holds every flow run up to a second. With `prefect_api_url` (a real
    server) Prefect's own setting applies. Call after `configure_prefect`.
    """
    if settings.prefect_api_url:
        yield
        return
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    if not PREFECT_API_URL.value():  # ephemeral mode: Prefect's clients will use this one
        from flows.prefect_server import TemporaryServer

        TemporaryServer().start()  # stopped by Prefect's exit hook, or by its parent's death
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # the status a shell reports for a process `signum` stopped


@contextmanager
def exit_on_sigterm() -> Iterator[None]:
    """In this block (main thread), SIGTERM raises `SystemExit(143)` instead of killing.

    The process then unwinds like on Ctrl-C: `finally` blocks and exit hooks run. Inside
    a flow run Prefect's own handler comes first (the run is marked crashed and the
    nightly records it as failed), then hands the signal back to this one.
    """
    previous = signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
