"""A digest as plain text, Markdown, one HTML page (the report's styles) or JSON.

Every posting string was made control-character free by `build_digest`; HTML goes
through Jinja2's autoescape (the report's environment), Markdown through `safe.md_text`,
and links are made only for http(s) addresses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matcher.digest.model import Digest, DigestEntry, digest_to_dict
from matcher.report.html import environment
from matcher.report.jsonout import inert_json
from matcher.report.safe import md_link, md_text

_HEADINGS = (("new", "New matches"), ("improved", "Improved matches"))


def _score(e: DigestEntry) -> str:
    """The score, with the previous one when there is one.

    >>> from datetime import datetime
    >>> e = DigestEntry("improved", "p", "r", datetime(2026, 1, 1), 81.0, 70.5, "T", "C", None)
    >>> _score(e)
    '81.0 (was 70.5)'
    """
    was = "" if e.previous_score is None else f" (was {e.previous_score:.1f})"
    return f"{e.score:.1f}{was}"


@dataclass(frozen=True, slots=True)
class _Style:
    """How one plain-text flavour writes each part of the digest."""

    heading: Callable[[str, int], list[str]]
    entry: Callable[[DigestEntry], list[str]]
    closed: Callable[[DigestEntry], str]
    esc: Callable[[object], str]


def _lines(digest: Digest, style: _Style) -> str:
    """The digest's sections in one text flavour (text or Markdown)."""
    c = digest.counts
    lines = [*style.heading(style.esc(digest.subject), 0)]
    if digest.empty:
        return "\n".join([*lines, "Nothing changed."]) + "\n"
    for kind, heading in (*_HEADINGS, ("closed", "Closed")):
        entries = digest.of_kind(kind)  # type: ignore[arg-type]
        if not entries:
            continue
        lines += style.heading(f"{heading} ({c[kind]})", 1)
        for e in entries:
            lines += style.entry(e) if kind != "closed" else [style.closed(e)]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _text_entry(e: DigestEntry) -> list[str]:
    lines = [
        f"* {_score(e)}  {e.title} at {e.company}",
        f"  {e.url or '(no web address)'}  [{e.posting_id}]",
    ]
    if e.matched:
        lines.append(f"  matched: {', '.join(e.matched)}")
    if e.missing_required:
        lines.append(f"  missing (required): {', '.join(e.missing_required)}")
    return lines


def _md_entry(e: DigestEntry) -> list[str]:
    lines = [f"- **{_score(e)}** {md_link(e.title, e.url)}: {md_text(e.company)}"]
    if e.matched:
        lines.append(f"  - matched: {md_text(', '.join(e.matched))}")
    if e.missing_required:
        lines.append(f"  - missing (required): {md_text(', '.join(e.missing_required))}")
    return lines


_TEXT = _Style(
    heading=lambda title, level: [title, ""],
    entry=_text_entry,
    closed=lambda e: f"- {e.title} at {e.company} ({e.score:.1f}) [{e.posting_id}]",
    esc=str,
)
_MARKDOWN = _Style(
    heading=lambda title, level: [f"{'#' * (level + 1)} {title}", ""],
    entry=_md_entry,
    closed=lambda e: f"- {md_text(e.title)}: {md_text(e.company)} ({e.score:.1f})",
    esc=md_text,
)


def render_text(digest: Digest) -> str:
    """The digest as plain text (`tpm-match digest`)."""
    return _lines(digest, _TEXT)


def render_markdown(digest: Digest) -> str:
    """The digest as Markdown (posting text inert: `safe.md_text`)."""
    return _lines(digest, _MARKDOWN)


def render_html(digest: Digest) -> str:
    """The digest as one HTML page with the report's styles (the e-mail's HTML part)."""
    return environment().get_template("digest.html.j2").render(d=digest)


def render_json(digest: Digest) -> str:
    """The digest as JSON (`digest_to_dict`), with `<`, `>`, `&` as \\u escapes."""
    return inert_json(digest_to_dict(digest))
