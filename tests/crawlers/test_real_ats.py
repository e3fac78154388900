"""The five newer spiders on real responses (../shared/data/remotebear-ats-api) served by path.

Recruitee (Hotjar, DuckDuckGo) is served as recorded. Personio, Workday and the detail
responses of SmartRecruiters, Workable and Workday are rebuilt from the real records
(tests/crawlers/ats_responses.py says how). Every crawl keeps all titles, so every
recorded posting must come through.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from crawlers.runner import CrawlResult, crawl
from crawlers.sources import Source
from tests.crawlers.ats_responses import (
    COMPANY_HTML,
    DETAIL_HTML,
    personio_xml,
    workday_detail,
    workday_listings,
)
from tests.crawlers.conftest import FAST, read_jsonl

pytestmark = pytest.mark.slow
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


@pytest.fixture(scope="module")
def remotebear(shared_data: Path) -> Path:
    folder = shared_data / "remotebear-ats-api"
    assert folder.is_dir(), f"{folder} is missing (see ../shared/data/README.md)"
    return folder


def load(folder: Path, name: str) -> Any:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def json_response(data: Any) -> Response:
    return Response(json.dumps(data), content_type="application/json")


def serve_smartrecruiters(server: HTTPServer, folder: Path) -> None:
    """The two recorded list pages by offset; each detail is its entry plus a jobAd."""
    pages = load(folder, "smartrecruiters-strategy.mock.input.json")
    entries = {e["id"]: e for page in pages for e in page["content"]}

    def page(request: Request) -> Response:
        offset = int(request.args.get("offset", 0))
        found = [p for p in pages if p["offset"] == offset]
        return json_response(found[0] if found else {**pages[0], "offset": offset, "content": []})

    def detail(request: Request) -> Response:
        entry = entries[request.path.rsplit("/", 1)[1]]
        sections = {
            "companyDescription": {"title": "Company Description", "text": COMPANY_HTML},
            "jobDescription": {"title": "Job Description", "text": DETAIL_HTML},
        }
        return json_response({**entry, "jobAd": {"sections": sections}})

    server.expect_request("/v1/companies/shopify/postings").respond_with_handler(page)
    server.expect_request(re.compile(r"/v1/companies/shopify/postings/\d+")).respond_with_handler(
        detail
    )


def serve_workable(server: HTTPServer, folder: Path) -> None:
    """The recorded v3 list (POST); each v2 detail is its entry plus description HTML."""
    listing = load(folder, "workable-strategy.mock.input.json")
    by_code = {job["shortcode"]: job for job in listing["results"]}

    def detail(request: Request) -> Response:
        job = by_code[request.path.rsplit("/", 1)[1]]
        return json_response({**job, "description": DETAIL_HTML, "requirements": "<p>Go.</p>"})

    server.expect_request("/api/v3/accounts/remote-co/jobs", method="POST").respond_with_json(
        listing
    )
    server.expect_request(re.compile(r"/api/v2/accounts/remote-co/jobs/\w+")).respond_with_handler(
        detail
    )


def serve_workday(server: HTTPServer, folder: Path) -> None:
    """The 338 recorded listings paged by the POST body; `total` on the first page only."""
    listings = workday_listings(folder / "workday-mock")
    by_path = {item["externalPath"]: item for item in listings}

    def page(request: Request) -> Response:
        body = json.loads(request.data)
        offset, limit = body["offset"], body["limit"]
        total = len(listings) if offset == 0 else 0  # as Workday does
        return json_response({"total": total, "jobPostings": listings[offset : offset + limit]})

    def detail(request: Request) -> Response:
        path = request.path.removeprefix("/wday/cxs/zoom/Zoom")
        return json_response(workday_detail(by_path[path]))

    server.expect_request("/wday/cxs/zoom/Zoom/jobs", method="POST").respond_with_handler(page)
    server.expect_request(re.compile(r"/wday/cxs/zoom/Zoom/job/.+")).respond_with_handler(detail)


@pytest.fixture(scope="module")
def ats_server(remotebear: Path) -> Iterator[HTTPServer]:
    server = HTTPServer(threaded=True)
    server.start()
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    for company, name in (("hotjar", "recruitee-strategy"), ("duckduckgo", "duckduckgo.config")):
        server.expect_request(f"/recruitee/{company}/api/offers/").respond_with_data(
            (remotebear / f"{name}.mock.input.json").read_bytes(), content_type="application/json"
        )
    positions = load(remotebear, "personio-strategy.mock.input.json")
    server.expect_request("/personio/stylight/xml").respond_with_data(
        personio_xml(positions), content_type="application/xml"
    )
    serve_smartrecruiters(server, remotebear)
    serve_workable(server, remotebear)
    serve_workday(server, remotebear)
    yield server
    server.clear()
    server.stop()


@pytest.fixture(scope="module")
def ats_results(
    ats_server: HTTPServer, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, CrawlResult]:
    base = ats_server.url_for("").rstrip("/")
    sources = [
        Source(type="recruitee", company="hotjar", api_base=f"{base}/recruitee/hotjar"),
        Source(type="recruitee", company="duckduckgo", api_base=f"{base}/recruitee/duckduckgo"),
        Source(type="personio", company="stylight", api_base=f"{base}/personio/stylight"),
        Source(type="smartrecruiters", company="shopify", api_base=base),
        Source(type="workable", account="remote-co", api_base=base),
        Source(
            type="workday",
            tenant="zoom",
            site="Zoom",
            host="zoom.wd5.myworkdayjobs.com",
            api_base=base,
        ),
    ]
    overrides = {**FAST, "TPM_SMARTRECRUITERS_PAGE_SIZE": 50}
    out = tmp_path_factory.mktemp("real-ats")
    return crawl(sources, out, overrides, 120, concurrency=3, all_titles=True)


def postings_of(results: dict[str, CrawlResult], key: str) -> list[dict[str, Any]]:
    result = results[key]
    assert result.ok and not result.rejected, (result.errors, result.rejected)
    return read_jsonl(result.out_path)


@pytest.mark.parametrize(
    ("company", "name"), [("hotjar", "recruitee-strategy"), ("duckduckgo", "duckduckgo.config")]
)
def test_recruitee_offers_with_requirements(
    ats_results: dict[str, CrawlResult], remotebear: Path, company: str, name: str
) -> None:
    offers = load(remotebear, f"{name}.mock.input.json")["offers"]
    postings = postings_of(ats_results, f"recruitee:{company}")
    assert len(postings) == len(offers) > 5
    by_id = {p["id"]: p for p in postings}
    for offer in offers:
        p = by_id[f"recruitee:{company}:{offer['id']}"]
        assert p["title"] == offer["title"] and p["url"] == offer["careers_url"]
        assert p["company"] == offer["company_name"] and p["remote"] is offer["remote"]
        assert ISO.fullmatch(p["posted_at"]) and p["posted_at"][:10] == offer["created_at"][:10]
        text = p["description_text"]
        assert "Requirements" in text.splitlines() and "<" not in text
        # the requirements' first item arrives as a line of the text
        first = re.search(r"<li>(.*?)</li>", offer["requirements"], re.S)
        assert first is not None
        words = html.unescape(re.sub(r"<[^>]+>", "", first[1])).split()[:4]
        assert " ".join(words) in " ".join(text.split())


def test_personio_xml_feed(ats_results: dict[str, CrawlResult], remotebear: Path) -> None:
    positions = load(remotebear, "personio-strategy.mock.input.json")
    postings = postings_of(ats_results, "personio:stylight")
    assert [p["title"] for p in postings] == [x["name"] for x in positions]
    for p, x in zip(postings, positions, strict=True):
        assert p["id"] == f"personio:stylight:{x['id']}" and p["location"] == x["office"]
        assert p["url"].endswith(f"/personio/stylight/job/{x['id']}")
        assert p["employment_type"] == x["schedule"]
        assert not re.search(r"</?(?:ul|li|p|br|strong)\b", p["description_text"])
    assert "Your Team" in postings[0]["description_text"].splitlines()


def test_smartrecruiters_pages_and_details(
    ats_results: dict[str, CrawlResult], remotebear: Path
) -> None:
    pages = load(remotebear, "smartrecruiters-strategy.mock.input.json")
    entries = [e for page in pages for e in page["content"]]
    result = ats_results["smartrecruiters:shopify"]
    postings = postings_of(ats_results, "smartrecruiters:shopify")
    assert result.requests == 1 + 2 + 78  # robots.txt, two pages of 50 and 28, the details
    assert len(postings) == len(entries) == 78
    by_id = {p["id"]: p for p in postings}
    for e in entries:
        p = by_id[f"smartrecruiters:shopify:{e['id']}"]
        assert p["title"] == " ".join(e["name"].split()) and p["company"] == "Shopify"
        assert p["url"] == f"https://jobs.smartrecruiters.com/shopify/{e['id']}"
        assert p["remote"] is e["location"]["remote"]
        assert p["location"].startswith(e["location"]["city"])
        assert p["posted_at"] == e["releasedDate"].replace(".000Z", "+00:00")
        assert p["employment_type"] == "full-time"
        text = p["description_text"]
        assert "Plan the roadmap" in text and "company things" not in text


def test_workable_list_and_details(ats_results: dict[str, CrawlResult], remotebear: Path) -> None:
    jobs = load(remotebear, "workable-strategy.mock.input.json")["results"]
    postings = postings_of(ats_results, "workable:remote-co")
    assert sorted(p["title"] for p in postings) == sorted(j["title"] for j in jobs)
    head = next(p for p in postings if p["title"] == "Head of Infrastructure")
    assert head["id"] == "workable:remote-co:7670C0E09F"
    assert head["url"] == "https://apply.workable.com/remote-co/j/7670C0E09F/"
    assert head["location"] == "Cape Town, Western Cape, South Africa" and head["remote"] is True
    assert head["employment_type"] == "full-time"
    assert head["posted_at"] == "2020-12-07T00:00:00+00:00"
    assert "Requirements" in head["description_text"].splitlines()


def test_workday_pages_until_the_first_pages_total(
    ats_results: dict[str, CrawlResult], remotebear: Path
) -> None:
    listings = workday_listings(remotebear / "workday-mock")
    result = ats_results["workday:zoom/Zoom"]
    postings = postings_of(ats_results, "workday:zoom/Zoom")
    unique = {item["externalPath"] for item in listings}
    assert len(listings) == 338
    assert result.requests == 1 + 17 + len(unique)  # robots.txt, 17 pages of 20, details
    assert len(postings) == len(unique) and result.duplicates == 0
    titles = [p["title"] for p in postings]
    assert sum(t.startswith("Technical Project Manager") for t in titles) == 3
    by_id = {p["id"]: p for p in postings}
    for item in listings:
        p = by_id[f"workday:zoom/Zoom:{item['bulletFields'][0]}"]
        assert p["title"] == " ".join(item["title"].split()) and p["company"] == "Zoom"
        assert p["url"] == f"https://zoom.wd5.myworkdayjobs.com/Zoom{item['externalPath']}"
        assert p["employment_type"] == "full-time" and p["location"] == item["locationsText"]
