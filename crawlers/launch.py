"""Start one `scrapy ...` crawl as its own process: forked from a warm server, or exec'd.

Scrapy's reactor cannot be restarted in one process, so every crawl is a process of its
own, in its own session (process group), with its log in a file and a hard timeout
enforced from outside (`CrawlProcess.stop`). Two ways to start it:

- `fork` (the default): a fork server (crawlers/fork_server.py, started on first use and
  kept for the life of this process) has imported Scrapy, Twisted and our spiders once
  (crawlers/warm_imports.py); each crawl is a fresh fork of it that runs
  `scrapy.cmdline.execute`, installing its own reactor. This saves the 1.5 CPU-seconds of
  imports that otherwise dominate a crawl of an unchanged board. The server keeps the
  code it imported: a long-running process (`tpm-match serve`) picks up code changes
  when it is restarted.
- `exec`: `python -m scrapy ...` in a new interpreter, as you would type it (slower;
  useful to reproduce a crawl by hand).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

LauncherName = Literal["fork", "exec"]
#: Seconds a spider gets to close cleanly (write its stats and items) after SIGTERM.
GRACE_S = 10.0
#: Exit status given to crawls whose fork server died under them.
SERVER_LOST = -255


class CrawlProcess(Protocol):
    """A started crawl: its pid (also its process group), wait and stop."""

    pid: int

    def wait(self, timeout: float | None) -> int | None:
        """The exit status once it ended within `timeout` seconds, else None."""
        ...

    def stop(self) -> None:
        """SIGTERM its process group (Scrapy closes cleanly), SIGKILL it after GRACE_S."""
        ...


def stop_group(
    pid: int,
    wait: Callable[[float], int | None],
    grace_s: float = GRACE_S,
    first: signal.Signals = signal.SIGTERM,
) -> None:
    """Send `first` (SIGTERM) to the process group `pid`, then SIGKILL if `wait(grace_s)` is None.

    A process that has not yet made itself a group leader gets the signal directly.
    """
    for sig, seconds in ((first, grace_s), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                return
        if wait(seconds) is not None:
            return


class _Started:
    """What both kinds of crawl process share: stopping the group through `wait`."""

    pid: int

    def wait(self, timeout: float | None) -> int | None:
        raise NotImplementedError

    def stop(self) -> None:
        stop_group(self.pid, self.wait)


class _Exec(_Started):
    """A crawl in a new interpreter (`subprocess.Popen`, new session)."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self.pid = proc.pid

    def wait(self, timeout: float | None) -> int | None:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None


