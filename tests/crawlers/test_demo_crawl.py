"""`tpm-match crawl --demo`: the real spiders crawl the bundled demo board end to end.

The expected counts are those of crawlers/demo/README.md ("Expected crawl results").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from flows.cli import app
from flows.commands import crawl as crawl_command
from tests.crawlers.conftest import read_jsonl

pytestmark = pytest.mark.slow

#: source key -> (kept, dropped by the filter, rejected), from crawlers/demo/README.md.
EXPECTED = {
    "greenhouse:northwind-cloud": (5, 2, 1),
    "greenhouse:helix-health": (6, 2, 0),
    "greenhouse:tidewater-freight": (3, 0, 0),
    "lever:quarry-games": (9, 2, 1),
    "lever:voltline-energy": (3, 1, 0),
    "ashby:ledgerly": (4, 1, 1),
    "ashby:kestrel-security": (4, 1, 0),
    "jsonld:127.0.0.1": (5, 1, 2),
    "personio:alpenglow-analytics": (3, 1, 0),
    "recruitee:tidewater-robotics": (3, 1, 1),
    "smartrecruiters:quillon-systems": (3, 1, 1),
    "workable:fernhill-bio": (4, 2, 0),
    "workday:brightwater/External": (3, 1, 1),
}
NON_TPM = {
    "Senior Software Engineer, Storage",
    "Product Designer, Console",
    "Account Executive, Provider Partnerships",
    "Technical Recruiter",
    "Data Scientist, Player Insights",
    "Program Manager, Marketing Events",
    "Customer Success Manager, Commercial Accounts",
    "Senior Product Manager, Payments",
    "Security Engineer, Detection",
    "Site Reliability Engineer",
    "Sales Enablement Program Lead",
    "Marketing Events Coordinator (m/f/d)",
    "Head of Customer Success",
    "Clinical Research Associate",
    "Engineering Manager, Developer Programs",
    "Field Service Technician",
}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, list[dict], Path]:
    out = tmp_path_factory.mktemp("demo") / "postings.jsonl"
    with pytest.MonkeyPatch.context() as mp:  # wide consoles: one table row per line
        mp.setattr(crawl_command, "out_console", Console(width=250))
        mp.setattr(crawl_command, "err_console", Console(width=250, stderr=True))
        result = CliRunner().invoke(app, ["crawl", "--demo", "--out", str(out)])
    return result, read_jsonl(out) if out.exists() else [], out


def test_demo_crawl_keeps_every_tpm_posting(demo_run: tuple) -> None:
    result, postings, _ = demo_run
    assert result.exit_code == 0, result.output
    assert len(postings) == sum(k for k, _, _ in EXPECTED.values()) == 55
    assert not NON_TPM & {p["title"] for p in postings}
    assert len({p["id"] for p in postings}) == 55
    # input order is stable: sources in DemoBoard.sources() order
    keys = [":".join(p["id"].split(":", 2)[:2]) for p in postings]
    assert keys == sorted(keys, key=list(dict.fromkeys(keys)).index)


def test_demo_summary_per_source(demo_run: tuple) -> None:
    result, _, _ = demo_run
    rows = {}
    for line in result.output.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if cells and cells[0] in EXPECTED:
            rows[cells[0]] = cells
    assert set(rows) == set(EXPECTED)
    for key, (kept, dropped, rejected) in EXPECTED.items():
        # columns: source, ok, kept, dropped by filter, duplicates, rejected, errors, seconds
        ok, got_kept, got_dropped, _, got_rejected, errors = rows[key][1:7]
        assert (ok, errors) == ("yes", "0"), key
        assert (int(got_kept), int(got_dropped), int(got_rejected)) == (kept, dropped, rejected)
    assert "55 postings from 13 sources" in result.output
    rejected_lines = [line for line in result.output.splitlines() if line.startswith("rejected ")]
    assert len(rejected_lines) == 8  # one line per malformed entry, with its reason
    for reason in ("no title", "no description", "not valid JSON", "holds no JobPosting"):
        assert any(reason in line for line in rejected_lines), reason


def test_demo_fields_are_parsed(demo_run: tuple) -> None:
    _, postings, _ = demo_run
    iso = re.compile(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d\+00:00)?$")
    for p in postings:
        assert p["company"] and p["url"] and p["location"] and p["content_hash"], p["id"]
        assert p["description_text"] and "&lt;" not in p["description_text"], p["id"]
        assert p["salary_min"] and p["salary_max"] and p["salary_currency"], p["id"]
        assert p["salary_period"] in ("year", "hour"), p["id"]
        assert p["employment_type"] in ("full-time", "contract"), p["id"]
        assert p["fetched_at"].endswith("+00:00")
        if p["posted_at"] is not None:
            assert iso.match(p["posted_at"]), p["posted_at"]
    by_title = {p["title"]: p for p in postings}
    undated = by_title["Principal Technical Program Manager, Public Transit Partnerships"]
    assert undated["posted_at"] is None and undated["remote"] is True
    assert by_title["Associate Technical Program Manager"]["remote"] is False  # hybrid
    assert by_title["Associate Technical Program Manager"]["salary_min"] == 98000.0
    assert by_title["Scrum Master, Patient Apps"]["remote"] is True
    assert by_title["Technical Programme Manager, Smart Grid"]["salary_currency"] == "GBP"
    head = by_title["Head of Technical Program Management"]
    assert head["salary_max"] == 280000.0
    ehr = by_title["Technical Project Manager, EHR Integrations"]
    assert "<script>alert('x')</script>" in ehr["description_text"]  # literal visible text
    assert ehr["posted_at"] == "2026-11-05T14:00:00+00:00"  # first_published, in UTC
    micro = by_title["IT Project Manager, Plant Systems"]  # microdata only
    assert micro["salary_min"] == 105000.0 and micro["location"] == "Toledo, OH, US"


def test_demo_newer_formats_and_leadership_titles(demo_run: tuple) -> None:
    """Recruitee, Personio, SmartRecruiters, Workable and Workday postings, and the TPM
    leadership titles the title filter keeps (README "Expected crawl results")."""
    _, postings, _ = demo_run
    by_title = {p["title"]: p for p in postings}
    for title in (
        "Head of Technical Programs",
        "Lead, Engineering Programs (m/f/d)",
        "Agile Delivery Lead (m/f/d)",
        "Director, Technical Program Management",
        "Principal Technical Program Manager, Lab Automation",
        "VP, Technical Program Management",
        "Principal TPM, Outage Management Systems",
        "Director, IT Programs",
    ):
        assert title in by_title, title
    head = by_title["Head of Technical Programs"]  # Recruitee: salary block, hybrid flag
    assert (head["salary_min"], head["salary_currency"], head["remote"]) == (150000.0, "EUR", False)
    assert "Requirements" not in head["description_text"]  # its own heading comes through
    assert "- PMP or PgMP certification is a plus" in head["description_text"].splitlines()
    lead = by_title["Lead, Engineering Programs (m/f/d)"]  # Personio: blocks, text salary
    assert lead["description_text"].splitlines()[0] == "About the role"
    assert lead["salary_max"] == 125000.0 and lead["posted_at"] == "2026-11-10T08:15:00+00:00"
    director = by_title["Director, Technical Program Management"]  # SmartRecruiters
    assert "900 distribution centres" not in director["description_text"]  # company text
    assert director["url"].startswith("https://jobs.smartrecruiters.com/QuillonSystems/")
    scrum = by_title["Scrum Master (Contract)"]  # Workable: second page, hourly contract
    assert (scrum["employment_type"], scrum["salary_period"], scrum["remote"]) == (
        "contract",
        "hour",
        True,
    )
    principal = by_title["Principal TPM, Outage Management Systems"]  # Workday
    assert principal["id"] == "workday:brightwater/External:R-24122"
    assert principal["company"] == "Brightwater Utilities" and principal["remote"] is True
