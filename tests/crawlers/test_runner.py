"""The runner's contract: results in input order, never an exception, hard timeout."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from crawlers.runner import REPO_ROOT, CrawlResult, crawl, merge_outputs, recrawl
from crawlers.sources import Source
from flows.cli import app
from tests.crawlers.conftest import FAST


@pytest.mark.slow
def test_a_failing_source_does_not_stop_the_others_results_in_input_order(
    tmp_path: Path,
) -> None:
    from crawlers.demo_board import DemoBoard

    with DemoBoard() as board:
        good = next(s for s in board.sources() if s.key == "ashby:kestrel-security")
        # a site the demo board does not have: 404
        bad = Source(type="jsonld", urls=[f"{board.base_url}/jsonld/x/careers.html"])
        results = crawl([good, bad], tmp_path, FAST, 60)
    assert list(results) == [good.key, bad.key]
    assert results[good.key].ok and results[good.key].kept == 4
    assert not results[bad.key].ok and results[bad.key].errors
    assert (REPO_ROOT / "scrapy.cfg").is_file()


def test_recrawl_waits_longer_each_time_and_stops_at_the_first_success() -> None:
    source = Source(type="lever", company="acme")
    tries: list[int] = []

    def once(s: Source) -> CrawlResult:
        tries.append(1)
        return CrawlResult(s.key, ok=False, errors=[f"try {len(tries)}"])

    waits: list[float] = []
    last = recrawl(source, once, retries=3, delay_s=0.5, sleep=waits.append)
    assert waits == [0.5, 1.0, 2.0] and not last.ok and last.errors == ["try 3"]
    assert not recrawl(source, once, retries=0, delay_s=1, sleep=waits.append).ok


def test_merge_keeps_input_order_and_skips_torn_lines(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text('{"id": "x:1"}\n{"id": "x:2"}\n')
    b.write_text('{"id": "y:1"}\n{"id": "y:2", "tit')  # killed mid-write
    results = [
        CrawlResult("x", True, out_path=a),
        CrawlResult("y", False, out_path=b),
        CrawlResult("z", False, out_path=None),
    ]
    out = tmp_path / "all.jsonl"
    assert merge_outputs(results, out) == 3
    assert out.read_text().splitlines() == ['{"id": "x:1"}', '{"id": "x:2"}', '{"id": "y:1"}']


@pytest.mark.slow
def test_cli_exit_status_non_zero_only_when_every_source_failed(
    fault_server: HTTPServer, tmp_path: Path
) -> None:
    base = fault_server.url_for("").rstrip("/")
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - {{type: greenhouse, board: gone, api_base: '{base}'}}\n")
    runner = CliRunner()
    env = {"TPM_MATCH_CRAWL_TIMEOUT_S": "60", "TPM_MATCH_CRAWL_RETRIES": "0"}
    failed = runner.invoke(
        app, ["crawl", "--sources", str(sources), "--out", str(tmp_path / "o.jsonl")], env=env
    )
    assert failed.exit_code == 1, failed.output
    flat = " ".join(failed.output.split())
    assert "error greenhouse:gone:" in flat and "HTTP 404" in flat
    with sources.open("a") as fh:
        fh.write(f"  - {{type: greenhouse, board: empty, api_base: '{base}'}}\n")
    mixed = runner.invoke(
        app, ["crawl", "--sources", str(sources), "--out", str(tmp_path / "o.jsonl")], env=env
    )
    assert mixed.exit_code == 0, mixed.output


def test_cli_bad_sources_file_names_the_entry(tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - {type: lever, board: acme}\n")
    result = CliRunner().invoke(app, ["crawl", "--sources", str(sources), "--out", "x.jsonl"])
    assert result.exit_code == 2
    flat = " ".join(result.output.split())
    assert "entry 1 (lever: acme)" in flat and "needs 'company'" in flat


@pytest.mark.slow
def test_http_cache_switch_serves_the_second_crawl_from_disk(tmp_path: Path) -> None:
    from crawlers.demo_board import DemoBoard

    overrides = {**FAST, "HTTPCACHE_ENABLED": True, "HTTPCACHE_DIR": str(tmp_path / "cache")}
    with DemoBoard() as board:
        source = next(s for s in board.sources() if s.key == "ashby:kestrel-security")
        first = crawl([source], tmp_path / "1", overrides, 60)[source.key]
        served = board.hits
        second = crawl([source], tmp_path / "2", overrides, 60)[source.key]
        assert board.hits == served  # nothing reached the server the second time
    assert first.ok and second.ok and first.kept == second.kept == 4
    assert first.stats["httpcache/miss"] >= 1 and second.stats["httpcache/hit"] >= 1