class _Forked(_Started):
    """A crawl forked by the fork server: its exit status arrives from the server."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.status: int | None = None
        self.ended = threading.Event()

    def finish(self, status: int) -> None:
        self.status = status
        self.ended.set()

    def wait(self, timeout: float | None) -> int | None:
        self.ended.wait(timeout)
        return self.status


class ForkServer:
    """A running `python -m crawlers.fork_server` and the crawls it forked for us.

    Thread-safe: `start` may be called from several threads. A reader thread turns the
    server's answers into pids and exit statuses. If the server dies, every crawl still
    running ends with `SERVER_LOST` and the next `fork_server()` call starts a new one.
    """

    def __init__(self, cwd: Path, env: Mapping[str, str], ready_timeout_s: float = 120.0) -> None:
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (open while the server runs)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "crawlers.fork_server"],
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
        )
        self._lock = threading.Lock()
        self._next_id = 0
        self._replies: dict[int, tuple[threading.Event, dict[str, Any]]] = {}
        self._crawls: dict[int, _Forked] = {}
        self.alive = True
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read, name="crawl-fork-server", daemon=True)
        self._reader.start()
        if not self._ready.wait(ready_timeout_s) or not self.alive:
            self.close()
            raise OSError(f"the crawl fork server did not start: {self.error_tail()}")

    def error_tail(self) -> str:
        """The last lines the server wrote to stderr (why it failed, if it did)."""
        with contextlib.suppress(ValueError, OSError):
            self._errors.seek(0)
            lines = self._errors.read().decode("utf-8", "replace").strip().splitlines()
            return " | ".join(lines[-3:]) or "no message"
        return "no message"

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            try:
                message = json.loads(raw)
            except ValueError:
                continue
            self._dispatch(message)
        with self._lock:  # the server is gone: nothing more will arrive
            self.alive = False
            crawls, self._crawls = list(self._crawls.values()), {}
            replies = list(self._replies.values())
        for crawl in crawls:
            crawl.finish(SERVER_LOST)
        for done, _ in replies:
            done.set()
        self._ready.set()

    def _dispatch(self, message: dict[str, Any]) -> None:
        if message.get("ready"):
            self._ready.set()
        elif "exit" in message:
            with self._lock:
                crawl = self._crawls.pop(message["exit"], None)
            if crawl is not None:
                crawl.finish(int(message["status"]))
        else:
            with self._lock:
                entry = self._replies.get(message.get("id"))
                if entry is None:  # an answer to no request of ours: nothing waits for it
                    return
                done, slot = entry
                slot.update(message)
                if "pid" in message:  # registered before any exit message is read
                    slot["crawl"] = self._crawls[message["pid"]] = _Forked(message["pid"])
            done.set()

    def start(
        self, args: Sequence[str], cwd: Path, env: Mapping[str, str], log_path: Path
    ) -> _Forked:
        """Ask the server to fork `scrapy ARGS`; raise OSError if it cannot."""
        done = threading.Event()
        slot: dict[str, Any] = {}
        request = {"args": list(args), "cwd": str(cwd), "env": dict(env), "log": str(log_path)}
        with self._lock:
            if not self.alive:
                raise OSError(f"the crawl fork server has exited: {self.error_tail()}")
            self._next_id += 1
            request_id = request["id"] = self._next_id
            self._replies[request_id] = (done, slot)
            assert self.proc.stdin is not None
            try:
                self.proc.stdin.write((json.dumps(request) + "\n").encode("utf-8"))
                self.proc.stdin.flush()
            except OSError as exc:
                del self._replies[request_id]
                raise OSError(f"the crawl fork server is gone: {exc}") from exc
        done.wait()
        with self._lock:
            self._replies.pop(request_id, None)
        if "crawl" not in slot:
            reason = slot.get("error") or f"the server exited ({self.error_tail()})"
            raise OSError(f"the crawl fork server could not start the crawl: {reason}")
        crawl: _Forked = slot["crawl"]
        return crawl

    def close(self) -> None:
        """Close its stdin: it stops the crawls still running and exits."""
        with contextlib.suppress(OSError, ValueError):
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=GRACE_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(timeout=GRACE_S)
        self._errors.close()


_server_lock = threading.Lock()
_server: ForkServer | None = None


def fork_server(cwd: Path, env: Mapping[str, str]) -> ForkServer:
    """This process's fork server, started on first use (and again if it died).

    `env` is the server's own environment; it matters for its imports (PYTHONPATH,
    PYTHONPYCACHEPREFIX). Each crawl runs with the environment of its own request.
    """
    global _server
    with _server_lock:
        if _server is None or not _server.alive:
            _server = ForkServer(cwd, env)
            atexit.register(_server.close)
        return _server


def start_crawl(
    launcher: LauncherName,
    args: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    log_path: Path,
) -> CrawlProcess:
    """Start `scrapy ARGS` (e.g. `crawl lever -a company=x -O out.jsonl`) one way or the other.

    stdout and stderr go to `log_path`; stdin is empty. Raises OSError when the process
    cannot be started.
    """
    if launcher == "exec":
        with Path(log_path).open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "scrapy", *args],
                cwd=cwd,
                env=dict(env),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        return _Exec(proc)
    if launcher != "fork":
        raise ValueError(f"unknown crawl launcher {launcher!r}: use 'fork' or 'exec'")
    return fork_server(cwd, env).start(args, cwd, env, log_path)
