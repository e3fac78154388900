"""SmartRecruiters posting API (default base `https://api.smartrecruiters.com`).

The list, `GET {api_base}/v1/companies/{company}/postings?offset=N&limit=M`, answers
`{"offset", "limit", "totalFound", "content": [...]}` in pages of
`TPM_SMARTRECRUITERS_PAGE_SIZE` (at most 100) until `totalFound` or a short page. Each
listed posting's detail, `GET {api_base}/v1/companies/{company}/postings/{id}`, holds
the text in `jobAd.sections`: the job description, qualifications and additional
information make the description (the company description is left out: it is the same
on every posting). Listings whose title the TPM title filter would drop are counted
as dropped and their details are not fetched (`BoardSpider.wanted`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote

import scrapy
from scrapy.http import Response

from crawlers.outcomes import record_error
from crawlers.spiders.base import BoardSpider, as_text, sections_html
from matcher.models import Posting

#: The `jobAd.sections` that make the text, in order (not `companyDescription`).
SECTIONS = ("jobDescription", "qualifications", "additionalInformation")


def label(value: object) -> str:
    """The `label` of a `{"id", "label"}` object, or ''."""
    return as_text(value.get("label")) if isinstance(value, dict) else ""


def sr_location(location: object) -> str | None:
    """`fullLocation`, else "city, region, country".

    >>> sr_location({"city": "Toronto", "region": "ON", "country": "ca"})
    'Toronto, ON, CA'
    """
    if not isinstance(location, dict):
        return None
    full = as_text(location.get("fullLocation"))
    if full:
        return full
    parts = [as_text(location.get(k)) for k in ("city", "region")]
    parts.append(as_text(location.get("country")).upper())
    return ", ".join(p for p in parts if p) or None


def sr_remote(location: object) -> bool | None:
    """True for remote, False for hybrid (or an explicit `remote: false`), else None."""
    if not isinstance(location, dict):
        return None
    if location.get("hybrid") is True:
        return False
    return location["remote"] if isinstance(location.get("remote"), bool) else None


class SmartRecruitersSpider(BoardSpider):
    """`scrapy crawl smartrecruiters -a company=IDENTIFIER [-a api_base=URL]`."""

    name = "smartrecruiters"
    source_type = "smartrecruiters"
    board_arg = "company"
    default_api_base = "https://api.smartrecruiters.com"
    fetches_details = True

    def __init__(self, *args: Any, company: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not company:
            raise ValueError("the smartrecruiters spider needs -a company=IDENTIFIER")
        self.board = company
        self.page_size = 100
        self.seen_ids: set[str] = set()

    def configure(self, settings: Any) -> None:
        self.page_size = min(100, settings.getint("TPM_SMARTRECRUITERS_PAGE_SIZE", 100))

    @property
    def postings_url(self) -> str:
        return f"{self.api_base}/v1/companies/{quote(self.board)}/postings"

    def page_request(self, offset: int) -> scrapy.Request:
        return scrapy.Request(
            f"{self.postings_url}?offset={offset}&limit={self.page_size}",
            callback=self.parse_page,
            errback=self.on_error,
            cb_kwargs={"offset": offset},
            dont_filter=True,  # redirect loops must end in the errback, not the dupefilter
        )

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self.page_request(0)

    def parse_page(self, response: Response, offset: int) -> Iterator[scrapy.Request]:
        """Request each listed posting's detail, then the next page."""
        data = self.load_json(response, f"SmartRecruiters page at offset={offset}")
        if data is None:
            return
        content = self.json_list(response, data, "content", "SmartRecruiters page")
        if content is None:
            return
        new = 0
        for index, entry in enumerate(content):
            posting_id = as_text(entry.get("id")) if isinstance(entry, dict) else ""
            if not posting_id:
                where = f"{response.url} #{offset + index + 1}"
                self.reject_entry(where, "not a posting with an id")
                continue
            if posting_id in self.seen_ids:
                continue
            self.seen_ids.add(posting_id)
            new += 1
            if not self.wanted(entry.get("name")):
                continue
            yield scrapy.Request(
                f"{self.postings_url}/{quote(posting_id)}",
                callback=self.parse_detail,
                errback=self.on_error,
                cb_kwargs={"posting_id": posting_id},
            )
        total = data.get("totalFound")
        end = offset + len(content)
        more = end < total if isinstance(total, int) else len(content) >= self.page_size
        if content and more:
            if new == 0:
                reason = "the server repeats the same page (it ignores offset); paging stopped"
                record_error(self.crawler, response.url, reason)
                return
            yield self.page_request(end)

    def parse_detail(self, response: Response, posting_id: str) -> Iterator[Posting]:
        """One posting's detail as a Posting."""
        data = self.load_detail(response, f"SmartRecruiters posting {posting_id}")
        if data is not None:
            yield self.from_raw(data, lambda detail: self.detail_posting(detail, posting_id))

    def detail_posting(self, detail: dict[str, Any], posting_id: str) -> Posting:
        """A posting detail object as a Posting."""
        job_ad = detail.get("jobAd") if isinstance(detail.get("jobAd"), dict) else {}
        sections = job_ad.get("sections") if isinstance(job_ad.get("sections"), dict) else {}
        parts = [sections.get(name) for name in SECTIONS]
        html_text = sections_html(
            *((p.get("title"), p.get("text")) for p in parts if isinstance(p, dict))
        )
        company = detail.get("company")
        url = as_text(detail.get("postingUrl")) or (
            f"https://jobs.smartrecruiters.com/{self.board}/{posting_id}"
        )
        return self.posting(
            source_id=posting_id,
            title=detail.get("name"),
            url=url,
            description_html=html_text or None,
            company=as_text(company.get("name")) if isinstance(company, dict) else None,
            location=sr_location(detail.get("location")),
            remote=sr_remote(detail.get("location")),
            employment_type=label(detail.get("typeOfEmployment")) or None,
            posted_at=as_text(detail.get("releasedDate")) or None,
        )
