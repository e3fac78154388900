"""Normalisation rules and the TPM title filter (pure functions, no crawl)."""

from __future__ import annotations

import pytest

from crawlers.jsonld import identifier_value, location_text, parse_page
from crawlers.middlewares.retry import retry_after_seconds
from crawlers.normalise import (
    currency_code,
    employment_type,
    iso_datetime,
    parse_salary_text,
    remote_from_text,
)
from crawlers.titles import TitleMatcher
from matcher.taxonomy import Taxonomy


@pytest.fixture(scope="module")
def matcher(taxonomy: Taxonomy) -> TitleMatcher:
    return TitleMatcher.build(taxonomy.role_titles, rules=taxonomy.title_rules)


@pytest.mark.parametrize(
    "title",
    [
        "Sr. Technical Program Mgr",
        "Technical Programme Manager",
        "Techincal Progam Manager, Payments",
        "Staff Technical Program Manager (Remote)",
        "Head of Technical Program Management",
        "TPM - Infrastructure",
        "Scrum Master (Contract)",
        "IT Project Manager, Clinical Systems",
        "Manager, IT Projects",
        "Engineering Program Manager, Silicon",
        "Agile Delivery Manager",
        "Technical Project Coordinator",
        # leadership words instead of "manager", any word order (taxonomy title_rules)
        "VP, Technical Program Management",
        "Principal TPM",
        "Lead, Engineering Programs",
        "Engineering Programs Lead",
        "Head of Technical Programs",
        "Director, IT Programs",
        "Technical Delivery Director",
        "Agile Delivery Lead",
        "Principal Technical Program Lead, Payments",
        "Junior IT Projectmanager (f/m/d)",
        # a team or product name is not another function
        "Technical Program Manager, Events Platform",
        "Technical Program Manager, Customer Success Tools",
        "Technical Program Manager, Developer Platform",
    ],
)
def test_tpm_titles_pass(matcher: TitleMatcher, title: str) -> None:
    assert matcher.match(title) is not None


@pytest.mark.parametrize(
    "title",
    [
        "Software Engineer",
        "Product Manager",
        "Senior Product Manager, Payments",
        "Technical Product Manager",
        "Program Manager, Marketing",
        "Program Manager, Marketing Events",
        "Project Manager",
        "Technical Recruiter",
        "Customer Success Manager, Commercial Accounts",
        "Engineering Manager",
        "Account Manager",
        # lookalikes: a leadership word, but another function
        "Director of Engineering",
        "Head of Engineering",
        "Director, Sales Enablement Programs",
        "Head of Events Programs",
        "Head of Customer Success Programs",
        "Engineering Manager, Developer Programs",
        "Principal Engineer - Project Technical Lead",
        "Lead Software Engineer, Delivery Platform",
        "Infrastructure Engineer (Scrum Master)",
        "Head of Programs",
    ],
)
def test_other_titles_fail(matcher: TitleMatcher, title: str) -> None:
    assert matcher.match(title) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$120,000 - $150,000 a year", (120000.0, 150000.0, "USD", "year")),
        ("The range is $145K–$180K USD", (145000.0, 180000.0, "USD", "year")),
        ("£450 - £550 per day", (450.0, 550.0, "GBP", "day")),
        ("€60.000 - €75.000 brutto", (60000.0, 75000.0, "EUR", "year")),
        ("CA$90,000 to CA$110,000 annually", (90000.0, 110000.0, "CAD", "year")),
        ("$70 - $90 per hour", (70.0, 90.0, "USD", "hour")),
        ("3-5 years of experience; budgets above $20M", None),
        ("no money here", None),
    ],
)
def test_salary_from_text(text: str, expected: tuple | None) -> None:
    assert parse_salary_text(text) == expected


def test_dates_remote_currency_employment() -> None:
    assert iso_datetime("2026-11-05T09:00:00-05:00") == "2026-11-05T14:00:00+00:00"
    assert iso_datetime(1760000000000) == iso_datetime("1760000000") == "2025-10-09T08:53:20+00:00"
    assert iso_datetime("2024-01-10T17:37:32.123Z") == "2024-01-10T17:37:32+00:00"
    assert iso_datetime("") is None and iso_datetime("soon") is None and iso_datetime(True) is None
    assert remote_from_text("Remote - US") is True
    assert remote_from_text("Boston, MA (Hybrid)") is False
    assert remote_from_text("on-site") is False and remote_from_text("Seattle, WA") is None
    assert remote_from_text(None, "Technical Program Manager (Remote)") is True
    assert currency_code("€") == "EUR" and currency_code("gbp") == "GBP"
    assert (
        employment_type("CONTRACTOR") == "contract" and employment_type("FullTime") == "full-time"
    )
    assert employment_type("Seasonal") == "Seasonal" and employment_type(None) is None


def test_jsonld_parsing_helpers() -> None:
    page = parse_page(
        '<script type="application/ld+json">{"@graph": [{"@type": "Organization"},'
        ' {"@type": ["JobPosting"], "title": "TPM"}]}</script>'
        '<script type="application/ld+json"><!-- {"@type": "WebPage"} --></script>'
    )
    assert [p["title"] for p in page.postings] == ["TPM"]
    assert page.other_types == ["Organization", "WebPage"] and not page.bad_blocks
    assert location_text([{"address": {"addressLocality": "A"}}, "B", None]) == "A; B"
    assert identifier_value({"@type": "PropertyValue", "value": 17}) == 17
    assert identifier_value(None) is None


def test_retry_after_header() -> None:
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert retry_after_seconds(None) is None and retry_after_seconds(b"") is None
