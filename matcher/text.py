"""Text helpers: folding text for comparison, and HTML to clean text with blocks kept.

`fold` and `normalize_alias` are the one way the matcher compares words as a reader
would (case, typographic quotes; then hyphens, slashes and runs of space).

Section detection depends on headings and list items standing on their own lines, so
block elements end a line, list items start one with "- ", and entities are unescaped.
Used by the crawlers' normalisation pipeline and by the extractor for HTML input.
"""

from __future__ import annotations

import html
import re

import lxml.html
from lxml import etree

_BLOCK_TAGS = frozenset(
    (
        "address article aside blockquote dd div dl dt fieldset figcaption figure footer "
        "form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody thead "
        "tfoot tr ul td th"
    ).split()
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title"})
_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*[^<>]*>")
_SPACES_RE = re.compile(r"[ \t\f\v\u00a0\u200b]+")
_BLANKS_RE = re.compile(r"\n{2,}")
_SEPARATORS_RE = re.compile(r"[\s\-_/]+")


def fold(text: str) -> str:
    """Fold case and typographic quotes so words compare as a reader would.

    >>> fold("What You\u2019ll Need")
    "what you'll need"
    """
    return text.replace("\u2019", "'").replace("\u2018", "'").casefold()


def normalize_alias(text: str) -> str:
    """`fold`, and hyphens, slashes and runs of space read as one space.

    >>> normalize_alias("MS-Project") == normalize_alias("ms  project")
    True
    """
    return _SEPARATORS_RE.sub(" ", fold(text)).strip()


def looks_like_html(text: str) -> bool:
    """True when the text holds tags, or tags escaped once (as Greenhouse sends them).

    >>> looks_like_html("&lt;p&gt;Hello&lt;/p&gt;"), looks_like_html("5 < 7 and 8 > 3")
    (True, False)
    """
    return bool(_TAG_RE.search(text) or _TAG_RE.search(html.unescape(text)))


def _walk(node: etree._Element, out: list[str]) -> None:
    tag = node.tag if isinstance(node.tag, str) else ""
    tag = tag.lower()
    if tag in _SKIP_TAGS or not isinstance(node.tag, str):
        if node.tail:
            out.append(node.tail)
        return
    block = tag in _BLOCK_TAGS
    if block:
        out.append("\n")
    if tag == "li":
        out.append("- ")
    elif tag == "br":
        out.append("\n")
    elif tag in {"td", "th"}:
        out.append(" ")
    if node.text:
        out.append(node.text)
    for child in node:
        _walk(child, out)
    if block:
        out.append("\n")
    if node.tail:
        out.append(node.tail)


def tidy_text(text: str) -> str:
    """Collapse runs of spaces within lines, strip every line, drop blank lines."""
    lines = (_SPACES_RE.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n"))
    return _BLANKS_RE.sub("\n", "\n".join(lines)).strip()


def html_to_text(markup: str) -> str:
    """Turn HTML (or HTML escaped once) into text, one block or list item per line.

    >>> html_to_text("&lt;h3&gt;Must have&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;PMP&lt;/li&gt;&lt;/ul&gt;")
    'Must have\\n- PMP'
    """
    if not markup or not markup.strip():
        return ""
    if not _TAG_RE.search(markup) and _TAG_RE.search(html.unescape(markup)):
        markup = html.unescape(markup)
    if not _TAG_RE.search(markup):
        return tidy_text(html.unescape(markup))
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return tidy_text(html.unescape(_TAG_RE.sub("\n", markup)))
    parts: list[str] = []
    _walk(root, parts)
    return tidy_text("".join(parts))
