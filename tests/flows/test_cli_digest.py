"""`tpm-match digest`: show a registered candidate's news in each format, or send it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from flows.cli import app
from matcher.taxonomy import Taxonomy
from tests.warehouse.conftest import DAY1, DAY2
from tests.warehouse.test_match_events import _m, _night
from warehouse import Warehouse

runner = CliRunner()


@pytest.fixture
def wh(tmp_path: Path, repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> Warehouse:
    path = tmp_path / "wh" / "tpm.duckdb"
    monkeypatch.setenv("TPM_MATCH_WAREHOUSE_PATH", str(path))
    monkeypatch.setenv("TPM_MATCH_TAXONOMY_PATH", str(repo_root / "skills_taxonomy.yaml"))
    monkeypatch.setenv("TPM_MATCH_ALERT_RETRY_DELAY_S", "0")
    return Warehouse(path)


def _two_nights(wh: Warehouse, taxonomy: Taxonomy, notify: list[str] | None = None) -> None:
    profile = {"name": "Ann", "alerts": {"notify": notify or []}}
    _night(wh, taxonomy, "r1", DAY1, [1, 2], [_m(1, 80), _m(2, 90)], profile=profile)
    _night(wh, taxonomy, "r2", DAY2, [1, 3], [_m(1, 80), _m(3, 75)], profile=profile)


def test_the_latest_run_or_every_run_since_one(wh: Warehouse, taxonomy: Taxonomy) -> None:
    _two_nights(wh, taxonomy)
    latest = runner.invoke(app, ["digest", "--candidate", "ann"])
    assert latest.exit_code == 0, latest.output
    assert latest.output.startswith("tpm-match: 1 new, 0 improved, 1 closed matches")
    assert "Jira" in latest.output  # concept names, not ids
    since = runner.invoke(
        app, ["digest", "--candidate", "ann", "--since", "r1", "--format", "json"]
    )
    assert json.loads(since.output)["run_ids"] == ["r2"]
    html = runner.invoke(app, ["digest", "--candidate", "ann", "--format", "html"])
    assert html.output.startswith("<!DOCTYPE html>") and 'id="closed"' in html.output


def test_unknown_candidate_or_run_is_a_clear_error(wh: Warehouse, taxonomy: Taxonomy) -> None:
    _two_nights(wh, taxonomy)
    nobody = runner.invoke(app, ["digest", "--candidate", "nobody"])
    assert nobody.exit_code == 2 and "tpm-match candidates list" in nobody.output
    bad_run = runner.invoke(app, ["digest", "--candidate", "ann", "--since", "nope"])
    assert bad_run.exit_code == 2 and "--since 'nope': no such run" in bad_run.output
    unsent = runner.invoke(app, ["digest", "--candidate", "ann", "--send"])
    assert unsent.exit_code == 2 and "no alerts.notify" in unsent.output


@pytest.mark.slow
def test_send_posts_once_and_records_the_delivery(
    wh: Warehouse, taxonomy: Taxonomy, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    _two_nights(wh, taxonomy, [f"json://127.0.0.1:{httpserver.port}/hook"])
    sent = runner.invoke(app, ["digest", "--candidate", "ann", "--send"])
    assert sent.exit_code == 0, sent.output
    assert "json#1: sent (1 tries)" in sent.output and len(httpserver.log) == 1
    with wh.reader() as rd:
        (delivery,) = rd.digest_deliveries("ann")
    assert (delivery.run_id, delivery.status, delivery.events) == ("r2", "sent", 2)
