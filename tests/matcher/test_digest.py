"""The digest: one entry per posting (newest event), order, escaping in every format, Atom."""

from __future__ import annotations

import json
from datetime import datetime
from xml.etree import ElementTree as ET

import pytest
from markdown_it import MarkdownIt

from matcher.digest import FORMATS, MatchEvent, build_digest, render, render_atom
from matcher.profile import ProfileError, parse_profile

NIGHT1 = datetime(2026, 11, 23, 2, 0)
NIGHT2 = datetime(2026, 11, 24, 2, 0)
EVIL = '<script>alert(1)</script> & "quotes" [x](javascript:y)'
ATOM = "{http://www.w3.org/2005/Atom}"


def _event(pid: str, kind: str, score: float, when: datetime = NIGHT2, **kw: object) -> MatchEvent:
    values: dict[str, object] = {
        "run_id": f"run-{when:%d}",
        "run_started_at": when,
        "candidate_id": "ann",
        "posting_id": pid,
        "kind": kind,
        "score": score,
        "previous_score": None,
        "min_score": 70.0,
        "matched": ("tool.jira", "method.agile"),
        "missing_required": ("cert.pmp",),
        "title": f"TPM {pid}",
        "company": "Acme",
        "url": f"https://jobs.example.test/{pid}",
    }
    values.update(kw)
    return MatchEvent(**values)  # type: ignore[arg-type]


def test_entries_are_one_per_posting_new_then_improved_then_closed() -> None:
    events = [
        _event("p1", "new", 75.0, NIGHT1),
        _event("p1", "improved", 88.0, previous_score=75.0),  # newest wins
        _event("p2", "new", 91.0),
        _event("p3", "closed", 80.0, NIGHT1),
        _event("p4", "new", 72.0),
    ]
    digest = build_digest("ann", "Ann", events, {"tool.jira": "Jira"})
    assert [(e.kind, e.posting_id) for e in digest.entries] == [
        ("new", "p2"), ("new", "p4"), ("improved", "p1"), ("closed", "p3"),
    ]  # fmt: skip
    assert digest.run_ids == ["run-24", "run-23"]
    assert digest.counts == {"new": 2, "improved": 1, "closed": 1}
    assert digest.entries[0].matched == ("Jira", "method.agile")  # names where known
    text = render(digest, "text")
    assert "88.0 (was 75.0)" in text and "missing (required): cert.pmp" in text


def test_no_events_is_an_empty_digest() -> None:
    digest = build_digest("ann", "Ann", [], {})
    assert digest.empty and "Nothing changed." in render(digest, "text")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_posting_text_stays_inert_in_every_format(fmt: str) -> None:
    title = EVIL + "\x1b[31m\u202e"  # an ANSI escape and a bidi override
    events = [_event("p1", "new", 80.0, title=title, company=EVIL, url="javascript:alert(1)")]
    out = render(build_digest("ann", "Ann", events, {}), fmt)
    assert "\x1b" not in out and "\u202e" not in out and "javascript:alert" not in out
    if fmt == "text":  # plain text shows the title as it is, without control characters
        assert EVIL + "[31m" in out
        return
    assert "<script>" not in out
    if fmt == "html":
        assert "&lt;script&gt;" in out and 'href="javascript' not in out
    if fmt == "md":
        html = MarkdownIt().render(out)
        assert "<script>" not in html and "javascript:" not in html.split("href")[-1][:20]
    if fmt == "json":
        assert json.loads(out)["entries"][0]["title"] == EVIL + "[31m"
        assert json.loads(out)["entries"][0]["url"] is None


def test_the_atom_feed_is_valid_and_escaped() -> None:
    events = [_event("p1", "new", 80.0, title=EVIL), _event("p2", "closed", 71.0, NIGHT1)]
    entries = build_digest("ann", "Ann", events, {}).entries
    text = render_atom("ann", entries)
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{tag}") is not None
    items = root.findall(f"{ATOM}entry")
    assert len(items) == 2
    assert items[0].findtext(f"{ATOM}title", "").startswith(f"New match: {EVIL}")
    ids = [i.findtext(f"{ATOM}id") for i in items]
    assert len(set(ids)) == 2 and all(i and i.startswith("urn:uuid:") for i in ids)
    assert ids == [
        i.findtext(f"{ATOM}id")
        for i in ET.fromstring(render_atom("ann", entries)).findall(f"{ATOM}entry")
    ]  # stable ids: a reader sees each event once
    assert "<script>" not in text


def test_profile_alerts_are_validated_with_the_field_named() -> None:
    ok = parse_profile(
        {"name": "A", "alerts": {"min_score": 65, "notify": ["json://h/p"], "digest": "weekly"}}
    )
    assert ok.alerts is not None and ok.alerts.digest == "weekly"
    assert parse_profile({"name": "A"}).alerts is None
    for alerts, field in (
        ({"min_score": 101}, "alerts.min_score"),
        ({"digest": "daily"}, "alerts.digest"),
        ({"notify": "json://h/p"}, "alerts.notify"),
        ({"notfy": []}, "alerts.notfy"),
    ):
        with pytest.raises(ProfileError, match=f"field '{field}'"):
            parse_profile({"name": "A", "alerts": alerts})


def test_a_bad_notify_url_is_named_but_never_repeated() -> None:
    secret = "slack-token-xyz"
    with pytest.raises(ProfileError) as raised:
        parse_profile({"name": "A", "alerts": {"notify": [f"not a url {secret}"]}})
    assert "alerts.notify.0" in str(raised.value) and secret not in str(raised.value)
