"""Match alerts end to end: a demo night with real SMTP and HTTP receivers.

The nightly flow runs on the demo board (real Scrapy crawl, real DuckDB) under the
temporary Prefect server. The candidate's digest reaches a real SMTP server (aiosmtpd)
and a local HTTP receiver (`json://`), once; a second night with no changes sends
nothing; an SMTP server that refuses gives a recorded failure and a successful night;
no address, name or notify URL of the candidate reaches the logs, the run summary or the
Prefect artifact.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import yaml
from pytest_httpserver import HTTPServer

from crawlers.demo_board import DemoBoard
from flows.candidates import add_candidate
from flows.settings import Settings
from tests.flows.conftest import SmtpInbox
from tests.flows.test_nightly import _artifact_of
from warehouse import Warehouse

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

ATOM = "{http://www.w3.org/2005/Atom}"
ADDRESS = "ada@example.com"  # the example profile's, and the digest's recipient


class LogLines(logging.Handler):
    """Every record that reaches the root logger's handlers, as `name: message` lines."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name}: {record.getMessage()}")


@pytest.fixture
def logged() -> Iterator[LogLines]:
    """A handler on the root logger, added after Prefect has set up its logging (Prefect's
    set-up replaces the root handlers, pytest's caplog among them)."""
    import flows.nightly  # noqa: F401  (Prefect is imported and its logging set up)

    handler = LogLines()
    logging.getLogger().addHandler(handler)
    try:
        yield handler
    finally:
        logging.getLogger().removeHandler(handler)


@pytest.fixture
def board() -> Iterator[DemoBoard]:
    with DemoBoard() as demo:
        yield demo


def _profile(tmp_path: Path, repo_root: Path, notify: list[str]) -> Path:
    data = yaml.safe_load((repo_root / "examples" / "profile.yaml").read_text(encoding="utf-8"))
    data["alerts"] = {"min_score": 60, "notify": notify, "digest": "nightly"}
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _mailto(port: int) -> str:
    """The recipient is an environment reference, resolved at send time."""
    return f"mailto://127.0.0.1:{port}?from=alerts@example.test&to={{env:TPM_TEST_ALERT_TO}}&mode=insecure"


class _Headings(HTMLParser):
    """The text of each `<h3>` inside an `<article class="... entry-new">`."""

    def __init__(self) -> None:
        super().__init__()
        self.new: list[str] = []
        self._in_new = self._in_h3 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self._in_new = "entry-new" in (dict(attrs).get("class") or "")
        elif tag == "h3" and self._in_new:
            self._in_h3 = True
            self.new.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h3":
            self._in_h3 = False

    def handle_data(self, data: str) -> None:
        if self._in_h3:
            self.new[-1] += data


def _prefect_logs() -> str:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        response = client._client.post("/logs/filter", json={"limit": 200})
    response.raise_for_status()
    return "\n".join(str(row.get("message")) for row in response.json())


def _assert_private(texts: dict[str, str], secrets: list[str]) -> None:
    for where, text in texts.items():
        for secret in secrets:
            assert secret not in text, f"{secret!r} leaked into {where}"


