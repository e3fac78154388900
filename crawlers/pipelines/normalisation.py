"""Normalisation: HTML to text, salary, dates, remote, employment type; then the content hash.

- description: HTML escaped once (Greenhouse) is unescaped; `description_text` is
  `matcher.text.html_to_text` of it (blocks and list items on their own lines);
- salary: API numbers as floats, currency as an ISO code, period as year/month/...;
  when the API gives none, the first plausible range in the text ("$120,000 - $150,000
  a year");
- `posted_at` in ISO 8601 (UTC for times); an unreadable date becomes null (counted);
- `remote` from the location or title when the API did not say (hybrid counts as False);
- `content_hash` recomputed over the normalised fields.

Postings reused from the crawl cache (crawlers/crawl_cache.py) pass unchanged.
"""

from __future__ import annotations

import html
import re
from dataclasses import asdict

from crawlers.crawl_cache import CrawlCache
from crawlers.normalise import (
    currency_code,
    employment_type,
    iso_datetime,
    normalise_period,
    parse_salary_text,
    remote_from_text,
    unescape_markup,
)
from crawlers.outcomes import reject
from crawlers.pipelines.base import CrawlerPipeline
from matcher.models import Posting, content_hash
from matcher.text import html_to_text, looks_like_html, tidy_text


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(re.sub(r"[,\s$£€]", "", str(value)))
    except ValueError:
        return None


class NormalisationPipeline(CrawlerPipeline):
    """Put every field in its canonical form and recompute the content hash."""

    def process_item(self, item: Posting) -> Posting:
        """Normalise `item` in place; drop it when no text is left of its description.

        A posting served from the crawl cache was normalised last night: it is returned
        as it is.
        """
        cache = self.crawler.get_extension(CrawlCache)
        if cache is not None and cache.is_reused(item):
            return item
        item.title = tidy_text(html.unescape(item.title))
        item.company = tidy_text(html.unescape(item.company or ""))
        self._description(item)
        if not item.description_text:
            raise reject(
                self.crawler,
                item,
                "empty_description",
                "description has no text once markup is removed",
            )
        if item.location:
            item.location = tidy_text(html.unescape(item.location)) or None
        self._salary(item)
        raw_date = item.posted_at
        item.posted_at = iso_datetime(raw_date)
        if raw_date not in (None, "") and item.posted_at is None:
            self.crawler.stats.inc_value("tpm/normalise/unreadable_date")
        if item.remote is None:
            item.remote = remote_from_text(item.location, item.title)
        item.employment_type = employment_type(item.employment_type)
        item.content_hash = content_hash(asdict(item))
        return item

    @staticmethod
    def _description(item: Posting) -> None:
        markup = unescape_markup(item.description_html or "")  # Greenhouse: escaped once
        item.description_html = markup or None
        if markup:
            item.description_text = html_to_text(markup)
        elif item.description_text:
            text = item.description_text
            item.description_text = html_to_text(text) if looks_like_html(text) else tidy_text(text)

    def _salary(self, item: Posting) -> None:
        low, high = _number(item.salary_min), _number(item.salary_max)
        currency = currency_code(item.salary_currency)
        period = normalise_period(item.salary_period) or (
            item.salary_period
            if item.salary_period in ("year", "month", "week", "day", "hour")
            else None
        )
        if low is None and high is None:
            found = parse_salary_text(item.description_text)
            if found:
                low, high, currency, period = found
                self.crawler.stats.inc_value("tpm/normalise/salary_from_text")
        if low is not None and high is not None and low > high:
            low, high = high, low
        if low is not None or high is not None:
            period = period or ("year" if (low or high or 0) >= 10_000 else None)
        item.salary_min, item.salary_max = low, high
        item.salary_currency, item.salary_period = currency, period
