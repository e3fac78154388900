"""The crawl fork server: import Scrapy once, then fork one fresh process per crawl.

Run as `python -m crawlers.fork_server` by `crawlers.launch.ForkServer`, never by hand.
It imports `crawlers.warm_imports` (Scrapy, Twisted, our spiders and every component the
settings name) and then serves requests, one JSON object per line on stdin:

    {"id": 1, "args": ["crawl", "lever", "-a", "company=x", "-O", "o.jsonl:jsonlines"],
     "cwd": "/repo", "env": {...}, "log": "/tmp/o.jsonl.log"}

For each it forks a child that starts a new session (so the caller can stop its whole
process group), sends stdout and stderr to `log`, takes `cwd` and `env`, and runs
`scrapy.cmdline.execute(["scrapy", *args])`, which installs a fresh reactor. On stdout
it answers `{"id": 1, "pid": 1234}` (or `{"id": 1, "error": "..."}`) and, once the child
ended, `{"exit": 1234, "status": 0}` (negative: killed by that signal). When stdin
closes (the caller exited or died) it sends SIGTERM to every crawl still running and
exits. It is single-threaded: forking from a process with other threads could copy a
held lock into the child.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import sys
import traceback
from typing import Any, BinaryIO


def _child(request: dict[str, Any], keep_out: int) -> int:
    """Run one crawl in the freshly forked child; return its exit status."""
    os.setsid()
    os.close(keep_out)
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    argv = ["scrapy", *request["args"]]
    sys.argv = argv
    try:
        from scrapy.cmdline import execute

        execute(argv)
    except SystemExit as exc:
        if exc.code is None:
            return 0
        return exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
        return 1
    return 0


def _fork(request: dict[str, Any], out: int) -> int:
    """Fork a crawl for `request`; return the child's pid (in the parent only)."""
    pid = os.fork()
    if pid == 0:  # the child never returns from here
        status = 1
        try:
            status = _child(request, out)
        except BaseException:  # before Scrapy ran (bad cwd, log path): say why, in the log
            traceback.print_exc()
        finally:
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()
            os._exit(status)
    return pid


def _send(out: int, message: dict[str, Any]) -> None:
    data = (json.dumps(message) + "\n").encode("utf-8")
    while data:
        data = data[os.write(out, data) :]


def _reap(out: int, running: set[int]) -> None:
    """Report every child that has ended."""
    while running:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        running.discard(pid)
        _send(out, {"exit": pid, "status": os.waitstatus_to_exitcode(status)})


def _stop_all(running: set[int]) -> None:
    for pid in running:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)


def serve(inp: BinaryIO, out: int) -> None:
    """Serve fork requests read from `inp` until it closes, answering on fd `out`."""
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    selector = selectors.DefaultSelector()
    selector.register(inp.fileno(), selectors.EVENT_READ, "requests")
    selector.register(wake_r, selectors.EVENT_READ, "children")
    running: set[int] = set()
    pending = b""
    while True:
        for key, _ in selector.select():
            if key.data == "children":
                with contextlib.suppress(BlockingIOError):
                    os.read(wake_r, 4096)
                continue
            chunk = os.read(inp.fileno(), 65536)
            if not chunk:
                _stop_all(running)
                return
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if line.strip():
                    _answer(line, out, running)
        _reap(out, running)


def _answer(line: bytes, out: int, running: set[int]) -> None:
    request: dict[str, Any] = {}
    try:
        request = json.loads(line)
        pid = _fork(request, out)
    except Exception as exc:  # a bad request or fork failing: tell the caller
        _send(out, {"id": request.get("id"), "error": f"{type(exc).__name__}: {exc}"})
        return
    running.add(pid)
    _send(out, {"id": request["id"], "pid": pid})


def main() -> None:
    """Warm the imports, say `{"ready": true, ...}`, then serve stdin until it closes."""
    out = os.dup(1)  # the answers; fd 1 itself goes to stderr, so stray prints are harmless
    os.dup2(2, 1)
    from crawlers.warm_imports import warm_all

    skipped = warm_all()
    _send(out, {"ready": True, "pid": os.getpid(), "skipped": skipped})
    serve(sys.stdin.buffer, out)


if __name__ == "__main__":
    main()
