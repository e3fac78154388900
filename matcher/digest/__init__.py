"""Match alerts: what changed for a candidate (`MatchEvent`), the digest about it and its
renderings (text, md, html, json) and the candidate's Atom feed. Pure: events in, text out.
"""

from __future__ import annotations

from collections.abc import Callable

from matcher.digest.feed import render_atom
from matcher.digest.model import Digest, DigestEntry, MatchEvent, build_digest, digest_to_dict
from matcher.digest.render import render_html, render_json, render_markdown, render_text

FORMATS: dict[str, Callable[[Digest], str]] = {
    "text": render_text,
    "md": render_markdown,
    "html": render_html,
    "json": render_json,
}


def render(digest: Digest, fmt: str) -> str:
    """Render `digest` in one of FORMATS (text, md, html, json)."""
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise ValueError(
            f"unknown digest format {fmt!r}; use one of {', '.join(FORMATS)}"
        ) from None
    return renderer(digest)


__all__ = [
    "FORMATS",
    "Digest",
    "DigestEntry",
    "MatchEvent",
    "build_digest",
    "digest_to_dict",
    "render",
    "render_atom",
]
