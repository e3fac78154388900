"""Workday's CXS job-search API (default base `https://{host}`).

The list, `POST {api_base}/wday/cxs/{tenant}/{site}/jobs` with
`{"appliedFacets": {}, "limit": N, "offset": M, "searchText": ""}`, answers
`{"total", "jobPostings": [{"title", "externalPath", "locationsText", "postedOn", ...}]}`
in pages of `TPM_WORKDAY_PAGE_SIZE` (Workday allows at most 20). Only the first page is
sure to carry `total`, so paging goes on until `total` or a short or empty page. Each
listing's detail, `GET {api_base}/wday/cxs/{tenant}/{site}{externalPath}`, answers
`{"jobPostingInfo": {"jobReqId", "title", "jobDescription" (HTML), "location",
"timeType", "startDate", "externalUrl", "remoteType", ...}, "hiringOrganization": {...}}`.
Listings whose title the TPM title filter would drop are counted as dropped and their
details are not fetched (a big tenant lists thousands of jobs).

A board needs three fields: `tenant`, `site` and `host` (all three are in a career
site's address: `https://{host}/{site}` and the API path); its key is `workday:tenant/site`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any
from urllib.parse import quote

import scrapy
from scrapy.http import JsonRequest, Response

from crawlers.normalise import remote_from_text
from crawlers.spiders.base import BoardSpider, as_text, display_name
from matcher.models import Posting


class WorkdaySpider(BoardSpider):
    """`scrapy crawl workday -a tenant=T -a site=S -a host=H [-a api_base=URL]`."""

    name = "workday"
    source_type = "workday"
    board_arg = "tenant"
    extra_args = ("site", "host")
    default_api_base = "https://{host}"
    fetches_details = True

    def __init__(
        self,
        *args: Any,
        tenant: str | None = None,
        site: str | None = None,
        host: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not (tenant and site and host):
            raise ValueError("the workday spider needs -a tenant=T -a site=S -a host=H")
        self.tenant, self.site, self.host = tenant, site, host
        self.board = self.board_key({"tenant": tenant, "site": site})
        self.api_base = self.api_base_for(host=host)
        self.page_size = 20
        self.seen: set[str] = set()

    @classmethod
    def board_key(cls, values: Mapping[str, str]) -> str:
        """`tenant/site`: one tenant can have several career sites.

        >>> WorkdaySpider.board_key({"tenant": "acme", "site": "External", "host": "x"})
        'acme/External'
        """
        return f"{values['tenant']}/{values['site']}"

    def configure(self, settings: Any) -> None:
        self.page_size = max(1, min(20, settings.getint("TPM_WORKDAY_PAGE_SIZE", 20)))

    @property
    def cxs_base(self) -> str:
        return f"{self.api_base}/wday/cxs/{quote(self.tenant)}/{quote(self.site)}"

    def page_request(self, offset: int, total: int | None) -> JsonRequest:
        body = {"appliedFacets": {}, "limit": self.page_size, "offset": offset, "searchText": ""}
        return JsonRequest(
            f"{self.cxs_base}/jobs",
            data=body,
            callback=self.parse_page,
            errback=self.on_error,
            cb_kwargs={"offset": offset, "total": total},
            dont_filter=True,  # every page is the same URL; the body differs
        )

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self.page_request(0, None)

    def parse_page(
        self, response: Response, offset: int, total: int | None
    ) -> Iterator[scrapy.Request]:
        """Request each listing's detail, then the next page."""
        data = self.load_json(response, f"Workday jobs page at offset={offset}")
        if data is None:
            return
        listings = self.json_list(response, data, "jobPostings", "Workday jobs page")
        if listings is None:
            return
        if total is None and isinstance(data.get("total"), int):
            total = data["total"]
        for index, listing in enumerate(listings):
            path = as_text(listing.get("externalPath")) if isinstance(listing, dict) else ""
            if not path.startswith("/"):
                where = f"{response.url} #{offset + index + 1}"
                self.reject_entry(where, "not a job listing with an externalPath")
                continue
            if path in self.seen:
                continue
            self.seen.add(path)
            if not self.wanted(listing.get("title")):
                continue
            yield scrapy.Request(
                f"{self.cxs_base}{path}",
                callback=self.parse_detail,
                errback=self.on_error,
                cb_kwargs={"listing": listing},
            )
        end = offset + len(listings)
        more = end < total if total else len(listings) >= self.page_size
        if listings and more:
            yield self.page_request(end, total)

    def parse_detail(self, response: Response, listing: dict[str, Any]) -> Iterator[Posting]:
        """One job's detail as a Posting."""
        path = listing["externalPath"]
        data = self.load_detail(response, f"Workday job {path}")
        if data is None:
            return
        if not isinstance(data.get("jobPostingInfo"), dict):
            self.reject_entry(response.url, f"job {path}: no jobPostingInfo object")
            return
        yield self.from_raw(data, lambda detail: self.job_posting(detail, listing))

    def job_posting(self, detail: dict[str, Any], listing: dict[str, Any]) -> Posting:
        """A CXS job detail (with its listing for fallbacks) as a Posting."""
        info = detail["jobPostingInfo"]
        org = detail.get("hiringOrganization")
        path = listing["externalPath"]
        source_id = as_text(info.get("jobReqId")) or path.rsplit("_", 1)[-1]
        url = as_text(info.get("externalUrl")) or f"https://{self.host}/{self.site}{path}"
        location = as_text(info.get("location")) or as_text(listing.get("locationsText"))
        remote_type = as_text(info.get("remoteType")) or as_text(listing.get("remoteType"))
        return self.posting(
            source_id=source_id,
            title=info.get("title") or listing.get("title"),
            url=url,
            description_html=as_text(info.get("jobDescription")) or None,
            company=(as_text(org.get("name")) if isinstance(org, dict) else "")
            or self.company_name
            or display_name(self.tenant),
            location=location or None,
            remote=remote_from_text(remote_type or None),
            employment_type=as_text(info.get("timeType")) or None,
            posted_at=as_text(info.get("startDate")) or None,
        )
