"""Sending one digest through Apprise to a real local HTTP receiver (`json://`).

Retries wait through an injected `sleep` (the delays are checked, never slept), and
references (`{env:NAME}`, `{secret:BLOCK}`) are resolved at send time.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from pytest_httpserver import HTTPServer

from flows.notify import NotifyError, resolve_references, send_digest, target_label
from matcher.digest import MatchEvent, build_digest

pytestmark = pytest.mark.slow  # a local HTTP server

EVENT = MatchEvent(
    "r1", datetime(2026, 11, 24, 2), "ann", "p1", "new", 81.0, None, 70.0, ("tool.jira",), (),
    "Senior TPM", "Acme", "https://jobs.example.test/p1",
)  # fmt: skip
DIGEST = build_digest("ann", "Ann", [EVENT], {"tool.jira": "Jira"})


def test_a_refused_post_is_retried_with_backoff_then_sent(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_data("no", status=503)
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_data("no", status=503)
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_data("ok")
    slept: list[float] = []
    outcome = send_digest(
        f"json://127.0.0.1:{httpserver.port}/hook",
        DIGEST,
        retries=3,
        delay_s=0.5,
        sleep=slept.append,
    )
    assert (outcome.ok, outcome.attempts, slept) == (True, 3, [0.5, 1.0])
    payload = json.loads(httpserver.log[-1][0].get_data())
    assert payload["title"] == DIGEST.subject
    assert "Senior TPM at Acme" in payload["message"] and "matched: Jira" in payload["message"]


def test_a_target_that_never_answers_fails_after_every_retry(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hook").respond_with_data("no", status=500)
    slept: list[float] = []
    outcome = send_digest(
        f"json://127.0.0.1:{httpserver.port}/hook", DIGEST, retries=2, delay_s=1, sleep=slept.append
    )
    assert (outcome.ok, outcome.attempts, slept) == (False, 3, [1, 2])
    assert outcome.error and "127.0.0.1" not in outcome.error


def test_an_env_reference_is_resolved_at_send_time(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/s3cr3t-path", method="POST").respond_with_data("ok")
    url = f"json://127.0.0.1:{httpserver.port}/{{env:TPM_TEST_HOOK_PATH}}"
    monkeypatch.delenv("TPM_TEST_HOOK_PATH", raising=False)
    missing = send_digest(url, DIGEST, retries=0, delay_s=0)
    assert not missing.ok and missing.error == (
        "{env:TPM_TEST_HOOK_PATH}: the environment variable TPM_TEST_HOOK_PATH is not set"
    )
    monkeypatch.setenv("TPM_TEST_HOOK_PATH", "s3cr3t-path")
    assert send_digest(url, DIGEST, retries=0, delay_s=0).ok
    assert len(httpserver.log) == 1


def test_references_and_labels_never_show_the_url() -> None:
    assert resolve_references("json://h/{secret:hook}", secret={"hook": "tok"}.__getitem__) == (
        "json://h/tok"
    )
    with pytest.raises(NotifyError, match=r"^\{secret:nope\}: cannot load") as raised:
        resolve_references("json://user:pw@h/{secret:nope}", secret={}.__getitem__)
    assert "pw@h" not in str(raised.value)
    assert target_label("MAILTO://a:b@example.com", 2) == "mailto#2"
    unknown = send_digest("nosuchservice://x/y", DIGEST, retries=3, delay_s=0)
    assert (unknown.ok, unknown.attempts) == (False, 1) and "x/y" not in (unknown.error or "")
