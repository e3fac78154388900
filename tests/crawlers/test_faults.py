"""Bad input and faults: real spiders in subprocesses against a real local server.

Each case is handled, logged with the source and the reason, and never loses the good
postings of the same crawl.
"""

from __future__ import annotations

import pytest

from crawlers.runner import CrawlResult
from tests.crawlers.conftest import read_jsonl

pytestmark = pytest.mark.slow


def test_malformed_json_fails_the_source_with_the_parse_error(fault_results: dict) -> None:
    r: CrawlResult = fault_results["greenhouse:broken"]
    assert not r.ok and r.kept == 0
    assert any("not valid JSON" in e and "line 1" in e for e in r.errors), r.errors
    assert "[greenhouse:broken]" in r.log_path.read_text()


def test_missing_fields_duplicates_and_escaped_html(fault_results: dict) -> None:
    r: CrawlResult = fault_results["greenhouse:gaps"]
    assert r.ok, r.errors
    postings = {p["id"]: p for p in read_jsonl(r.out_path)}
    # the good posting and the one without a date are kept; the rest are reported
    assert sorted(postings) == ["greenhouse:gaps:9001", "greenhouse:gaps:9004"]
    assert r.kept == 2 and r.dropped_by_filter == 1 and r.duplicates == 1
    assert r.rejected_count == 4
    reasons = " | ".join(r.rejected)
    assert "greenhouse:gaps:9002: no title" in reasons
    assert "greenhouse:gaps:9003: no description" in reasons
    assert reasons.count("not a job object with an id") == 2
    good = postings["greenhouse:gaps:9001"]
    # HTML escaped once becomes real HTML and clean text with one list item per line
    assert good["description_html"].startswith("<h2>")
    assert "&lt;" not in good["description_text"] and "&amp;" not in good["description_text"]
    assert "- Own the ledger migration & cutover" in good["description_text"].splitlines()
    assert good["posted_at"] == "2026-10-05T13:00:00+00:00"
    assert (good["salary_min"], good["salary_max"], good["salary_currency"]) == (
        150000.0,
        180000.0,
        "USD",
    )
    assert good["salary_period"] == "year" and good["remote"] is True
    assert good["company"] == "Fixture Pay" and good["content_hash"]
    undated = postings["greenhouse:gaps:9004"]
    assert undated["posted_at"] is None and undated["remote"] is False


def test_non_utf8_bytes_are_replaced_not_fatal(fault_results: dict) -> None:
    r: CrawlResult = fault_results["lever:latin"]
    assert r.ok, r.errors
    titles = sorted(p["title"] for p in read_jsonl(r.out_path))
    assert len(titles) == 2 and titles[0] == "IT Project Manager"
    assert titles[1].startswith("Technical Program Manager, Caf")


def test_ten_megabyte_description_is_rejected_and_the_other_kept(fault_results: dict) -> None:
    r: CrawlResult = fault_results["ashby:huge"]
    assert r.ok, r.errors
    assert [p["id"] for p in read_jsonl(r.out_path)] == ["ashby:huge:job-2"]
    assert r.rejected_count == 1 and "over the 300,000 limit" in r.rejected[0]


def test_empty_board_is_ok_with_nothing(fault_results: dict) -> None:
    r: CrawlResult = fault_results["greenhouse:empty"]
    assert r.ok and r.kept == 0 and not r.errors and not r.rejected
    assert read_jsonl(r.out_path) == []


def test_404_board_says_it_does_not_exist(fault_results: dict) -> None:
    r: CrawlResult = fault_results["greenhouse:gone"]
    assert not r.ok
    assert any("HTTP 404" in e and "does not exist" in e for e in r.errors), r.errors


def test_503_with_retry_after_then_success(fault_results: dict) -> None:
    r: CrawlResult = fault_results["lever:flaky"]
    assert r.ok, r.errors
    assert r.kept == 1
    assert r.stats["retry/count"] == 1
    assert r.stats["tpm/retry/wait_seconds"] >= 1.0  # Retry-After: 1 was honoured


def test_timeout_is_retried_then_reported(fault_results: dict) -> None:
    r: CrawlResult = fault_results["ashby:slow"]
    assert not r.ok
    assert any("timed out after 3 s" in e for e in r.errors), r.errors
    assert r.stats.get("retry/count", 0) == 1


def test_connection_refused_fails_fast_without_retries(fault_results: dict) -> None:
    r: CrawlResult = fault_results["lever:closed"]
    assert not r.ok
    assert any("connection refused" in e for e in r.errors), r.errors
    assert r.stats.get("retry/count", 0) == 0  # a dead host is not retried...
    assert "tpm/retry/wait_seconds" not in r.stats  # ...so no backoff is slept through
    assert r.stats["tpm/retry/dead_host"] >= 1


def test_redirect_loop_stops(fault_results: dict) -> None:
    r: CrawlResult = fault_results["greenhouse:loop"]
    assert not r.ok
    assert any("redirect" in e for e in r.errors), r.errors
    assert r.requests <= 8  # robots.txt + first request + REDIRECT_MAX_TIMES (5)


