"""The text of a PDF résumé, a two-column page read one column after the other.

pypdf gives a page's text in drawing order. A two-column résumé drawn row by row (the
sidebar's "Skills" beside the main column's "Experience") would come out with both
columns on one line, mixing the sections. So each page's text fragments are placed
(pypdf's `visitor_text`), and when a second column is found the page is read left
column first, then right. A second column starts at an x where at least three lines
have a fragment with text to its left, and no text to its left, between its top and
bottom line, runs into it (a fragment's end is estimated from its length). A page
without one keeps pypdf's own text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Average glyph width in em, to estimate where a fragment of text ends.
_GLYPH_EM = 0.5
_MIN_LINES = 3


@dataclass(frozen=True, slots=True)
class Fragment:
    """A run of text drawn at (x, y) and ending at about x = `end`."""

    x: float
    y: float
    end: float
    text: str


def _rows(fragments: Iterable[Fragment]) -> dict[int, list[Fragment]]:
    """Fragments by line (their y, rounded)."""
    rows: dict[int, list[Fragment]] = {}
    for frag in fragments:
        rows.setdefault(round(frag.y), []).append(frag)
    return rows


def column_start(fragments: list[Fragment]) -> float | None:
    """The x where a second column starts, or None for a one-column page.

    >>> left = [Fragment(50, 700 - 16 * i, 150, "Skills") for i in range(4)]
    >>> right = [Fragment(260, 700 - 16 * i, 400, "Experience") for i in range(4)]
    >>> column_start(left + right), column_start(left)
    (260, None)
    """
    starts: Counter[int] = Counter()
    for row in _rows(fragments).values():
        first = min(f.x for f in row)
        starts.update({round(f.x) for f in row if f.x > first + 1})
    for x, lines in starts.most_common():
        if lines < _MIN_LINES:
            break
        ys = [f.y for f in fragments if abs(f.x - x) <= 1]
        top, bottom = max(ys), min(ys)
        if all(f.end <= x for f in fragments if f.x < x - 1 and bottom <= f.y <= top):
            return x
    return None


def _lines(fragments: Iterable[Fragment]) -> list[str]:
    """Fragments as lines, top to bottom, each line's fragments left to right."""
    rows = _rows(fragments)
    return [
        " ".join(f.text for f in sorted(rows[y], key=lambda f: f.x))
        for y in sorted(rows, reverse=True)
    ]


def page_text(page: Any) -> str:
    """One page's text: by columns when it has two, else as pypdf reads it."""
    fragments: list[Fragment] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float) -> None:
        text = text.strip()
        if text:
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            em = size * (abs(tm[0] * cm[0]) or 1.0)
            fragments.append(Fragment(x, y, x + len(text) * em * _GLYPH_EM, text))

    plain = page.extract_text(visitor_text=visit) or ""
    split = column_start(fragments)
    if split is None:
        return plain
    left = [f for f in fragments if f.x < split - 1]
    right = [f for f in fragments if f.x >= split - 1]
    return "\n".join(_lines(left) + _lines(right))


def pdf_text(path: Path) -> str:
    """The text of every page of a PDF (raises pypdf's PdfReadError for a bad file)."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return "\n".join(page_text(page) for page in reader.pages)
