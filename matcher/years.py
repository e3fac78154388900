"""Years of experience stated in a text ("5+ years", "3-5 years", "at least seven years").

A mention counts only when it reads as experience: followed by a word such as "of",
"in", "experience", "managing" (cues.yaml: years_followed_by) or marked as a minimum
("5+", "at least", "minimum of", a range); and not preceded by "in the last", "over the
past", "founded" nor followed by "ago", "contract" (cues.yaml). A range gives its lower
bound ("0-2 years" gives 0); "five (5) years" gives 5.

A résumé's date ranges ("2019 – present", "Jan 2018 – Mar 2021", "03/2017 - 05/2019",
"2015-2018") are read by `date_ranges`; `years_of_ranges` adds them up, counting months
that overlap once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from matcher.cues import Cues, ResumeCues, fold

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


@dataclass(frozen=True, slots=True)
class DateRange:
    """A span of work at [start, end) of the text, in months since year 0: [first, stop)."""

    first: int
    stop: int
    start: int
    end: int


class DateRangeFinder:
    """Finds date ranges with the month names and "present" words of `cues`."""

    def __init__(self, cues: ResumeCues) -> None:
        self._months = cues.months
        month = _alternation(list(cues.months))
        year = r"(?:19|20)\d\d"
        # "Jan 2018", "03/2017" or "2015"; {p} names the side ("a" start, "b" end)
        point = (
            rf"(?:(?P<{{p}}m>{month})\.?\s+(?P<{{p}}y>{year})"
            rf"|(?P<{{p}}n>0?[1-9]|1[0-2])\s*/\s*(?P<{{p}}ny>{year})|(?P<{{p}}yy>{year}))"
        )
        self._re = re.compile(
            rf"(?<![\w/.-]){point.format(p='a')}\s*(?:-|–|—|to|until|till)\s*"
            rf"(?:{point.format(p='b')}|(?P<now>{_alternation(cues.present)}))(?![\w/])",
            re.IGNORECASE,
        )

    def _month(self, m: re.Match[str], p: str, end: bool) -> int | None:
        """Months since year 0 of one side; a bare year starts in January, ends before it."""
        if m.group(f"{p}m"):
            return int(m.group(f"{p}y")) * 12 + self._months[fold(m.group(f"{p}m"))] - 1 + end
        if m.group(f"{p}n"):
            return int(m.group(f"{p}ny")) * 12 + int(m.group(f"{p}n")) - 1 + end
        if m.group(f"{p}yy"):
            return int(m.group(f"{p}yy")) * 12
        return None

    def find(self, text: str, today: date) -> list[DateRange]:
        """Every date range of `text`; "present" is `today` (its month counts).

        >>> from matcher.cues import load_cues
        >>> finder = DateRangeFinder(load_cues().resume)
        >>> [(r.stop - r.first) for r in finder.find(
        ...     "Jan 2018 – Mar 2021; 2015-2018; 03/2017 - 05/2019; 2024 – present",
        ...     date(2026, 6, 1))]
        [39, 36, 27, 30]
        """
        now = today.year * 12 + today.month
        out: list[DateRange] = []
        for m in self._re.finditer(text):
            first = self._month(m, "a", end=False)
            stop = now if m.group("now") else self._month(m, "b", end=True)
            if first is None or stop is None or first > now:
                continue
            if m.group("byy") and stop <= first < stop + 12:  # "2018 - 2018": that year
                stop += 12
            stop = min(stop, now)
            if stop > first:
                out.append(DateRange(first, stop, m.start(), m.end()))
        return out


def years_of_ranges(ranges: list[DateRange]) -> float | None:
    """The years the ranges cover, overlapping months counted once (None without ranges).

    >>> years_of_ranges([DateRange(0, 24, 0, 1), DateRange(12, 36, 0, 1), DateRange(48, 54, 0, 1)])
    3.5
    """
    if not ranges:
        return None
    months = 0
    stop = -1
    for r in sorted(ranges, key=lambda r: r.first):
        months += max(0, r.stop - max(r.first, stop))
        stop = max(stop, r.stop)
    return round(months / 12, 1)
