"""Real third-party responses (../shared/data/remotebear-ats-api) served by path.

Lever: 24 real postings (1Password, 2021) with full descriptions, paged by skip/limit.
Greenhouse: a department list (Netlify) and an office list (Discord) without `content`:
the spider parses the jobs that are there and validation rejects each for the missing
description, so such a response is reported, never mistaken for an empty board.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from crawlers.runner import CrawlResult, crawl
from crawlers.sources import Source
from tests.crawlers.conftest import FAST, lever_handler, read_jsonl

pytestmark = pytest.mark.slow


def _unique_job_ids(node: Any) -> set[int]:
    """Every job id in a Greenhouse department/office tree."""
    found: set[int] = set()
    if isinstance(node, list):
        for child in node:
            found |= _unique_job_ids(child)
    elif isinstance(node, dict):
        found |= {job["id"] for job in node.get("jobs") or []}
        for key in ("departments", "offices"):
            found |= _unique_job_ids(node.get(key))
    return found


@pytest.fixture(scope="module")
def remotebear(shared_data: Path) -> Path:
    folder = shared_data / "remotebear-ats-api"
    assert folder.is_dir(), f"{folder} is missing (see ../shared/data/README.md)"
    return folder


@pytest.fixture(scope="module")
def real_server(remotebear: Path) -> Iterator[HTTPServer]:
    server = HTTPServer(threaded=True)
    server.start()
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    server.expect_request("/v0/postings/onepassword").respond_with_handler(
        lever_handler(remotebear / "lever-strategy.mock.input.json")
    )
    for board, name in (("netlify", "greenhouse-strategy"), ("discord", "discord.config")):
        server.expect_request(f"/v1/boards/{board}/jobs").respond_with_data(
            (remotebear / f"{name}.mock.input.json").read_bytes(),
            content_type="application/json",
        )
    yield server
    server.clear()
    server.stop()


@pytest.fixture(scope="module")
def real_results(
    real_server: HTTPServer, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, CrawlResult]:
    base = real_server.url_for("").rstrip("/")
    sources = [
        Source(type="lever", company="onepassword", api_base=base, name="1Password"),
        Source(type="greenhouse", board="netlify", api_base=base),
        Source(type="greenhouse", board="discord", api_base=base),
    ]
    overrides = {**FAST, "TPM_LEVER_PAGE_SIZE": 10}
    out = tmp_path_factory.mktemp("real")
    return crawl(sources, out, overrides, 90, concurrency=3, all_titles=True)


def test_real_lever_postings_all_parsed_across_pages(
    real_results: dict[str, CrawlResult], remotebear: Path
) -> None:
    raw = json.loads((remotebear / "lever-strategy.mock.input.json").read_text())
    r = real_results["lever:onepassword"]
    assert r.ok, r.errors
    postings = read_jsonl(r.out_path)
    assert r.requests == 1 + 3  # robots.txt + pages of 10, 10 and 4
    assert len(postings) + r.duplicates == len(raw) == 24
    assert {p["id"] for p in postings} <= {f"lever:onepassword:{x['id']}" for x in raw}
    for p in postings:
        assert p["company"] == "1Password" and p["title"] and p["url"].startswith("https://")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", p["posted_at"])
        assert "<" not in p["description_text"] and "&amp;" not in p["description_text"]
    by_id = {p["id"].rsplit(":", 1)[1]: p for p in postings}
    first = raw[0]
    text = by_id[first["id"]]["description_text"]
    # the lists' headings and items arrive as their own lines
    heading = first["lists"][0]["text"].strip()
    assert heading in text.splitlines()
    assert sum(line.startswith("- ") for line in text.splitlines()) >= 3
    assert by_id[first["id"]]["location"] == first["categories"]["location"]


@pytest.mark.parametrize(
    ("board", "name"), [("netlify", "greenhouse-strategy"), ("discord", "discord.config")]
)
def test_greenhouse_department_and_office_lists_rejected_with_reason(
    real_results: dict[str, CrawlResult], remotebear: Path, board: str, name: str
) -> None:
    raw = json.loads((remotebear / f"{name}.mock.input.json").read_text())
    expected = _unique_job_ids([raw.get("departments"), raw.get("offices")])
    r = real_results[f"greenhouse:{board}"]
    assert r.ok, r.errors  # the fetch worked; every posting is reported instead
    assert r.kept == 0 and r.rejected_count == len(expected) > 0
    assert all(m.endswith(": no description") for m in r.rejected)
    assert r.stats["tpm/greenhouse/tree_without_content"] == len(expected)
    assert "department/office list" in r.log_path.read_text()
