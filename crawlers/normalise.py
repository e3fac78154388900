"""Pure normalisation helpers: salary, currency, pay period, dates, remote, employment type,
a board's id for a posting.

Used by the normalisation pipeline and the spiders. No Scrapy here, so each rule has a
doctest.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

from matcher.text import looks_like_html

_CURRENCY_SYMBOLS: dict[str, str] = {
    "US$": "USD",
    "CA$": "CAD",
    "C$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "S$": "SGD",
    "$": "USD",
    "£": "GBP",
    "€": "EUR",
    "¥": "JPY",
    "₹": "INR",
}
_CODES = "USD|CAD|AUD|NZD|SGD|GBP|EUR|JPY|INR|CHF|SEK|NOK|DKK|PLN|ILS|BRL|MXN"
_SYMBOL_RE = "|".join(re.escape(s) for s in sorted(_CURRENCY_SYMBOLS, key=len, reverse=True))


def _money(n: str) -> str:
    """Regex for one amount with an optional currency symbol or code before it."""
    return (
        rf"(?:(?P<sym{n}>{_SYMBOL_RE})\s*|(?P<iso{n}>{_CODES})\s+)?"
        rf"(?P<a{n}>\d{{1,3}}(?:[,.\s]\d{{3}})+|\d+(?:\.\d+)?)\s*(?P<k{n}>[kKmM](?![a-z]))?"
    )


_RANGE_RE = re.compile(
    _money("1")
    + r"\s*(?:-|–|—|to)\s*"
    + _money("2")
    + rf"(?:\s*(?P<iso3>{_CODES}))?"
    + r"(?P<tail>[^\n]{0,40})",
)
_PERIODS: tuple[tuple[str, str], ...] = (
    (r"\b(?:per|an?|/)\s*(?:hour|hr)\b|/\s*h\b|hourly", "hour"),
    (r"\b(?:per|an?|/)\s*day\b|daily", "day"),
    (r"\b(?:per|an?|/)\s*week\b|weekly", "week"),
    (r"\b(?:per|an?|/)\s*(?:month|mo)\b|monthly", "month"),
    (r"\b(?:per|an?|/)\s*(?:year|yr|annum)\b|annual|yearly|\bp\.?a\.?\b|salary", "year"),
)
_PERIOD_WORDS = {
    "1 year": "year",
    "year": "year",
    "yearly": "year",
    "annual": "year",
    "annually": "year",
    "per-year-salary": "year",
    "1 month": "month",
    "month": "month",
    "monthly": "month",
    "per-month-salary": "month",
    "1 week": "week",
    "week": "week",
    "weekly": "week",
    "per-week-salary": "week",
    "1 day": "day",
    "day": "day",
    "daily": "day",
    "per-day-wage": "day",
    "1 hour": "hour",
    "hour": "hour",
    "hourly": "hour",
    "per-hour-wage": "hour",
}
#: Plausible bounds per pay period; ranges outside them are not salaries ("$5M funding").
_BOUNDS = {"year": (5_000, 5_000_000), "month": (500, 500_000), "week": (100, 100_000)}
_BOUNDS |= {"day": (20, 20_000), "hour": (5, 2_000)}


def _first_period(text: str) -> str | None:
    """The pay period mentioned first in text ("per year ... three days a week" is year)."""
    found = [(m.start(), p) for rx, p in _PERIODS if (m := re.search(rx, text))]
    return min(found)[1] if found else None


def _amount(text: str, suffix: str | None) -> float:
    digits = re.sub(r"[,\s]", "", text)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", digits):  # 120.000 (European thousands)
        digits = digits.replace(".", "")
    value = float(digits)
    if suffix:
        value *= 1_000 if suffix.lower() == "k" else 1_000_000
    return value


_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*[^<>]*>")


def unescape_markup(markup: str) -> str:
    """HTML escaped once (Greenhouse, some Recruitee or Personio texts) made real again.

    Markup that already holds tags, or plain text, is returned as it is.

    >>> unescape_markup("&lt;p&gt;Ship it&lt;/p&gt;"), unescape_markup("<p>A &amp; B</p>")
    ('<p>Ship it</p>', '<p>A &amp; B</p>')
    """
    if markup and not _TAG_RE.search(markup) and looks_like_html(markup):
        return html.unescape(markup)
    return markup


def normalise_period(value: str | None) -> str | None:
    """Map an API pay interval to year/month/week/day/hour (None when unknown).

    >>> normalise_period("1 YEAR"), normalise_period("per-hour-wage"), normalise_period("x")
    ('year', 'hour', None)
    """
    if not value:
        return None
    return _PERIOD_WORDS.get(str(value).strip().lower().replace("_", " "))


def currency_code(value: str | None) -> str | None:
    """An ISO 4217 code from a code or a symbol.

    >>> currency_code("usd"), currency_code("£"), currency_code("CA$"), currency_code("")
    ('USD', 'GBP', 'CAD', None)
    """
    if not value:
        return None
    value = value.strip()
    if value in _CURRENCY_SYMBOLS:
        return _CURRENCY_SYMBOLS[value]
    return value.upper() if re.fullmatch(r"[A-Za-z]{3}", value) else None


def parse_salary_text(text: str) -> tuple[float, float, str | None, str] | None:
    """Find the first plausible pay range in text: (min, max, currency, period).

    >>> parse_salary_text("Pay: $120,000 - $150,000 a year, plus equity")
    (120000.0, 150000.0, 'USD', 'year')
    >>> parse_salary_text("£55k–£65k per annum")
    (55000.0, 65000.0, 'GBP', 'year')
    >>> parse_salary_text("$98,000 - $118,000 USD per year. Hybrid: three days a week")
    (98000.0, 118000.0, 'USD', 'year')
    >>> parse_salary_text("USD 60 to 75 per hour")
    (60.0, 75.0, 'USD', 'hour')
    >>> parse_salary_text("We raised $10M - $20M in 2021") is None
    True
    """
    for match in _RANGE_RE.finditer(text):
        g = match.groupdict()
        symbol = g["sym1"] or g["sym2"]
        code = g["iso1"] or g["iso2"] or g["iso3"] or currency_code(symbol)
        if code is None:
            continue
        try:
            low = _amount(g["a1"], g["k1"] or g["k2"])
            high = _amount(g["a2"], g["k2"])
        except ValueError:
            continue
        tail = (g["tail"] or "").lower()
        head = text[max(0, match.start() - 40) : match.start()].lower()
        period = _first_period(tail) or _first_period(head)
        period = period or ("year" if low >= 10_000 else None)
        if period is None or low > high:
            continue
        lo_ok, hi_ok = _BOUNDS[period]
        if lo_ok <= low and high <= hi_ok:
            return low, high, code, period
    return None


def iso_datetime(value: object) -> str | None:
    """A date or time in ISO 8601 (UTC for times); None when it cannot be read.

    Accepts ISO strings with any offset, dates, and epoch seconds or milliseconds
    (Lever's `createdAt` is milliseconds, sometimes as a string).

    >>> iso_datetime("2020-12-07T19:30:04-05:00"), iso_datetime("1610479391921")
    ('2020-12-08T00:30:04+00:00', '2021-01-12T19:23:11+00:00')
    >>> iso_datetime("2024-03-01"), iso_datetime("last Tuesday")
    ('2024-03-01', None)
    >>> iso_datetime("2020-07-24 09:54:19 UTC")  # Recruitee
    '2020-07-24T09:54:19+00:00'
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        number = float(value)
        if number > 1e11:  # milliseconds
            number /= 1000
        try:
            return datetime.fromtimestamp(number, UTC).isoformat(timespec="seconds")
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = re.sub(r"\s*(?:UTC|GMT)$", "+00:00", value.strip())
    text = text.replace("Z", "+00:00").replace("z", "+00:00")
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text).isoformat()
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="seconds")


