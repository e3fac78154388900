"""Bad input for the five newer spiders: malformed JSON/XML, missing fields, empty pages,
escaped HTML. Each bad entry is rejected with a reason naming it; the rest of the board
comes through. All cases run as one batch against one local server (TPM filter on).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from crawlers.runner import CrawlResult, crawl
from crawlers.sources import Source
from tests.crawlers.conftest import FAST, read_jsonl

pytestmark = pytest.mark.slow
OK_JSON = {"content_type": "application/json"}
TPM = "Technical Program Manager, Platform"
ESCAPED = "&lt;p&gt;Run the &lt;strong&gt;migration&lt;/strong&gt; programme.&lt;/p&gt;"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<workzag-jobs>\n'


def position(pid: str, name: str, value: str = "<p>Run the release train.</p>") -> str:
    """One Personio <position> (our text)."""
    blocks = (
        f"<jobDescription><name>Your tasks</name><value><![CDATA[{value}]]></value>"
        "</jobDescription>"
        if value
        else ""
    )
    return (
        f"<position>\n<id>{pid}</id>\n<office>Berlin</office>\n<name>{name}</name>\n"
        f"<jobDescriptions>{blocks}</jobDescriptions>\n<schedule>full-time</schedule>\n"
        "<createdAt>2026-10-01T09:00:00+02:00</createdAt>\n</position>\n"
    )


def recruitee_offers() -> dict[str, Any]:
    """A good offer, an escaped one, one without id, title, text; a draft."""
    base = {"status": "published", "careers_url": "https://fixture.recruitee.com/o/x"}
    return {
        "offers": [
            {
                **base,
                "id": 1,
                "title": TPM,
                "description": "<p>Own the roadmap.</p>",
                "requirements": "<ul><li>Five years of delivery</li></ul>",
                "salary": {"min": "90000", "max": "110000", "currency": "EUR", "period": "year"},
                "hybrid": True,
                "remote": True,
                "created_at": "2026-10-02 08:00:00 UTC",
            },
            {**base, "id": 2, "title": "IT Project Manager", "description": ESCAPED},
            {**base, "title": TPM, "description": "<p>No id.</p>"},
            {**base, "id": 4, "title": "", "description": "<p>No title.</p>"},
            {**base, "id": 5, "title": "Scrum Master", "description": "", "requirements": None},
            {**base, "id": 6, "status": "draft", "title": TPM, "description": "<p>Draft.</p>"},
            "not an offer",
        ]
    }


def serve_smartrecruiters(server: HTTPServer) -> None:
    content = [{"id": "101"}, {"name": "no id"}, {"id": "102"}, {"id": "103"}, {"id": "104"}]
    server.expect_request("/v1/companies/gaps/postings").respond_with_json(
        {"offset": 0, "limit": 100, "totalFound": 5, "content": content}
    )
    sections = {"jobDescription": {"title": "Job", "text": "<p>Plan the launches.</p>"}}
    detail = {
        "id": "101",
        "name": TPM,
        "jobAd": {"sections": sections},
        "location": {"city": "Lisbon", "country": "pt", "hybrid": True},
    }
    server.expect_request("/v1/companies/gaps/postings/101").respond_with_json(detail)
    server.expect_request("/v1/companies/gaps/postings/102").respond_with_data(
        '{"id": "102", "name": "Technical', **OK_JSON
    )
    server.expect_request("/v1/companies/gaps/postings/103").respond_with_json(["not", "one"])
    server.expect_request("/v1/companies/gaps/postings/104").respond_with_json(
        {"id": "104", "name": "Technical Project Manager", "jobAd": {"sections": {}}}
    )
    server.expect_request("/v1/companies/empty/postings").respond_with_json(
        {"offset": 0, "limit": 100, "totalFound": 0, "content": []}
    )
    server.expect_request("/v1/companies/broken/postings").respond_with_data("<html>", **OK_JSON)


def serve_workable(server: HTTPServer) -> None:
    """Two pages by token: a good job, one without shortcode; escaped HTML, no title."""

    def page(request: Request) -> Response:
        token = json.loads(request.data).get("token")
        if token is None:
            body = {"total": 4, "results": [{"shortcode": "W1"}, {"id": 9}], "nextPage": "p2"}
        else:
            body = {"total": 4, "results": [{"shortcode": "W2"}, {"shortcode": "W3"}]}
        return Response(json.dumps(body), content_type="application/json")

    server.expect_request("/api/v3/accounts/gaps/jobs", method="POST").respond_with_handler(page)
    jobs = {
        "W1": {"title": TPM, "description": "<p>Lead the programme.</p>", "workplace": "hybrid"},
        "W2": {"title": "Scrum Master", "description": ESCAPED, "type": "contract"},
        "W3": {"title": None, "description": "<p>Untitled.</p>"},
    }
    for code, job in jobs.items():
        server.expect_request(f"/api/v2/accounts/gaps/jobs/{code}").respond_with_json(job)
    server.expect_request("/api/v3/accounts/broken/jobs", method="POST").respond_with_data(
        '{"results": [', **OK_JSON
    )


def serve_workday(server: HTTPServer) -> None:
    """Pages of 2 with `total` on the first only; a listing without externalPath; a
    malformed detail; a detail without jobPostingInfo; a non-TPM listing."""
    listings = [
        {"title": TPM, "externalPath": "/job/Remote/TPM_R1"},
        {"title": "No path"},
        {"title": "Technical Project Manager", "externalPath": "/job/Austin/TPjM_R2"},
        {"title": "Scrum Master", "externalPath": "/job/Austin/SM_R3"},
        {"title": "Head of Technical Programs", "externalPath": "/job/Remote/Head_R4"},
        # not a TPM title: its detail is never requested (it is not served: a 404)
        {"title": "Field Service Technician", "externalPath": "/job/Austin/FST_R5"},
    ]

    def page(request: Request) -> Response:
        body = json.loads(request.data)
        offset, limit = body["offset"], body["limit"]
        data = {
            "total": len(listings) if offset == 0 else 0,
            "jobPostings": listings[offset : offset + limit],
        }
        return Response(json.dumps(data), content_type="application/json")

    server.expect_request("/wday/cxs/gaps/Careers/jobs", method="POST").respond_with_handler(page)

    def info(title: str, req: str, **extra: Any) -> dict[str, Any]:
        return {
            "jobPostingInfo": {
                "title": title,
                "jobReqId": req,
                "jobDescription": f"<p>{req}: coordinate the release.</p>",
                **extra,
            }
        }

    details = {
        "/job/Remote/TPM_R1": json.dumps(info(TPM, "R1", remoteType="Fully Remote")),
        "/job/Austin/TPjM_R2": '{"jobPostingInfo": {"title": ',
        "/job/Austin/SM_R3": json.dumps({"similarJobs": []}),
        "/job/Remote/Head_R4": json.dumps(
            info("Head of Technical Programs", "R4", startDate="2026-10-03")
        ),
    }
    for path, body in details.items():
        server.expect_request(f"/wday/cxs/gaps/Careers{path}").respond_with_data(body, **OK_JSON)
    server.expect_request("/wday/cxs/empty/Careers/jobs", method="POST").respond_with_json(
        {"total": 0, "jobPostings": []}
    )


@pytest.fixture(scope="module")
def ats_fault_server() -> Iterator[HTTPServer]:
    server = HTTPServer(threaded=True)
    server.start()
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    server.expect_request("/recruitee/gaps/api/offers/").respond_with_json(recruitee_offers())
    server.expect_request("/recruitee/broken/api/offers/").respond_with_data(
        '{"offers": [{"id": 1,', **OK_JSON
    )
    server.expect_request("/recruitee/empty/api/offers/").respond_with_json({"offers": []})
    # Personio: an unescaped "&" breaks position 2; position 3 has no id, 4 no text
    damaged = (
        XML_HEAD
        + position("1", TPM)
        + position("2", "Technical Project Manager, R&D Tools")
        + position("", "Scrum Master")
        + position("4", "IT Project Manager", value="")
        + position("5", "Engineering Program Manager", value=ESCAPED)
        + "</workzag-jobs>\n"
    )
    server.expect_request("/personio/gaps/xml").respond_with_data(
        damaged, content_type="application/xml"
    )
    # entities are never expanded: neither a nested "laughs" one nor a file
    entity = (
        '<?xml version="1.0"?>\n<!DOCTYPE workzag-jobs [<!ENTITY a "EXPANDED">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY f SYSTEM "file:///no/such/file">]>\n'
        "<workzag-jobs>\n" + position("7", "Technical Program Manager &b;&f;") + "</workzag-jobs>\n"
    )
    server.expect_request("/personio/entity/xml").respond_with_data(
        entity, content_type="application/xml"
    )
    server.expect_request("/personio/html/xml").respond_with_data(
        "<html><body>Jobs</body></html>", content_type="text/html"
    )
    serve_smartrecruiters(server)
    serve_workable(server)
    serve_workday(server)
    yield server
    server.clear()
    server.stop()


@pytest.fixture(scope="module")
def ats_faults(
    ats_fault_server: HTTPServer, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, CrawlResult]:
    base = ats_fault_server.url_for("").rstrip("/")
    host_named = [
        Source(type=kind, company=c, api_base=f"{base}/{kind}/{c}")
        for kind, companies in (
            ("recruitee", ("gaps", "broken", "empty")),
            ("personio", ("gaps", "entity", "html")),
        )
        for c in companies
    ]
    sources = [
        *host_named,
        *(
            Source(type="smartrecruiters", company=c, api_base=base)
            for c in ("gaps", "empty", "broken")
        ),
        *(Source(type="workable", account=a, api_base=base) for a in ("gaps", "broken")),
        *(
            Source(
                type="workday",
                tenant=t,
                site="Careers",
                host="x.wd1.myworkdayjobs.com",
                api_base=base,
            )
            for t in ("gaps", "empty")
        ),
    ]
    overrides = {**FAST, "TPM_WORKDAY_PAGE_SIZE": 2}
    return crawl(sources, tmp_path_factory.mktemp("ats-faults"), overrides, 90, concurrency=4)


def kept(result: CrawlResult) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in read_jsonl(result.out_path)}


def test_recruitee_gaps_and_escaped_html(ats_faults: dict[str, CrawlResult]) -> None:
    r = ats_faults["recruitee:gaps"]
    assert r.ok, r.errors
    postings = kept(r)
    assert sorted(postings) == ["recruitee:gaps:1", "recruitee:gaps:2"]
    good = postings["recruitee:gaps:1"]
    assert good["description_text"].splitlines() == [
        "Own the roadmap.",
        "Requirements",
        "- Five years of delivery",
    ]
    assert (good["salary_min"], good["salary_max"], good["salary_currency"]) == (
        90000.0,
        110000.0,
        "EUR",
    )
    assert good["remote"] is False and good["posted_at"] == "2026-10-02T08:00:00+00:00"
    assert postings["recruitee:gaps:2"]["description_text"] == "Run the migration programme."
    reasons = " | ".join(r.rejected)
    assert reasons.count("not an offer with an id") == 2
    assert "recruitee:gaps:4: no title" in reasons and "recruitee:gaps:5: no description" in reasons
    assert r.stats["tpm/recruitee/unpublished"] == 1


def test_malformed_list_responses_fail_their_source(ats_faults: dict[str, CrawlResult]) -> None:
    for key in ("recruitee:broken", "workable:broken", "smartrecruiters:broken"):
        r = ats_faults[key]
        assert not r.ok and r.kept == 0, key
        assert any("not valid JSON" in e for e in r.errors), (key, r.errors)


def test_empty_boards_are_fine(ats_faults: dict[str, CrawlResult]) -> None:
    for key in ("recruitee:empty", "smartrecruiters:empty", "workday:empty/Careers"):
        r = ats_faults[key]
        assert r.ok and r.kept == 0 and not r.errors and not r.rejected, key


def test_personio_damaged_feed_keeps_the_other_positions(
    ats_faults: dict[str, CrawlResult],
) -> None:
    r = ats_faults["personio:gaps"]
    assert r.ok, r.errors
    postings = kept(r)
    assert "personio:gaps:1" in postings and "personio:gaps:5" in postings
    assert (
        postings["personio:gaps:5"]["description_text"]
        == "Your tasks\nRun the migration programme."
    )
    assert postings["personio:gaps:1"]["posted_at"] == "2026-10-01T07:00:00+00:00"
    reasons = " | ".join(r.rejected)
    assert "not well-formed XML" in reasons and "(position 2)" in reasons, reasons
    assert "position #3: no <id>" in reasons
    assert "personio:gaps:4: no description" in reasons


def test_personio_entities_are_never_expanded(ats_faults: dict[str, CrawlResult]) -> None:
    r = ats_faults["personio:entity"]
    assert r.ok, r.errors
    postings = kept(r)
    assert [p["title"] for p in postings.values()] == ["Technical Program Manager"]
    assert "EXPANDED" not in json.dumps(postings)


def test_personio_html_instead_of_the_feed(ats_faults: dict[str, CrawlResult]) -> None:
    r = ats_faults["personio:html"]
    assert not r.ok and any("expected <workzag-jobs>, got <html>" in e for e in r.errors)


def test_smartrecruiters_bad_details_name_the_posting(ats_faults: dict[str, CrawlResult]) -> None:
    r = ats_faults["smartrecruiters:gaps"]
    assert r.ok, r.errors
    postings = kept(r)
    assert list(postings) == ["smartrecruiters:gaps:101"]
    good = postings["smartrecruiters:gaps:101"]
    assert good["location"] == "Lisbon, PT" and good["remote"] is False
    assert good["url"] == "https://jobs.smartrecruiters.com/gaps/101"
    reasons = " | ".join(r.rejected)
    assert "not a posting with an id" in reasons
    assert "SmartRecruiters posting 102: not valid JSON" in reasons
    assert "SmartRecruiters posting 103: not a JSON object" in reasons
    assert "smartrecruiters:gaps:104: no description" in reasons


def test_workable_pages_by_token(ats_faults: dict[str, CrawlResult]) -> None:
    r = ats_faults["workable:gaps"]
    assert r.ok, r.errors
    postings = kept(r)
    assert sorted(postings) == ["workable:gaps:W1", "workable:gaps:W2"]
    assert postings["workable:gaps:W1"]["remote"] is False
    escaped = postings["workable:gaps:W2"]
    assert escaped["description_text"] == "Run the migration programme."
    assert escaped["employment_type"] == "contract"
    reasons = " | ".join(r.rejected)
    assert "page 1 job #2: not a job with a shortcode" in reasons
    assert "workable:gaps:W3: no title" in reasons


def test_workday_pages_past_a_zero_total_and_rejects_bad_details(
    ats_faults: dict[str, CrawlResult],
) -> None:
    r = ats_faults["workday:gaps/Careers"]
    assert r.ok, r.errors
    postings = kept(r)
    assert sorted(postings) == ["workday:gaps/Careers:R1", "workday:gaps/Careers:R4"]
    assert postings["workday:gaps/Careers:R1"]["remote"] is True
    head = postings["workday:gaps/Careers:R4"]  # a leadership title kept by the filter
    assert head["company"] == "Gaps"  # no hiringOrganization: from the tenant
    assert head["posted_at"] == "2026-10-03"
    assert head["url"] == "https://x.wd1.myworkdayjobs.com/Careers/job/Remote/Head_R4"
    reasons = " | ".join(r.rejected)
    assert "#2: not a job listing with an externalPath" in reasons
    assert "Workday job /job/Austin/TPjM_R2: not valid JSON" in reasons
    assert "job /job/Austin/SM_R3: no jobPostingInfo object" in reasons
    assert r.requests == 1 + 3 + 4  # robots.txt, three pages of 2, four details
    assert r.dropped_by_filter == 1 and r.stats["tpm/filtered_titles"] == [
        "Field Service Technician"
    ]
