"""Making untrusted posting text inert in each output format.

Posting text comes from third parties: it may hold `<script>`, event-handler attributes,
markdown links to `javascript:` or rich markup such as `[bold]`, and terminal control
sequences. Each renderer passes every such string through the helpers here (HTML relies
on Jinja2's autoescape plus `safe_url`).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
_MD_PUNCT_RE = re.compile(r"([\\`*_{}\[\]()#+\-!|~])")


def plain(text: object) -> str:
    """Text without control characters (ANSI escapes, bidi overrides); newlines become spaces.

    >>> plain("a\\x1b[31mred\\nb")
    'a[31mred b'
    """
    value = "" if text is None else str(text)
    return _CONTROL_RE.sub("", value.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))


def safe_url(url: object) -> str | None:
    """The URL when it is http(s) with a host, else None (never `javascript:` or `data:`).

    >>> safe_url("https://example.com/jobs/1"), safe_url("javascript:alert(1)")
    ('https://example.com/jobs/1', None)
    """
    value = plain(url).strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return value


def md_text(text: object) -> str:
    """Markdown-inert text: HTML special characters as entities, punctuation backslashed.

    >>> md_text("<b>[x](javascript:y)</b> | *z*")
    '&lt;b&gt;\\\\[x\\\\]\\\\(javascript:y\\\\)&lt;/b&gt; \\\\| \\\\*z\\\\*'
    """
    value = _MD_PUNCT_RE.sub(r"\\\1", plain(text))
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def md_link(label: object, url: object) -> str:
    """A markdown link when the URL is safe (parentheses and spaces percent-encoded)."""
    safe = safe_url(url)
    if safe is None:
        return md_text(label)
    return f"[{md_text(label)}](<{quote(safe, safe=':/?#@!$&=+;%,~*')}>)"