def test_robots_txt_disallow_is_obeyed_and_reported(fault_results: dict) -> None:
    r: CrawlResult = fault_results["greenhouse:private"]
    assert not r.ok
    assert any("robots.txt" in e for e in r.errors), r.errors
    assert r.stats.get("robotstxt/forbidden") == 1


def test_jsonld_bad_blocks_reported_good_pages_kept(fault_results: dict) -> None:
    r: CrawlResult = fault_results["jsonld:localhost"]
    assert r.ok, r.errors
    postings = {p["id"]: p for p in read_jsonl(r.out_path)}
    assert sorted(postings) == ["jsonld:localhost:FR-100", "jsonld:localhost:FR-101"]
    good, micro = postings["jsonld:localhost:FR-100"], postings["jsonld:localhost:FR-101"]
    assert good["remote"] is True and good["location"] == "Leeds, GB"
    assert (good["salary_min"], good["salary_currency"], good["salary_period"]) == (
        70000.0,
        "GBP",
        "year",
    )
    assert good["posted_at"] == "2026-10-01" and good["employment_type"] == "full-time"
    assert "- PMP a plus" in good["description_text"]
    assert micro["title"] == "IT Project Manager, Depot Systems"
    assert micro["location"] == "York, North Yorkshire" and micro["company"] == "Fixture Rail"
    assert (micro["salary_min"], micro["salary_max"], micro["salary_period"]) == (
        450.0,
        550.0,
        "day",
    )
    assert micro["employment_type"] == "contract"
    reasons = " | ".join(r.rejected)
    assert "bad-json.html: JSON-LD block 1 is not valid JSON" in reasons
    assert "not-a-posting.html: JSON-LD holds no JobPosting (found Organization)" in reasons
    assert r.requests == 6  # robots, listing, 4 job pages: no offsite link, asset or repeat


def test_every_fault_is_logged_with_its_source(fault_results: dict) -> None:
    for key in ("greenhouse:broken", "greenhouse:gone", "greenhouse:loop", "ashby:slow"):
        log = fault_results[key].log_path.read_text()
        assert f"[{key}]" in log, key


def assert_error(r: CrawlResult, *parts: str) -> None:
    """One of the source's errors holds every one of `parts`."""
    assert any(all(part in e for part in parts) for e in r.errors), r.errors


def test_a_redirect_leaving_the_board_host_is_refused_and_reported(fault_results: dict) -> None:
    r: CrawlResult = fault_results["greenhouse:hop"]
    assert not r.ok and r.kept == 0  # the target answers with postings: none were taken
    assert_error(
        r,
        "redirect refused for source greenhouse:hop",
        "/v1/boards/hop/jobs?content=true redirects to http://127.0.0.1:",
        "leaves the board's host",
    )
    assert r.stats["tpm/redirect/refused"] == 1
    assert r.requests == 2  # robots.txt and the board: the target was never fetched
    assert "[greenhouse:hop]" in r.log_path.read_text()


def test_a_redirect_within_the_board_host_is_followed(fault_results: dict) -> None:
    r: CrawlResult = fault_results["greenhouse:moved"]
    assert r.ok and not r.errors and "tpm/redirect/refused" not in r.stats


def test_ids_that_are_not_strings_or_integers_are_rejected_naming_the_posting(
    fault_results: dict,
) -> None:
    r: CrawlResult = fault_results["greenhouse:badids"]
    assert r.ok, r.errors
    ids = sorted(p["id"] for p in read_jsonl(r.out_path))
    assert ids == ["greenhouse:badids:77", "greenhouse:badids:gh-7"]  # the good ones stay
    assert r.stats["tpm/rejected/bad_id"] == 4
    reasons = " | ".join(r.rejected)
    for title, kind in (("Dict", "dict"), ("List", "list"), ("Float", "float"), ("Bool", "bool")):
        assert f"'Technical Program Manager, {title} Id'" in reasons
        assert f"is a {kind}, not a string or an integer" in reasons

    lever: CrawlResult = fault_results["lever:badids"]
    assert lever.ok, lever.errors
    assert [p["id"] for p in read_jsonl(lever.out_path)] == ["lever:badids:lv-1"]
    assert "'Technical Program Manager, Query Id'" in lever.rejected[0]
    assert "{'$gt': ''} is a dict" in lever.rejected[0]


def test_jsonld_redirect_off_the_site_refused_bad_identifier_rejected(fault_results: dict) -> None:
    r: CrawlResult = fault_results["jsonld:127.0.0.1"]
    assert not r.ok  # a page of the source was refused: reported as an error
    assert_error(
        r,
        "redirect refused for source jsonld:127.0.0.1",
        "/hop-site/jobs/away.html redirects to http://localhost:",
        "leaves the page's site",
    )
    assert [p["id"] for p in read_jsonl(r.out_path)] == ["jsonld:127.0.0.1:HS-1"]
    assert r.rejected_count == 1
    assert "'Technical Program Manager, Float'" in r.rejected[0]
    assert "1.5 is a float" in r.rejected[0]
