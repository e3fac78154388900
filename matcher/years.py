"""Years of experience stated in a text ("5+ years", "3-5 years", "at least seven years").

A mention counts only when it reads as experience: followed by a word such as "of",
"in", "experience", "managing" (cues.yaml: years_followed_by) or marked as a minimum
("5+", "at least", "minimum of", a range); and not preceded by "in the last", "over the
past", "founded" nor followed by "ago", "contract" (cues.yaml). A range gives its lower
bound ("0-2 years" gives 0); "five (5) years" gives 5.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from matcher.cues import Cues, fold

_MAX_YEARS = 40


@dataclass(frozen=True, slots=True)
class YearsMention:
    """A number of years of experience at [start, end) of the text."""

    value: float
    start: int
    end: int


def _alternation(words: list[str] | tuple[str, ...]) -> str:
    parts = sorted({re.escape(w).replace(r"\ ", r"\s+") for w in words}, key=len, reverse=True)
    return "|".join(parts) if parts else r"(?!x)x"


class YearsFinder:
    """Finds years-of-experience mentions with the cue words of `cues`."""

    def __init__(self, cues: Cues) -> None:
        self._numbers = cues.number_words
        num = rf"(?:\d{{1,2}}(?:\.\d)?|{_alternation(list(cues.number_words))})"
        paren = r"(?:\s*\(\s*\d{1,2}\s*\+?\s*\))?"
        self._re = re.compile(
            rf"(?<![\w.$£€/:-])(?P<a>{num}){paren}\s*(?P<plus>\+|\s+plus\b|\s+or\s+more\b)?"
            rf"(?:\s*(?:-|–|—|to)\s*(?P<b>{num}){paren}\s*\+?)?"
            r"\s*(?P<unit>years?|yrs?)(?![\w-])['’]?",
            re.IGNORECASE,
        )
        self._before = re.compile(
            rf"(?<![\w-])(?:{_alternation(cues.years_not_preceded_by)})\s+(?:the\s+|a\s+)?$"
        )
        self._minimum = re.compile(
            r"(?:at\s+least|a\s+minimum\s+of|minimum\s+of|minimum|min\.?|no\s+less\s+than)\s+$"
        )
        self._follow = re.compile(rf"^(?:{_alternation(cues.years_followed_by)})(?![\w-])")
        self._not_follow = re.compile(rf"^(?:{_alternation(cues.years_not_followed_by)})(?![\w-])")

    def _number(self, token: str) -> float | None:
        token = token.casefold()
        if token in self._numbers:
            return float(self._numbers[token])
        try:
            return float(token)
        except ValueError:
            return None

    def find(self, text: str) -> list[YearsMention]:
        """Every years-of-experience mention in `text`, in order.

        >>> from matcher.cues import load_cues
        >>> finder = YearsFinder(load_cues())
        >>> [m.value for m in finder.find("3-5 years of experience; a 2 year contract")]
        [3.0]
        >>> [m.value for m in finder.find("At least seven years managing programs.")]
        [7.0]
        """
        out: list[YearsMention] = []
        for m in self._re.finditer(text):
            value = self._number(m.group("a"))
            if value is None or value > _MAX_YEARS or (value <= 0 and not m.group("b")):
                continue
            before = fold(text[max(0, m.start() - 40) : m.start()])
            if self._before.search(before):
                continue
            after = fold(text[m.end() : m.end() + 40]).lstrip(" '’\t")
            if self._not_follow.match(after):
                continue
            marked = bool(m.group("plus") or m.group("b") or self._minimum.search(before))
            if not (marked or self._follow.match(after)):
                continue
            out.append(YearsMention(value, m.start(), m.end()))
        return out
