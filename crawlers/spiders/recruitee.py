"""Recruitee careers API: `GET {api_base}/api/offers/` (default `https://{company}.recruitee.com`).

One request per board: `{"offers": [...]}` (the API does not page). The text is the
offer's `description` HTML followed by its `requirements` HTML. Salary comes from the
`salary` block when the offer gives one (`min`, `max`, `currency`, `period`), remote from
the `remote` / `hybrid` / `on_site` flags, the date from `published_at` (else
`created_at`, "2020-07-24 09:54:19 UTC"). Offers that are not `published` are skipped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawlers.normalise import missing_id, normalise_period, source_id_text
from crawlers.spiders.base import BoardSpider, as_text, sections_html
from matcher.models import Posting


def recruitee_remote(offer: dict[str, Any]) -> bool | None:
    """True when the offer is remote only, False for hybrid or on-site, None when unsaid.

    >>> recruitee_remote({"remote": True}), recruitee_remote({"remote": True, "hybrid": True})
    (True, False)
    >>> recruitee_remote({"on_site": True}), recruitee_remote({})
    (False, None)
    """
    if offer.get("hybrid") is True or offer.get("on_site") is True:
        return False
    return offer["remote"] if isinstance(offer.get("remote"), bool) else None


def recruitee_salary(offer: dict[str, Any]) -> dict[str, Any]:
    """Salary fields from the offer's `salary` block ({} when there is none)."""
    salary = offer.get("salary")
    if not isinstance(salary, dict) or not (salary.get("min") or salary.get("max")):
        return {}
    return {
        "salary_min": salary.get("min"),
        "salary_max": salary.get("max"),
        "salary_currency": as_text(salary.get("currency")) or None,
        "salary_period": normalise_period(as_text(salary.get("period"))),
    }


class RecruiteeSpider(BoardSpider):
    """`scrapy crawl recruitee -a company=SUBDOMAIN [-a api_base=URL]`."""

    name = "recruitee"
    source_type = "recruitee"
    board_arg = "company"
    default_api_base = "https://{company}.recruitee.com"

    def __init__(self, *args: Any, company: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not company:
            raise ValueError("the recruitee spider needs -a company=SUBDOMAIN")
        self.board = company
        self.api_base = self.api_base_for(company=company)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # dont_filter: a redirect loop must reach the errback, not the duplicate filter.
        yield scrapy.Request(
            f"{self.api_base}/api/offers/",
            callback=self.parse_offers,
            errback=self.on_error,
            dont_filter=True,
        )

    def parse_offers(self, response: Response) -> Iterator[Posting]:
        """Yield one Posting per published offer."""
        data = self.load_json(response, "Recruitee offers")
        if data is None:
            return
        offers = self.json_list(response, data, "offers", "Recruitee offers")
        if offers is None:
            return
        for index, offer in enumerate(offers):
            where = f"{response.url} offer #{index + 1}"
            if not isinstance(offer, dict) or missing_id(offer.get("id")):
                self.reject_entry(where, "not an offer with an id")
                continue
            title, url = offer.get("title"), offer.get("careers_url")
            if self.valid_id(offer["id"], where, title, url) is None:
                continue
            if offer.get("status") not in (None, "published"):
                self.crawler.stats.inc_value("tpm/recruitee/unpublished")
                continue
            yield self.from_raw(offer, self.offer_posting)

    def offer_posting(self, offer: dict[str, Any]) -> Posting:
        """One Recruitee offer as a Posting."""
        city, country = as_text(offer.get("city")), as_text(offer.get("country"))
        location = as_text(offer.get("location")) or ", ".join(p for p in (city, country) if p)
        return self.posting(
            source_id=source_id_text(offer["id"]),
            title=offer.get("title"),
            url=offer.get("careers_url") or offer.get("careers_apply_url"),
            description_html=sections_html(
                (None, offer.get("description")), ("Requirements", offer.get("requirements"))
            ),
            company=as_text(offer.get("company_name")) or None,
            location=location or None,
            remote=recruitee_remote(offer),
            employment_type=as_text(offer.get("employment_type_code")) or None,
            posted_at=as_text(offer.get("published_at"))
            or as_text(offer.get("created_at"))
            or None,
            **recruitee_salary(offer),
        )
