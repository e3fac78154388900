"""Workable's public jobs API of apply.workable.com (default base `https://apply.workable.com`).

The list, `POST {api_base}/api/v3/accounts/{account}/jobs` with a JSON search body,
answers `{"total", "results": [...], "nextPage"}`; the next page is the same POST with
`"token": nextPage`, until there is no `nextPage`. Each job's detail,
`GET {api_base}/api/v2/accounts/{account}/jobs/{shortcode}`, holds the `description`,
`requirements` and `benefits` HTML, which make the text. Jobs whose title the TPM title
filter would drop are counted as dropped and their details are not fetched.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote

import scrapy
from scrapy.http import JsonRequest, Response

from crawlers.normalise import remote_from_text
from crawlers.outcomes import record_error
from crawlers.spiders.base import BoardSpider, as_text, sections_html
from matcher.models import Posting

#: The search body of the list request (no filters: every published job).
SEARCH = {"query": "", "location": [], "department": [], "worktype": [], "remote": []}


def workable_location(job: dict[str, Any]) -> str | None:
    """ "City, Region, Country" of the job's `location`.

    >>> workable_location({"location": {"city": "Cape Town", "country": "South Africa"}})
    'Cape Town, South Africa'
    """
    location = job.get("location")
    if not isinstance(location, dict):
        return None
    parts = [as_text(location.get(k)) for k in ("city", "region", "country")]
    return ", ".join(p for p in parts if p) or None


def workable_remote(job: dict[str, Any]) -> bool | None:
    """From `workplace` (remote / hybrid / on_site), else the `remote` flag."""
    found = remote_from_text(as_text(job.get("workplace")).replace("_", "-"))
    if found is None and isinstance(job.get("remote"), bool):
        return job["remote"]
    return found


class WorkableSpider(BoardSpider):
    """`scrapy crawl workable -a account=NAME [-a api_base=URL]`."""

    name = "workable"
    source_type = "workable"
    board_arg = "account"
    default_api_base = "https://apply.workable.com"
    fetches_details = True

    def __init__(self, *args: Any, account: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not account:
            raise ValueError("the workable spider needs -a account=NAME")
        self.board = account
        self.seen: set[str] = set()
        self.tokens: set[str] = set()

    def page_request(self, token: str | None, page: int) -> JsonRequest:
        body = {**SEARCH, "token": token} if token else SEARCH
        return JsonRequest(
            f"{self.api_base}/api/v3/accounts/{quote(self.board)}/jobs",
            data=body,
            callback=self.parse_page,
            errback=self.on_error,
            cb_kwargs={"page": page},
            dont_filter=True,  # every page is the same URL; the body differs
        )

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self.page_request(None, 1)

    def parse_page(self, response: Response, page: int) -> Iterator[scrapy.Request]:
        """Request each listed job's detail, then the next page."""
        data = self.load_json(response, f"Workable jobs page {page}")
        if data is None:
            return
        results = self.json_list(response, data, "results", "Workable jobs page")
        if results is None:
            return
        for index, job in enumerate(results):
            shortcode = as_text(job.get("shortcode")) if isinstance(job, dict) else ""
            if not shortcode:
                where = f"{response.url} page {page} job #{index + 1}"
                self.reject_entry(where, "not a job with a shortcode")
                continue
            if shortcode in self.seen:
                continue
            self.seen.add(shortcode)
            if not self.wanted(job.get("title")):
                continue
            yield scrapy.Request(
                f"{self.api_base}/api/v2/accounts/{quote(self.board)}/jobs/{quote(shortcode)}",
                callback=self.parse_detail,
                errback=self.on_error,
                cb_kwargs={"shortcode": shortcode},
            )
        token = as_text(data.get("nextPage"))
        if token and results:
            if token in self.tokens:
                record_error(self.crawler, response.url, "nextPage repeats; paging stopped")
                return
            self.tokens.add(token)
            yield self.page_request(token, page + 1)

    def parse_detail(self, response: Response, shortcode: str) -> Iterator[Posting]:
        """One job's detail as a Posting."""
        data = self.load_detail(response, f"Workable job {shortcode}")
        if data is not None:
            yield self.from_raw(data, lambda job: self.job_posting(job, shortcode))

    def job_posting(self, job: dict[str, Any], shortcode: str) -> Posting:
        """A Workable job detail as a Posting."""
        return self.posting(
            source_id=shortcode,
            title=job.get("title"),
            url=f"https://apply.workable.com/{self.board}/j/{shortcode}/",
            description_html=sections_html(
                (None, job.get("description")),
                ("Requirements", job.get("requirements")),
                ("Benefits", job.get("benefits")),
            )
            or None,
            location=workable_location(job),
            remote=workable_remote(job),
            employment_type=as_text(job.get("type")) or None,
            posted_at=as_text(job.get("published")) or None,
        )
