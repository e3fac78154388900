"""Fault server and batched crawls for the crawler tests.

The fault cases share one threaded pytest-httpserver and run as ONE batch through
`crawlers.runner.crawl` (one crawl process, several crawlers at a time); each test then
asserts on its source's result.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from crawlers.runner import CrawlResult, crawl
from crawlers.sources import Source

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "crawlers"

#: Small delays and timeouts so that the retry, timeout and redirect cases stay fast
#: (no test sleeps through production retry backoff).
FAST: dict[str, Any] = {
    "AUTOTHROTTLE_START_DELAY": 0,
    "DOWNLOAD_DELAY": 0,
    "DOWNLOAD_TIMEOUT": 3,
    "RETRY_TIMES": 1,
    "RETRY_BACKOFF_BASE": 0.01,
    "RETRY_BACKOFF_MAX": 2,
}
ROBOTS = "User-agent: *\nDisallow: /v1/boards/private/\n"
SLOW_SECONDS = 8


def lever_handler(path: Path):
    """Serve a JSON array file with Lever's skip/limit paging."""

    def handle(request: Request) -> Response:
        postings = json.loads(path.read_text(encoding="utf-8"))
        skip = int(request.args.get("skip", 0))
        limit = int(request.args.get("limit", len(postings)))
        body = json.dumps(postings[skip : skip + limit])
        return Response(body, content_type="application/json")

    return handle


def _slow(request: Request) -> Response:
    time.sleep(SLOW_SECONDS)
    return Response('{"jobs": []}', content_type="application/json")


def tpm_job(n: int, title: str = "Technical Program Manager, Platform", **extra: Any) -> dict:
    """An Ashby job object."""
    return {
        "id": f"job-{n}",
        "title": title,
        "location": "Remote (US)",
        "workplaceType": "Remote",
        "employmentType": "FullTime",
        "publishedAt": "2026-10-01T12:00:00.000+00:00",
        "jobUrl": f"https://jobs.ashbyhq.com/fixture/job-{n}",
        "descriptionHtml": f"<p>Posting {n}: run the platform roadmap.</p>",
        **extra,
    }


@pytest.fixture(scope="session")
def fault_server() -> Iterator[HTTPServer]:
    """One threaded local server answering every fault case at its native API path."""
    server = HTTPServer(threaded=True)
    server.start()
    ok_json = {"content_type": "application/json"}
    server.expect_request("/robots.txt").respond_with_data(ROBOTS)
    # malformed JSON body
    server.expect_request("/v1/boards/broken/jobs").respond_with_data(
        '{"jobs": [{"id": 1, "title": "Technical Program Manager"', **ok_json
    )
    # missing title / description / date, duplicates, escaped HTML, entries without id
    server.expect_request("/v1/boards/gaps/jobs").respond_with_data(
        (FIXTURES / "greenhouse-gaps.json").read_bytes(), **ok_json
    )
    server.expect_request("/v1/boards/empty/jobs").respond_with_json(
        {"jobs": [], "meta": {"total": 0}}
    )
    server.expect_request("/v1/boards/gone/jobs").respond_with_json({"status": 404}, status=404)
    server.expect_request("/v1/boards/loop/jobs").respond_with_data(
        "", status=302, headers={"Location": "/v1/boards/loop/jobs?content=true"}
    )
    server.expect_request("/v1/boards/private/jobs").respond_with_json({"jobs": []})
    # non-UTF-8 bytes (Latin-1 é) inside a JSON body without a charset
    latin = (
        b'[{"id": "l-1", "text": "Technical Program Manager, Caf\xe9 Systems",'
        b' "categories": {"location": "Lyon, France", "commitment": "Full-time"},'
        b' "createdAt": 1760000000000, "hostedUrl": "https://jobs.lever.co/latin/l-1",'
        b' "description": "<p>Caf\xe9 ordering platform rollout.</p>"},'
        b' {"id": "l-2", "text": "IT Project Manager", "createdAt": 1760000000000,'
        b' "hostedUrl": "https://jobs.lever.co/latin/l-2", "description": "<p>Plain ASCII.</p>"}]'
    )
    server.expect_request("/v0/postings/latin").respond_with_data(latin, **ok_json)
    # 503 with Retry-After once, then the real page
    server.expect_oneshot_request("/v0/postings/flaky").respond_with_data(
        "busy", status=503, headers={"Retry-After": "1"}
    )
    flaky = [
        {
            "id": "f-1",
            "text": "Scrum Master",
            "createdAt": "1760000000000",
            "hostedUrl": "https://jobs.lever.co/flaky/f-1",
            "description": "<p>Facilitate the ceremonies.</p>",
        }
    ]
    server.expect_request("/v0/postings/flaky").respond_with_json(flaky)
    # a 10 MB description next to a normal posting
    huge = {
        "jobs": [
            tpm_job(1, descriptionHtml="<p>" + "x" * (10 * 1024 * 1024) + "</p>"),
            tpm_job(2, title="Technical Project Manager, Billing"),
        ]
    }
    server.expect_request("/posting-api/job-board/huge").respond_with_json(huge)
    server.expect_request("/posting-api/job-board/slow").respond_with_handler(_slow)
    hostile_cases(server)
    # JSON-LD site (good, microdata, invalid JSON-LD, not a JobPosting)
    for page in sorted((FIXTURES / "site").rglob("*.html")):
        rel = page.relative_to(FIXTURES).as_posix()
        server.expect_request(f"/{rel}").respond_with_data(
            page.read_bytes(), content_type="text/html; charset=utf-8"
        )
    yield server
    server.clear()
    server.stop()


