"""The cue words the extractor reads postings with, loaded from `cues.yaml`.

Cues are English (headings, "is a plus", "at least", number words), not concepts: no
concept name appears in them. `load_cues()` reads the file explicitly (never at import)
and compiles every phrase list into one case-insensitive whole-word regex.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from matcher.text import fold

DEFAULT_CUES_PATH = Path(__file__).with_name("cues.yaml")

#: Section and sentence kinds the cue file may name.
SECTION_KINDS: tuple[str, ...] = ("required", "preferred", "responsibilities", "boilerplate")
SENTENCE_KINDS: tuple[str, ...] = ("negated", "preferred", "required")


class CuesError(ValueError):
    """A cue file that cannot be used; the message names the file and the key."""


def phrase_regex(phrases: list[str]) -> re.Pattern[str]:
    """One whole-word, case-insensitive alternation, longest phrase first.

    >>> phrase_regex(["a plus", "plus"]).search("SQL is a plus").group(0)
    'a plus'
    """
    if not phrases:
        return re.compile(r"(?!x)x")
    parts = sorted({re.escape(fold(p)).replace(r"\ ", r"\s+") for p in phrases}, key=len)
    body = "|".join(reversed(parts))
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class AlternativeCues:
    """The cues that tell an "or" list of concepts from an "and" list (cues.yaml)."""

    or_joiners: re.Pattern[str]
    and_joiners: re.Pattern[str]
    #: Full match: the text between two list members holds only joiners and fillers.
    separators: re.Pattern[str]
    #: Searched at the end of the text before a list's first member.
    openers: re.Pattern[str]
    example_openers: re.Pattern[str]
    #: Matched at the start of the text after a list's last member.
    closers: re.Pattern[str]
    #: The list runs on past its first (`before`) or last (`after`) concept member.
    run_on_before: re.Pattern[str]
    run_on_after: re.Pattern[str]
    #: Matched at the start of the text after a list's last member: the list ends there.
    list_end: re.Pattern[str]

    def joiner(self, between: str) -> str | None:
        """What joins two list members: "or", "and", "," (undecided) or None (no list).

        >>> alt = load_cues().alternatives
        >>> alt.joiner(" or "), alt.joiner(", and "), alt.joiner(", "), alt.joiner(" with ")
        ('or', 'and', ',', None)
        """
        text = fold(between)
        if not text.strip() or not self.separators.fullmatch(text):
            return None
        if self.or_joiners.search(text):
            return "or"
        return "and" if self.and_joiners.search(text) else ","


@dataclass(frozen=True, slots=True)
class ResumeCues:
    """The words a résumé is read with (cues.yaml: `resume`)."""

    #: folded heading text -> section kind ("work experience" -> "experience")
    sections: dict[str, str]
    ignored_sections: frozenset[str]
    present: tuple[str, ...]
    months: dict[str, int]
    not_names: frozenset[str]

    def section_kind(self, heading: str) -> str | None:
        """The résumé section a heading names exactly, or None.

        >>> cues = load_cues().resume
        >>> cues.section_kind("WORK EXPERIENCE"), cues.section_kind("Experience with Jira")
        ('experience', None)
        """
        return self.sections.get(re.sub(r"\s+", " ", fold(heading)).strip(" :.-*#_"))


@dataclass(frozen=True, slots=True)
class Cues:
    """Compiled cue lists (see cues.yaml for what each one means)."""

    headings: dict[str, tuple[str, ...]]
    boilerplate_sentences: re.Pattern[str]
    sentence: re.Pattern[str]
    sentence_kind: dict[str, str]
    negation_words: tuple[str, ...]
    required_not_after: tuple[str, ...]
    negation_closers: tuple[str, ...]
    number_words: dict[str, int]
    years_not_preceded_by: tuple[str, ...]
    years_followed_by: tuple[str, ...]
    years_not_followed_by: tuple[str, ...]
    or_equivalent: re.Pattern[str]
    boilerplate_heading_words: re.Pattern[str]
    company_openers: re.Pattern[str]
    role_nouns: frozenset[str]
    alternatives: AlternativeCues
    resume: ResumeCues
    _heading_re: re.Pattern[str]
    _heading_of: dict[str, str]

    def heading_kind(self, heading: str) -> str | None:
        """The section kind a heading opens: its longest matching leading cue wins.

        >>> cues = load_cues()
        >>> cues.heading_kind("Nice to have"), cues.heading_kind("About us")
        ('preferred', 'boilerplate')
        """
        text = re.sub(r"\s+", " ", fold(heading)).strip(" :.-*#_!?")
        found = self._heading_re.match(text)
        return self._heading_of[found.group(0)] if found else None


def _strings(data: dict[str, Any], key: str, origin: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CuesError(f"{origin}: key {key!r} must be a list of strings")
    return value


def _marks(raw: dict[str, Any], key: str, where: str) -> str:
    """An alternation of punctuation marks as written (no word boundaries)."""
    return "|".join(re.escape(fold(m)) for m in _strings(raw, key, where)) or "(?!x)x"


def _alternatives(data: dict[str, Any], origin: str) -> AlternativeCues:
    """Compile the `alternatives` block (see cues.yaml)."""
    raw = data.get("alternatives", {})
    if not isinstance(raw, dict):
        raise CuesError(f"{origin}: key 'alternatives' must map cue names to phrase lists")
    where = f"{origin} (alternatives)"

    def body(key: str) -> str:
        return phrase_regex(_strings(raw, key, where)).pattern

    joiners = "|".join(body(k) for k in ("or_joiners", "and_joiners", "fillers"))
    marks = _marks(raw, "run_on", where)
    return AlternativeCues(
        or_joiners=re.compile(body("or_joiners")),
        and_joiners=re.compile(body("and_joiners")),
        separators=re.compile(rf"(?:\s*(?:{joiners}))+\s*"),
        openers=re.compile(rf"(?:{body('openers')})\s*:?\s*$"),
        example_openers=re.compile(rf"(?:{body('example_openers')})\s*:?\s*$"),
        closers=re.compile(rf"\s*,?\s*(?:{body('closers')})"),
        run_on_before=re.compile(rf"(?:{marks})\s*$"),
        run_on_after=re.compile(rf"\s*(?:{marks})"),
        list_end=re.compile(rf"\s*(?:{_marks(raw, 'list_ends', where)}|$)"),
    )


def _resume(data: dict[str, Any], origin: str) -> ResumeCues:
    """Compile the `resume` block (see cues.yaml)."""
    raw = data.get("resume", {})
    where = f"{origin} (resume)"
    sections_raw = raw.get("sections", {}) if isinstance(raw, dict) else None
    months = raw.get("months", {}) if isinstance(raw, dict) else None
    if not isinstance(sections_raw, dict) or not isinstance(months, dict):
        raise CuesError(f"{where}: 'sections' and 'months' must be mappings")
    if not all(isinstance(v, int) and 1 <= v <= 12 for v in months.values()):
        raise CuesError(f"{where}: key 'months' must map month names to 1..12")
    sections = {
        re.sub(r"\s+", " ", fold(p)): kind
        for kind in sections_raw
        for p in _strings(sections_raw, kind, where)
    }
    return ResumeCues(
        sections=sections,
        ignored_sections=frozenset(_strings(raw, "ignored_sections", where)),
        present=tuple(fold(w) for w in _strings(raw, "present", where)),
        months={fold(k): v for k, v in months.items()},
        not_names=frozenset(fold(w) for w in _strings(raw, "not_names", where)),
    )


def load_cues(path: str | Path | None = None) -> Cues:
    """Read and compile the cue file (default: matcher/cues.yaml)."""
    path = Path(path) if path else DEFAULT_CUES_PATH
    origin = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CuesError(f"{origin}: cannot read the cue file ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise CuesError(f"{origin}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise CuesError(f"{origin}: expected a mapping of cue lists")
    headings_raw = data.get("headings", {})
    sentence_raw = data.get("sentence", {})
    for name, raw, kinds in (
        ("headings", headings_raw, SECTION_KINDS),
        ("sentence", sentence_raw, SENTENCE_KINDS),
    ):
        if not isinstance(raw, dict) or set(raw) - set(kinds):
            raise CuesError(f"{origin}: key {name!r} must map some of {kinds} to phrase lists")
    headings = {
        kind: tuple(fold(p) for p in _strings(headings_raw, kind, origin)) for kind in headings_raw
    }
    heading_of: dict[str, str] = {}
    for kind, phrases in headings.items():
        for phrase in phrases:
            heading_of.setdefault(phrase, kind)
    sentence_kind = {
        fold(p): kind for kind in sentence_raw for p in _strings(sentence_raw, kind, origin)
    }
    numbers = data.get("number_words", {})
    if not isinstance(numbers, dict) or not all(isinstance(v, int) for v in numbers.values()):
        raise CuesError(f"{origin}: key 'number_words' must map words to integers")
    return Cues(
        headings=headings,
        boilerplate_sentences=phrase_regex(_strings(data, "boilerplate_sentences", origin)),
        sentence=phrase_regex(list(sentence_kind)),
        sentence_kind=sentence_kind,
        negation_words=tuple(fold(w) for w in _strings(data, "negation_words", origin)),
        required_not_after=tuple(fold(w) for w in _strings(data, "required_not_after", origin)),
        negation_closers=tuple(fold(w) for w in _strings(data, "negation_closers", origin)),
        number_words={fold(k): v for k, v in numbers.items()},
        years_not_preceded_by=tuple(
            fold(w) for w in _strings(data, "years_not_preceded_by", origin)
        ),
        years_followed_by=tuple(fold(w) for w in _strings(data, "years_followed_by", origin)),
        years_not_followed_by=tuple(
            fold(w) for w in _strings(data, "years_not_followed_by", origin)
        ),
        or_equivalent=phrase_regex(_strings(data, "or_equivalent", origin)),
        boilerplate_heading_words=phrase_regex(_strings(data, "boilerplate_heading_words", origin)),
        company_openers=re.compile(
            "(?:"
            + "|".join(
                re.escape(fold(p)).replace(r"\ ", r"\s+")
                for p in _strings(data, "company_openers", origin)
            )
            + r")(?![\w])"
        ),
        role_nouns=frozenset(fold(w) for w in _strings(data, "role_nouns", origin)),
        alternatives=_alternatives(data, origin),
        resume=_resume(data, origin),
        _heading_re=re.compile(
            "(?:"
            + "|".join(re.escape(p) for p in sorted(heading_of, key=len, reverse=True))
            + r")(?![\w])"
        ),
        _heading_of=heading_of,
    )
