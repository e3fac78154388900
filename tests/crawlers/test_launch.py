"""How a crawl process starts: forked from the warm fork server, or a new interpreter."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from crawlers import launch
from crawlers.launch import SERVER_LOST, ForkServer, start_crawl
from crawlers.runner import REPO_ROOT, crawl_env, crawl_source
from crawlers.sources import Source
from tests.crawlers.conftest import FAST, read_jsonl


def _comparable(path: Path | None) -> list[dict]:
    rows = read_jsonl(path)
    for row in rows:
        row.pop("fetched_at", None)
    return sorted(rows, key=lambda r: r["id"])


def test_warm_imports_load_scrapy_without_installing_a_reactor() -> None:
    code = (
        "import sys\n"
        "from crawlers.warm_imports import warm_all\n"
        "skipped = warm_all()\n"
        "assert 'scrapy.crawler' in sys.modules and 'crawlers.spiders.lever' in sys.modules\n"
        "print('reactor' if 'twisted.internet.reactor' in sys.modules else 'no reactor')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "no reactor", out.stderr


def test_unknown_launcher_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="use 'fork' or 'exec'"):
        start_crawl("thread", ["version"], cwd=REPO_ROOT, env={}, log_path=tmp_path / "l")  # type: ignore[arg-type]


@pytest.mark.slow
def test_fork_and_exec_crawls_give_the_same_postings(tmp_path: Path) -> None:
    from crawlers.demo_board import DemoBoard

    with DemoBoard() as board:
        source = next(s for s in board.sources() if s.key == "lever:quarry-games")
        results = {
            name: crawl_source(
                source,
                tmp_path / f"{name}.jsonl",
                timeout_s=60,
                settings_overrides=FAST,
                launcher=name,
            )
            for name in ("fork", "exec")
        }
    fork, exec_ = results["fork"], results["exec"]
    assert fork.ok and exec_.ok, (fork.errors, exec_.errors)
    assert fork.kept == exec_.kept == 9
    assert fork.dropped_by_filter == exec_.dropped_by_filter
    assert _comparable(fork.out_path) == _comparable(exec_.out_path)
    assert "Spider closed (finished)" in (fork.log_path or Path()).read_text()


@pytest.mark.slow
@pytest.mark.parametrize("launcher", ["fork", "exec"])
def test_hard_timeout_stops_either_kind_of_crawl(
    fault_server: HTTPServer, tmp_path: Path, launcher: launch.LauncherName
) -> None:
    base = fault_server.url_for("").rstrip("/")
    started = time.monotonic()
    result = crawl_source(
        Source(type="ashby", board="slow", api_base=base),
        tmp_path / "slow.jsonl",
        timeout_s=2,
        settings_overrides={**FAST, "DOWNLOAD_TIMEOUT": 60},
        launcher=launcher,
    )
    assert not result.ok
    assert any("timed out after 2 s" in e for e in result.errors), result.errors
    assert time.monotonic() - started < 2 + 10 + 6  # timeout + SIGTERM grace + SIGKILL wait
    assert result.out_path is not None and result.out_path.exists()


def _start_slow_crawl(
    server: ForkServer, fault_server: HTTPServer, env: dict[str, str], tmp_path: Path
) -> Any:
    """A forked crawl of the board that answers after SLOW_SECONDS (still running)."""
    base = fault_server.url_for("").rstrip("/")
    crawl = server.start(
        ["crawl", "ashby", "-a", "board=slow", "-a", f"api_base={base}"],
        REPO_ROOT,
        env,
        tmp_path / "slow.log",
    )
    assert crawl.wait(0.2) is None  # still fetching the slow board
    return crawl


@pytest.mark.slow
def test_a_crawl_whose_fork_server_dies_fails_and_the_next_starts_a_new_server(
    fault_server: HTTPServer, tmp_path: Path
) -> None:
    env = crawl_env(os.environ)
    server = ForkServer(REPO_ROOT, env)
    try:
        crawl = _start_slow_crawl(server, fault_server, env, tmp_path)
        server.proc.send_signal(signal.SIGKILL)
        assert crawl.wait(10) == SERVER_LOST
        assert not server.alive
        with pytest.raises(OSError, match="fork server has exited"):
            server.start(["version"], REPO_ROOT, env, tmp_path / "v.log")
    finally:
        server.close()
    if _alive(crawl.pid):  # orphaned by the server's death: not ours to leave behind
        os.killpg(crawl.pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
def test_closing_the_fork_server_stops_its_running_crawls(
    fault_server: HTTPServer, tmp_path: Path
) -> None:
    env = crawl_env(os.environ)
    server = ForkServer(REPO_ROOT, env)
    crawl = _start_slow_crawl(server, fault_server, env, tmp_path)
    server.close()  # what happens at exit, or when the caller dies and stdin closes
    assert crawl.wait(10) is not None
    deadline = time.monotonic() + 15
    while _alive(crawl.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(crawl.pid)


def test_fork_server_reports_a_request_it_cannot_run(tmp_path: Path) -> None:
    env = crawl_env(os.environ)
    server = ForkServer(REPO_ROOT, env)
    try:
        crawl = server.start(["version"], tmp_path / "missing-dir", env, tmp_path / "v.log")
        assert crawl.wait(30) == 1  # chdir failed in the child: a crawl that failed
        ok = server.start(["version"], REPO_ROOT, env, tmp_path / "ok.log")
        assert ok.wait(30) == 0
        assert "Scrapy" in (tmp_path / "ok.log").read_text()
        assert server.alive
    finally:
        server.close()
