"""Posting's content_hash and wire.load: the fast paths give what the original code gave.

Stored `content_hash` values must never change: a changed hash re-extracts every posting.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from typing import Any

import pytest

from matcher.models import CONTENT_FIELDS, Posting, content_hash
from matcher.wire import WireError, load


def _reference_hash(values: dict[str, Any]) -> str:
    """content_hash as first written (json.dumps of asdict); the oracle."""
    payload = {name: values.get(name) for name in CONTENT_FIELDS}
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


BASE: dict[str, Any] = {
    "id": "lever:acme:1",
    "source": "lever",
    "company": "Acme",
    "title": "Technical Program Manager",
    "url": "https://jobs.example.test/1",
    "description_text": "Drive delivery with Jira.",
}

VARIANTS: list[dict[str, Any]] = [
    {},
    {"title": "Ünïcode — TPM ✓", "description_text": 'quotes " and \\ and \n newlines'},
    {"salary_min": 120000, "salary_max": 150000.5, "salary_currency": "USD"},
    {"salary_min": 1e21, "salary_max": 0.1 + 0.2, "salary_period": "year"},
    {"remote": True, "location": None, "employment_type": "full-time"},
    {"remote": False, "posted_at": "2026-11-20T09:00:00Z", "fetched_at": "2026-11-21"},
    {"description_html": "<p>not hashed</p>", "url": "https://elsewhere"},
]


# Computed by the original code (before the fast path): if this changes, every stored
# posting would be re-extracted.
KNOWN_HASH = "8ba21b218594be41e9e5bff462e1fea0920f61078ee15d038c9913f8c69f0c65"


def test_a_known_hash_never_changes() -> None:
    posting = Posting(
        id="lever:acme:1",
        source="lever",
        company="Acme",
        title="Technical Program Manager 1",
        url="https://jobs.example.test/lever/acme/1",
        description_text="Posting 1: drive delivery with Jira and Agile.",
        location="Remote",
        remote=True,
        posted_at="2026-11-20T09:00:00Z",
    )
    assert posting.content_hash == KNOWN_HASH


@pytest.mark.parametrize("variant", VARIANTS)
def test_hash_equals_the_original_computation(variant: dict[str, Any]) -> None:
    posting = Posting(**{**BASE, **variant})
    expected = _reference_hash(asdict(posting))
    assert posting.content_hash == expected
    assert content_hash(posting.to_dict()) == expected


def test_fields_outside_the_content_do_not_move_the_hash() -> None:
    one = Posting(**BASE)
    other = Posting(**{**BASE, "url": "https://x", "fetched_at": "2026-01-01"})
    assert one.content_hash == other.content_hash
    assert Posting(**{**BASE, "title": "Other"}).content_hash != one.content_hash


def test_a_given_hash_is_kept() -> None:
    assert Posting(**BASE, content_hash="abc").content_hash == "abc"


@dataclass
class Wrapped:
    text: str


def test_a_dataclass_in_a_content_field_hashes_as_before() -> None:
    """asdict turns nested dataclasses into dicts; the fast path falls back to it."""
    posting = Posting(**{**BASE, "location": Wrapped("Remote")})  # type: ignore[arg-type]
    assert posting.content_hash == _reference_hash(asdict(posting))


def test_wire_load_ignores_unknown_keys_and_round_trips() -> None:
    posting = Posting(**{**BASE, **VARIANTS[2]})
    data = posting.to_dict()
    assert load(Posting, data) == posting
    assert load(Posting, {**data, "extra": 1, "another": None}) == posting
    without_hash = {k: v for k, v in data.items() if k != "content_hash"}
    assert load(Posting, without_hash) == posting


def test_wire_load_on_a_subclass_uses_its_own_fields() -> None:
    @dataclass(slots=True)
    class Tagged(Posting):
        tag: str = ""

    built = load(Tagged, {**BASE, "tag": "t", "unknown": 1})
    assert isinstance(built, Tagged) and built.tag == "t"
    assert {f.name for f in fields(Tagged)} >= {"tag"}


def test_wire_load_missing_a_required_key_names_it() -> None:
    with pytest.raises(WireError, match="field 'title': missing"):
        load(Posting, {k: v for k, v in BASE.items() if k != "title"})