def test_a_night_mails_and_posts_one_digest_and_a_quiet_night_sends_nothing(
    board: DemoBoard,
    flow_settings: Settings,
    smtp: tuple[SmtpInbox, int],
    httpserver: HTTPServer,
    tmp_path: Path,
    repo_root: Path,
    monkeypatch: pytest.MonkeyPatch,
    logged: LogLines,
) -> None:
    from flows.nightly import nightly

    inbox, port = smtp
    monkeypatch.setenv("TPM_TEST_ALERT_TO", ADDRESS)
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    hook = f"json://127.0.0.1:{httpserver.port}/hook"
    board.write_sources_yaml(flow_settings.sources_path)
    cid = add_candidate(flow_settings, _profile(tmp_path, repo_root, [_mailto(port), hook]))
    cid = cid.facts.candidate_id

    first = nightly(flow_settings)
    assert first["status"] == "success", first
    assert first["stage_counts"]["alerts"]["sent"] == 2, first["stage_counts"]
    with Warehouse(flow_settings.warehouse_path).reader() as rd:
        new = [e for e in rd.match_events(cid, first["run_id"]) if e.kind == "new"]
        assert len(new) >= 2 and first["stage_counts"]["events"]["new"] == len(new)
        assert {(d.target, d.status) for d in rd.digest_deliveries(cid)} == {
            ("mailto#1", "sent"), ("json#2", "sent"),
        }  # fmt: skip
        run = rd.run(first["run_id"])
        assert run is not None and run.stage_counts["alerts"]["sent"] == 2

    # the e-mail: one message, subject with the counts, one entry per new match
    assert len(inbox.messages) == 1
    mail = message_from_bytes(inbox.messages[0], policy=policy.default)
    assert isinstance(mail, EmailMessage)
    subject = f"tpm-match: {len(new)} new, 0 improved, 0 closed matches"
    assert mail["Subject"] == subject and mail["To"] == ADDRESS
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    headings = _Headings()
    headings.feed(html)
    # parsing un-escapes: each heading reads back exactly as the posting's title and company
    by_score = sorted(new, key=lambda e: (-e.score, e.posting_id))
    assert headings.new == [f"{e.title} · {e.company}" for e in by_score]
    assert "<script" not in html.lower() and "report" not in subject
    assert all(e.title in text for e in new)

    # the webhook: one POST of Apprise's JSON with the digest as text
    assert len(httpserver.log) == 1
    payload = json.loads(httpserver.log[0][0].get_data())
    assert payload["title"] == subject
    assert all(e.title in payload["message"] for e in new)

    # the feed: valid Atom, one entry per event
    feed = ET.parse(flow_settings.feeds_dir / f"{cid}.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    assert all(feed.find(f"{ATOM}{tag}") is not None for tag in ("id", "title", "updated"))
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(new)
    assert all(
        e.find(f"{ATOM}id") is not None and e.find(f"{ATOM}updated") is not None for e in entries
    )

    # a second night with nothing changed sends nothing
    second = nightly(flow_settings)
    assert second["status"] == "success"
    assert second["stage_counts"]["events"] == {"new": 0, "improved": 0, "closed": 0}
    assert second["stage_counts"]["alerts"]["sent"] == 0
    assert len(inbox.messages) == 1 and len(httpserver.log) == 1

    # privacy: counts only in logs, summaries and artifacts
    _assert_private(
        {
            "log records": "\n".join(logged.lines),
            "Prefect logs": _prefect_logs(),
            "first artifact": _artifact_of(first["run_id"]),
            "second artifact": _artifact_of(second["run_id"]),
            "run summaries": json.dumps([first, second]),
        },
        [ADDRESS, "Ada Example", "mailto:", hook, f"127.0.0.1:{port}"],
    )


def test_a_refused_digest_is_recorded_and_the_night_succeeds(
    board: DemoBoard,
    flow_settings: Settings,
    refusing_smtp: tuple[SmtpInbox, int],
    tmp_path: Path,
    repo_root: Path,
    monkeypatch: pytest.MonkeyPatch,
    logged: LogLines,
) -> None:
    from flows.nightly import nightly

    inbox, port = refusing_smtp
    monkeypatch.setenv("TPM_TEST_ALERT_TO", ADDRESS)
    settings = flow_settings.model_copy(update={"alert_retries": 2, "alert_retry_delay_s": 0.01})
    board.write_sources_yaml(settings.sources_path)
    cid = add_candidate(settings, _profile(tmp_path, repo_root, [_mailto(port)])).facts.candidate_id

    summary: dict[str, Any] = nightly(settings)
    assert summary["status"] == "success", summary
    assert summary["stage_counts"]["alerts"]["failed"] == 1
    assert summary["stage_counts"]["alerts"]["sent"] == 0
    assert inbox.refused == 3  # the first try and two retries
    with Warehouse(settings.warehouse_path).reader() as rd:
        (delivery,) = rd.digest_deliveries(cid)
        run = rd.run(summary["run_id"])
    assert (delivery.target, delivery.status, delivery.attempts) == ("mailto#1", "failed", 3)
    assert delivery.error and ADDRESS not in delivery.error
    assert run is not None and run.stage_counts["alerts"]["failed"] == 1
    artifact = _artifact_of(summary["run_id"])
    assert "failed 1" in artifact
    # Apprise warns with the recipient when a send fails: none of it reaches the logs
    _assert_private(
        {
            "log records": "\n".join(logged.lines),
            "Prefect logs": _prefect_logs(),
            "artifact": artifact,
        },
        [ADDRESS, "Ada Example", "mailto:", f"127.0.0.1:{port}"],
    )