_HYBRID_RE = re.compile(r"\bhybrid\b", re.I)
_ONSITE_RE = re.compile(r"\b(?:on[\s-]?site|in[\s-]office|office[\s-]based)\b", re.I)
_REMOTE_RE = re.compile(r"\b(?:remote|anywhere|distributed|work from home|wfh)\b", re.I)


def remote_from_text(*texts: str | None) -> bool | None:
    """True for remote, False for hybrid or on-site, None when nothing says.

    The first text that says anything decides (pass the workplace type before the
    location).

    >>> remote_from_text("Remote - US"), remote_from_text("Hybrid (Remote 2 days)")
    (True, False)
    >>> remote_from_text(None, "New York, NY"), remote_from_text("OnSite")
    (None, False)
    """
    for text in texts:
        if not text:
            continue
        if _HYBRID_RE.search(text) or _ONSITE_RE.search(text) or text.lower() == "onsite":
            return False
        if _REMOTE_RE.search(text):
            return True
    return None


_EMPLOYMENT = {
    "fulltime": "full-time",
    "full": "full-time",  # Workable
    "parttime": "part-time",
    "part": "part-time",
    "contract": "contract",
    "contractor": "contract",
    "temporary": "temporary",
    "temp": "temporary",
    "intern": "internship",
    "internship": "internship",
    "perdiem": "per-diem",
    "volunteer": "volunteer",
    "permanent": "full-time",
}


def employment_type(value: object) -> str | None:
    """Canonical employment type (full-time, part-time, contract, ...), else the text.

    >>> employment_type("FULL_TIME"), employment_type("Full Time"), employment_type(["PART_TIME"])
    ('full-time', 'full-time', 'part-time')
    """
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if not isinstance(value, str) or not value.strip():
        return None
    key = re.sub(r"[^a-z]", "", value.lower())
    return _EMPLOYMENT.get(key, value.strip())


def source_id_text(value: object) -> str | None:
    """A board's id for a posting as text: a non-empty string or an integer, else None.

    >>> source_id_text(" 4f2a "), source_id_text(9001), source_id_text(True)
    ('4f2a', '9001', None)
    >>> source_id_text({"$ne": 1}), source_id_text(1.5), source_id_text([1]), source_id_text("")
    (None, None, None, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    return value.strip() or None if isinstance(value, str) else None


def missing_id(value: object) -> bool:
    """True when an entry has no id at all: absent, null or blank text.

    >>> missing_id(None), missing_id("  "), missing_id(0), missing_id({})
    (True, True, False, False)
    """
    return value is None or (isinstance(value, str) and not value.strip())
