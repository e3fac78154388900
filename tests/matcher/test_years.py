"""Date ranges of a résumé's experience section, and the years they add up to."""

from __future__ import annotations

from datetime import date

import pytest

from matcher.cues import load_cues
from matcher.years import DateRangeFinder, years_of_ranges

TODAY = date(2026, 6, 15)


@pytest.fixture(scope="module")
def finder() -> DateRangeFinder:
    return DateRangeFinder(load_cues().resume)


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("Acme, 2019 – present", 90),  # Jan 2019 to June 2026, this month counted
        ("Acme, 2019 - Current", 90),
        ("Acme (2019 to now)", 90),
        ("Jan 2018 – Mar 2021", 39),
        ("January 2018 - March 2021", 39),
        ("Sept. 2020 — Feb 2021", 6),
        ("03/2017 - 05/2019", 27),
        ("3/2017–5/2019", 27),
        ("2015-2018", 36),
        ("2015 – 2015", 12),
        ("Jan 2026 – present", 6),
    ],
)
def test_each_date_range_form_counts_its_months(
    finder: DateRangeFinder, text: str, months: int
) -> None:
    (found,) = finder.find(text, TODAY)
    assert found.stop - found.first == months
    assert text[found.start : found.end].split()[0] in text


@pytest.mark.parametrize(
    "text",
    [
        "Call 555-2019-2020",  # part of a longer number
        "Revenue grew 2019 to 2018",  # backwards
        "Starting 2030 – present",  # in the future
        "v2.2019-2020/x",
    ],
)
def test_what_is_not_a_date_range(finder: DateRangeFinder, text: str) -> None:
    assert finder.find(text, TODAY) == []


def test_overlapping_ranges_count_once_and_gaps_not_at_all(finder: DateRangeFinder) -> None:
    text = "Acme Jan 2018 – Mar 2021\nBeta 03/2017 - 05/2019\nGamma 2012-2015"
    ranges = finder.find(text, TODAY)
    assert len(ranges) == 3
    # Mar 2017 .. Mar 2021 is 49 months; 2012 .. 2015 is 36; 2015 .. Mar 2017 is a gap
    assert years_of_ranges(ranges) == round((49 + 36) / 12, 1)
    assert years_of_ranges([]) is None


def test_present_is_the_day_given(finder: DateRangeFinder) -> None:
    (now,) = finder.find("2020 – present", date(2026, 1, 1))
    (later,) = finder.find("2020 – present", date(2027, 1, 1))
    assert later.stop - now.stop == 12
