"""Fixtures of the flow tests: Prefect telemetry off, a temporary Prefect test harness."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

# Before anything imports Prefect (the Makefile exports these too): no telemetry.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

from flows.settings import Settings

#: A TPM title carrying rich markup (kept), and a rejected job whose id is a closing tag.
MARKUP_TITLE = "Technical Program Manager [/] [bold red]Payments[/bold red]"
HOSTILE_JOBS = {
    "jobs": [
        {"id": "[/]", "title": "", "content": "&lt;p&gt;No title.&lt;/p&gt;"},
        {
            "id": 77,
            "title": MARKUP_TITLE,
            "company_name": "[/]Evil[red] Corp",
            "absolute_url": "https://boards.example.test/evil/77",
            "location": {"name": "Remote [/]"},
            "updated_at": "2026-10-20T09:00:00-04:00",
            "content": "&lt;p&gt;Run the roadmap in Jira [/].&lt;/p&gt;",
        },
    ]
}


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server (SQLite in a temp dir) for every flow test."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def flow_settings(tmp_path: Path, repo_root: Path) -> Settings:
    """Settings for a flow run into a temporary warehouse (sources_path set by the test)."""
    return Settings(
        warehouse_path=tmp_path / "warehouse" / "tpm.duckdb",
        work_dir=tmp_path / "out",
        reports_dir=tmp_path / "reports",
        taxonomy_path=repo_root / "skills_taxonomy.yaml",
        scoring_config_path=repo_root / "scoring.yaml",
        sources_path=tmp_path / "sources.yaml",
        crawl_concurrency=4,
        crawl_retries=1,
        crawl_retry_delay_s=0.5,
        crawl_timeout_s=120,
    )


@pytest.fixture
def wide_console() -> Iterator[None]:
    """The CLI's rich consoles 400 columns wide, so that table cells are not wrapped."""
    from flows.commands.common import err_console, out_console

    widths = [(console, console.width) for console in (err_console, out_console)]
    for console, _ in widths:
        console.width = 400
    yield
    for console, width in widths:
        console.width = width


@pytest.fixture
def hostile_sources(tmp_path: Path) -> Iterator[Path]:
    """A sources file of two local Greenhouse boards whose text holds rich markup: `evil`
    (one kept posting, one rejected with id `[/]`) and `shape` (an answer whose only key is
    `[/]`, an error naming it)."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(threaded=True)
    server.start()
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    server.expect_request("/v1/boards/evil/jobs").respond_with_json(HOSTILE_JOBS)
    server.expect_request("/v1/boards/shape/jobs").respond_with_json({"[/]": []})
    base = server.url_for("").rstrip("/")
    path = tmp_path / "hostile-sources.yaml"
    path.write_text(
        "sources:\n"
        f"  - {{type: greenhouse, board: evil, api_base: '{base}'}}\n"
        f"  - {{type: greenhouse, board: shape, api_base: '{base}'}}\n",
        encoding="utf-8",
    )
    yield path
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def env(tmp_path: Path, repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A warehouse of open postings and the settings pointing at it; cwd is the repository."""
    monkeypatch.chdir(repo_root)
    wh = tmp_path / "wh" / "tpm.duckdb"
    monkeypatch.setenv("TPM_MATCH_WAREHOUSE_PATH", str(wh))
    monkeypatch.setenv("TPM_MATCH_TAXONOMY_PATH", str(repo_root / "skills_taxonomy.yaml"))
    monkeypatch.setenv("TPM_MATCH_SCORING_CONFIG_PATH", str(repo_root / "scoring.yaml"))
    return wh


class SmtpInbox:
    """An aiosmtpd handler that keeps each message, or refuses every one (`refuse`)."""

    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.messages: list[bytes] = []
        self.refused = 0

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        if self.refuse:
            self.refused += 1
            return "550 5.7.1 refused by the test server"
        self.messages.append(bytes(envelope.content))
        return "250 OK"


@contextmanager
def smtp_server(refuse: bool = False) -> Iterator[tuple[SmtpInbox, int]]:
    """A real SMTP server (aiosmtpd) on a free localhost port: (inbox, port)."""
    from aiosmtpd.controller import Controller

    from tests.flows.prefect_server import free_port

    inbox = SmtpInbox(refuse)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
def smtp() -> Iterator[tuple[SmtpInbox, int]]:
    """An SMTP server that accepts every message."""
    with smtp_server() as served:
        yield served


@pytest.fixture
def refusing_smtp() -> Iterator[tuple[SmtpInbox, int]]:
    """An SMTP server that refuses every message (550)."""
    with smtp_server(refuse=True) as served:
        yield served
