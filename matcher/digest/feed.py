"""A candidate's match events as an Atom feed (RFC 4287), one entry per event.

Built with `xml.etree.ElementTree`, which escapes every text and attribute, so posting
text cannot add markup. Ids are `urn:uuid:` URNs derived from the candidate, run, posting
and kind, so a feed reader sees each event once however often the file is rewritten.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from matcher.digest.model import DigestEntry

ATOM_NS = "http://www.w3.org/2005/Atom"
_ID_NAMESPACE = uuid.UUID("5f0c9c52-8a4e-4a8e-9a55-8f0b8a8a1e15")
_TITLES = {"new": "New match", "improved": "Improved match", "closed": "Closed"}


def _stamp(value: datetime) -> str:
    """An RFC 3339 UTC time (naive values are UTC).

    >>> _stamp(datetime(2026, 1, 2, 3, 4, 5))
    '2026-01-02T03:04:05Z'
    """
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.strftime("%Y-%m-%dT%H:%M:%SZ")


def _urn(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, chr(31).join(parts))}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        node.text = text
    return node


def _summary(e: DigestEntry) -> str:
    was = "" if e.previous_score is None else f" (was {e.previous_score:.1f})"
    parts = [f"score {e.score:.1f}{was}"]
    if e.matched:
        parts.append("matched: " + ", ".join(e.matched))
    if e.missing_required:
        parts.append("missing (required): " + ", ".join(e.missing_required))
    return "; ".join(parts)


def render_atom(
    candidate_id: str, entries: Sequence[DigestEntry], updated: datetime | None = None
) -> str:
    """The Atom document of one candidate's latest events (`entries`, newest first).

    The feed's title names the candidate id only (no name or address).
    """
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    newest = max((e.run_started_at for e in entries), default=None)
    _sub(feed, "id", _urn("feed", candidate_id))
    _sub(feed, "title", f"tpm-match alerts for {candidate_id}")
    _sub(feed, "updated", _stamp(updated or newest or datetime.now(UTC)))
    _sub(feed, "generator", "tpm-match")
    author = _sub(feed, "author")
    _sub(author, "name", "tpm-match")
    for e in entries:
        entry = _sub(feed, "entry")
        _sub(entry, "id", _urn(candidate_id, e.run_id, e.posting_id, e.kind))
        _sub(entry, "title", f"{_TITLES[e.kind]}: {e.title} at {e.company} ({e.score:.1f})")
        _sub(entry, "updated", _stamp(e.run_started_at))
        if e.url:
            _sub(entry, "link", href=e.url, rel="alternate")
        _sub(entry, "category", term=e.kind)
        _sub(entry, "summary", _summary(e), type="text")
    body = ET.tostring(feed, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'
