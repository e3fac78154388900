"""Cross-source dedup: same company, same location, similar title, different sources."""

from __future__ import annotations

from matcher.dedup import find_duplicates, normalize_company, normalize_location
from matcher.models import Posting


def _posting(pid: str, title: str, company: str = "Acme", location: str | None = "Berlin"):
    return Posting(
        id=pid,
        source=pid.split(":")[0],
        company=company,
        title=title,
        url=f"https://example.test/{pid}",
        description_text="Lead programs.",
        location=location,
    )


def test_same_job_on_two_boards_is_one_group_keeping_both_ids() -> None:
    groups = find_duplicates(
        [
            _posting("lever:acme:1", "Senior Technical Program Manager"),
            _posting("greenhouse:acme:7", "Technical Program Manager, Senior", "Acme Inc."),
            _posting("jsonld:acme.com:x", "Senior Technical Program Manager", "ACME"),
        ]
    )
    assert groups == {"greenhouse:acme:7": ["jsonld:acme.com:x", "lever:acme:1"]}


def test_different_company_location_or_title_are_not_merged() -> None:
    postings = [
        _posting("lever:acme:1", "Technical Program Manager"),
        _posting("greenhouse:other:1", "Technical Program Manager", company="Other"),
        _posting("ashby:acme:2", "Technical Program Manager", location="Paris, France"),
        _posting("greenhouse:acme:3", "Product Marketing Manager"),
    ]
    assert find_duplicates(postings) == {}


def test_two_openings_on_one_board_stay_apart() -> None:
    postings = [
        _posting("greenhouse:acme:1", "Technical Program Manager"),
        _posting("greenhouse:acme:2", "Technical Program Manager"),
        _posting("lever:acme:9", "Technical Program Manager"),
    ]
    # lever joins the first greenhouse opening only; the second opening stays alone.
    assert find_duplicates(postings) == {"greenhouse:acme:1": ["lever:acme:9"]}


def test_canonical_is_stable_whatever_the_input_order() -> None:
    postings = [
        _posting("lever:acme:1", "Technical Program Manager"),
        _posting("ashby:acme:5", "Technical Program Manager"),
    ]
    assert find_duplicates(postings) == find_duplicates(list(reversed(postings)))
    assert find_duplicates(postings) == {"ashby:acme:5": ["lever:acme:1"]}


def test_threshold_controls_title_similarity() -> None:
    postings = [
        _posting("lever:acme:1", "Technical Program Manager"),
        _posting("ashby:acme:5", "Technical Program Manager II"),
    ]
    assert find_duplicates(postings, title_threshold=99) == {}
    assert find_duplicates(postings, title_threshold=80) == {"ashby:acme:5": ["lever:acme:1"]}


def test_normalisers() -> None:
    assert normalize_company("Stripe, Inc.") == normalize_company("stripe") == "stripe"
    assert normalize_company("Co") == "co"  # a lone word is never dropped
    assert normalize_location("Remote") == normalize_location("remote (US)") == "remote"
    assert normalize_location("") == normalize_location(None) == ""