def _job_page(title: str, identifier: Any) -> str:
    """A job page whose JSON-LD JobPosting has this title and identifier."""
    posting = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": title,
        "identifier": identifier,
        "datePosted": "2026-10-01",
        "hiringOrganization": {"@type": "Organization", "name": "Hop Rail"},
        "description": "<p>Lead the timetable programme.</p>",
    }
    script = f'<script type="application/ld+json">{json.dumps(posting)}</script>'
    return f"<!DOCTYPE html><html><head>{script}</head><body></body></html>"


def hostile_cases(server: HTTPServer) -> None:
    """Redirects that leave the board, and ids that are neither strings nor integers.

    The server listens on 127.0.0.1 and is reached as `localhost` by the API sources:
    a redirect to `127.0.0.1` (a real, answering target) leaves the board's host; the
    `hop-site` JSON-LD source is reached as 127.0.0.1 and redirected to `localhost`.
    """
    ok_json = {"content_type": "application/json"}
    html = {"content_type": "text/html; charset=utf-8"}
    port = server.port
    server.expect_request("/v1/boards/hop/jobs").respond_with_data(
        "", status=302, headers={"Location": f"http://127.0.0.1:{port}/v1/boards/gaps/jobs"}
    )
    server.expect_request("/v1/boards/moved/jobs").respond_with_data(
        "", status=301, headers={"Location": "/v1/boards/empty/jobs"}
    )
    job = {"content": "<p>Run the roadmap.</p>", "absolute_url": "https://example.test/j"}
    bad_ids = [
        {**job, "id": {"$ne": 1}, "title": "Technical Program Manager, Dict Id"},
        {**job, "id": [1, 2], "title": "Technical Program Manager, List Id"},
        {**job, "id": 1.5, "title": "Technical Program Manager, Float Id"},
        {**job, "id": True, "title": "Technical Program Manager, Bool Id"},
        {**job, "id": "gh-7", "title": "Technical Program Manager, Text Id"},
        {**job, "id": 77, "title": "Technical Program Manager, Integer Id"},
    ]
    server.expect_request("/v1/boards/badids/jobs").respond_with_json({"jobs": bad_ids})
    lever = [
        {"id": {"$gt": ""}, "text": "Technical Program Manager, Query Id", "description": "x"},
        {
            "id": "lv-1",
            "text": "Technical Program Manager, Fine",
            "hostedUrl": "https://jobs.lever.co/badids/lv-1",
            "description": "<p>Run the roadmap.</p>",
        },
    ]
    server.expect_request("/v0/postings/badids").respond_with_data(json.dumps(lever), **ok_json)
    careers = (
        '<html><body><a href="jobs/ok.html">ok</a> <a href="jobs/away.html">away</a>'
        ' <a href="jobs/float-id.html">float</a></body></html>'
    )
    server.expect_request("/hop-site/careers.html").respond_with_data(careers, **html)
    server.expect_request("/hop-site/jobs/ok.html").respond_with_data(
        _job_page("Technical Program Manager, Hop", "HS-1"), **html
    )
    server.expect_request("/hop-site/jobs/float-id.html").respond_with_data(
        _job_page("Technical Program Manager, Float", {"value": 1.5}), **html
    )
    server.expect_request("/hop-site/jobs/away.html").respond_with_data(
        "", status=302, headers={"Location": f"http://localhost:{port}/site/jobs/good.html"}
    )


def fault_sources(base: str) -> list[Source]:
    """One source per fault case, all on the fault server."""
    gh = [
        Source(type="greenhouse", board=b, api_base=base)
        for b in ("broken", "gaps", "empty", "gone", "loop", "private", "hop", "moved", "badids")
    ]
    port = urlsplit(base).port
    return [
        *gh,
        Source(type="lever", company="badids", api_base=base),
        Source(type="jsonld", urls=[f"http://127.0.0.1:{port}/hop-site/careers.html"]),
        Source(type="lever", company="latin", api_base=base),
        Source(type="lever", company="flaky", api_base=base),
        Source(type="ashby", board="huge", api_base=base),
        Source(type="ashby", board="slow", api_base=base),
        Source(type="jsonld", urls=[f"{base}/site/careers.html"]),
        # nothing listens there: connection refused
        Source(type="lever", company="closed", api_base=f"http://127.0.0.1:{closed_port()}"),
    ]


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def fault_results(
    fault_server: HTTPServer, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, CrawlResult]:
    """Crawl every fault source (TPM filter on) in one batch; results by source key."""
    base = fault_server.url_for("").rstrip("/")
    out = tmp_path_factory.mktemp("faults")
    return crawl(fault_sources(base), out, FAST, 90, concurrency=4)


def read_jsonl(path: Path | None) -> list[dict[str, Any]]:
    """The postings a crawl wrote."""
    assert path is not None
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
