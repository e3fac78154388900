"""Sections of a posting (from its heading lines) and the cues of a sentence.

A posting is read line by line: a heading line ("Requirements", "### Nice to have",
"**What you'll do:**", "BENEFITS") opens a section of a kind named in cues.yaml
(required, preferred, responsibilities, boilerplate) that lasts until the next heading;
a styled heading the cues do not know opens a neutral section. Within a sentence, a cue
("is a plus", "required", "not required") beats the section.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from matcher.cues import Cues
from matcher.text import fold

BULLET_RE = re.compile(r"^\s*(?:[-*•·▪◦–—]|\d{1,2}[.)])\s+")
_STRIP = " \t:#*_`>-–—|"


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the text: its character range, section kind and whether it is a heading."""

    start: int
    end: int
    section: str | None
    heading: bool
    boilerplate: bool = False  # the line holds boilerplate wording (equal opportunity, ...)


def _heading(line: str, cues: Cues) -> tuple[bool, str | None]:
    """Is this line a heading, and which section kind does it open (None: neutral)?

    >>> from matcher.cues import load_cues
    >>> cues = load_cues()
    >>> _heading("### Nice to have", cues), _heading("- Experience with X:", cues)
    ((True, 'preferred'), (False, None))
    """
    raw = line.strip()
    if not raw or BULLET_RE.match(raw):
        return False, None
    clean = raw.strip(_STRIP)
    words = clean.split()
    if not words or len(words) > 10:
        return False, None
    markdown = raw.startswith("#")
    bold = raw.startswith(("**", "__")) and raw.rstrip(":").endswith(("**", "__"))
    upper = clean.isupper() and any(c.isalpha() for c in clean)
    colon = raw.endswith(":")
    kind = cues.heading_kind(clean)
    if (markdown or bold or upper or colon) and cues.boilerplate_heading_words.search(fold(clean)):
        return True, "boilerplate"
    if markdown or bold or upper:
        return True, kind
    if kind is None:
        return False, None
    folded = re.sub(r"\s+", " ", fold(clean))
    if folded in cues.headings.get(kind, ()):
        return True, kind
    if colon or len(words) <= 4:
        cue_words = max(
            (len(p.split()) for p in cues.headings[kind] if folded.startswith(p)), default=0
        )
        if cue_words * 2 >= len(words):
            return True, kind
    return False, None


def _plain_label(line: str) -> bool:
    """A short unbulleted line ending with a colon ("Open Roles:", "Team & Setup:")."""
    raw = line.strip()
    return raw.endswith(":") and not BULLET_RE.match(raw) and len(raw.split()) <= 5


def _inline_label(line: str, cues: Cues) -> str | None:
    """The kind of a leading "Label: content" cue, e.g. "Preferred: PMP" -> preferred."""
    raw = BULLET_RE.sub("", line.strip()).lstrip("*_ ")
    head, sep, rest = raw.partition(":")
    if not sep or not rest.strip() or len(head.split()) > 4:
        return None
    return cues.heading_kind(head.strip(_STRIP))


def classify_lines(text: str, cues: Cues) -> list[Line]:
    """Split text into lines and give each its section kind.

    >>> from matcher.cues import load_cues
    >>> lines = classify_lines("About us\\nWe sell.\\nNice to have:\\n- PMP", load_cues())
    >>> [(ln.section, ln.heading) for ln in lines]
    [('boilerplate', True), ('boilerplate', False), ('preferred', True), ('preferred', False)]
    """
    out: list[Line] = []
    section: str | None = None
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        is_heading, kind = _heading(line, cues)
        if not is_heading and section == "boilerplate" and _plain_label(line):
            is_heading, kind = True, None  # "Open Roles:" ends an "About us" section
        if is_heading:
            section = kind
            out.append(Line(pos, end, section, True))
        else:
            label = _inline_label(line, cues)
            if label is not None:
                section = label
            boiler = bool(cues.boilerplate_sentences.search(line))
            out.append(Line(pos, end, section, False, boiler))
        pos = end + 1
    return out


class LineIndex:
    """Find the line holding a character offset (binary search over line starts)."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self._starts = [ln.start for ln in lines]

    def at(self, offset: int) -> Line:
        return self.lines[max(0, bisect_right(self._starts, offset) - 1)]


@dataclass(frozen=True, slots=True)
class Cue:
    """A sentence cue found at [start, end) of the sentence text."""

    kind: str
    start: int
    end: int
    label: bool  # followed by ":" -> applies forward


def sentence_cues(sentence: str, cues: Cues) -> list[Cue]:
    """Every cue in a sentence, with "no X required" spans as negations.

    >>> from matcher.cues import load_cues
    >>> [c.kind for c in sentence_cues("No PMP required; SQL is a plus", load_cues())]
    ['negated', 'preferred']
    """
    folded = fold(sentence)
    found: list[Cue] = []
    for m in cues.sentence.finditer(folded):
        kind = cues.sentence_kind.get(re.sub(r"\s+", " ", m.group(0)), "required")
        previous = folded[: m.start()].split()[-1:]
        if kind == "required" and previous and previous[0] in cues.required_not_after:
            continue
        label = folded[m.end() : m.end() + 2].lstrip(" *_").startswith(":")
        found.append(Cue(kind, m.start(), m.end(), label))
    for word in cues.negation_words:
        for m in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", folded):
            closer = re.compile(
                r"\s+(?:[^\s.;:]+\s+){0,5}?(?:" + "|".join(cues.negation_closers) + r")\b"
            ).match(folded, m.end())
            if closer:
                found = [c for c in found if not (c.start < closer.end() and c.end > m.start())]
                found.append(Cue("negated", m.start(), closer.end(), False))
    return sorted(found, key=lambda c: c.start)


def governing_cue(found: list[Cue], start: int, end: int) -> Cue | None:
    """The cue that governs a concept at [start, end) of the sentence.

    A cue containing the concept wins ("no PMP required"); then the nearest label before
    it ("Preferred: PMP"); then the nearest cue after it ("PMP is a plus"); then the
    nearest cue before it.
    """
    for cue in found:
        if cue.start <= start and end <= cue.end:
            return cue
    before = [c for c in found if c.end <= start]
    labels = [c for c in before if c.label]
    if labels:
        return labels[-1]
    after = [c for c in found if c.start >= end]
    if after:
        return after[0]
    return before[-1] if before else None


def cue_for(found: list[Cue], start: int, end: int) -> str | None:
    """The kind of the governing cue (see governing_cue), or None."""
    cue = governing_cue(found, start, end)
    return cue.kind if cue else None
