"""schema.org JobPosting pages: `scrapy crawl jsonld -a urls=URL[,URL...]`.

Each start URL is a careers listing page or a sitemap. A sitemap's `<loc>` pages are
fetched; a listing page without postings of its own has its job links followed (same
host, under the listing's folder or with job/career/position/opening in the path, or
matching `-a follow=REGEX`), one level deep. Postings come from JSON-LD blocks and
microdata. Board = the page's host name; source id = the JobPosting identifier, else the
URL path. `api_base` rewrites the start URLs' scheme and host (a mirror or a test server).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import scrapy
from scrapy.http import Response

from crawlers.jsonld import identifier_value, location_text, parse_page, salary_fields
from crawlers.normalise import employment_type, missing_id, remote_from_text
from crawlers.outcomes import record_error, record_rejection
from crawlers.spiders.base import BoardSpider, as_text
from matcher.models import Posting

_JOBISH_RE = re.compile(r"job|career|position|opening|vacanc|role", re.I)
_ASSET_RE = re.compile(r"\.(?:png|jpe?g|gif|svg|css|js|pdf|zip|ico|woff2?)$", re.I)
_LOC_RE = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>", re.I)


def _rebase(url: str, api_base: str | None) -> str:
    if not api_base:
        return url
    base, parts = urlsplit(api_base), urlsplit(url)
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))


class JsonLdSpider(BoardSpider):
    """Career pages and sitemaps with schema.org JobPosting."""

    name = "jsonld"
    source_type = "jsonld"
    board_arg = "urls"
    redirect_scope = "site"

    def __init__(
        self, *args: Any, urls: str | None = None, follow: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.start_urls_ = [
            _rebase(u.strip(), self.api_base or None) for u in (urls or "").split(",") if u.strip()
        ]
        if not self.start_urls_:
            raise ValueError("the jsonld spider needs -a urls=URL[,URL...]")
        self.board = (urlsplit(self.start_urls_[0]).hostname or "unknown").replace(":", "-")
        self.follow_re = re.compile(follow) if follow else None
        self.max_pages = 500
        self.pages_followed = 0
        #: Pages already requested: requests skip Scrapy's duplicate filter (dont_filter) so
        #: that a redirect loop ends in the errback, so repeats are dropped here instead.
        self.seen_urls: set[str] = set()

    def configure(self, settings: Any) -> None:
        self.max_pages = settings.getint("TPM_JSONLD_MAX_PAGES", 500)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.start_urls_:
            self.seen_urls.add(url)
            yield scrapy.Request(
                url,
                callback=self.parse_start,
                errback=self.on_error,
                cb_kwargs={"start": url},
                dont_filter=True,
            )

    def parse_start(self, response: Response, start: str) -> Iterator[Posting | scrapy.Request]:
        """A sitemap (follow its pages) or a listing page (its postings, else its links)."""
        body_head = response.body[:500].lstrip().lower()
        if (
            b"<urlset" in body_head
            or b"<sitemapindex" in body_head
            or response.url.endswith(".xml")
        ):
            yield from self.follow_sitemap(response, start)
            return
        postings = list(self.page_postings(response, on_listing=True))
        if postings:
            yield from postings
            return
        yield from self.follow_listing(response)

    def follow_sitemap(self, response: Response, start: str) -> Iterator[scrapy.Request]:
        """Request every page a sitemap lists (nested sitemap indexes are followed too)."""
        text = response.body.decode("utf-8", errors="replace")
        locs = _LOC_RE.findall(text)
        if not locs:
            record_error(self.crawler, response.url, "sitemap has no <loc> entries (or is not XML)")
            return
        nested = "<sitemapindex" in text[:1000].lower()
        for loc in locs:
            url = _rebase(loc, self.api_base or None)
            if url in self.seen_urls:
                continue
            self.seen_urls.add(url)
            if nested:
                yield scrapy.Request(
                    url,
                    callback=self.parse_start,
                    errback=self.on_error,
                    cb_kwargs={"start": start},
                    dont_filter=True,
                )
            elif self._budget():
                yield self.job_page_request(url)

    def _budget(self) -> bool:
        if self.pages_followed >= self.max_pages:
            self.crawler.stats.inc_value("tpm/jsonld/pages_over_budget")
            return False
        self.pages_followed += 1
        return True

    def _worth_following(self, url: str, listing: str) -> bool:
        parts, base = urlsplit(url), urlsplit(listing)
        if parts.scheme not in ("http", "https") or parts.hostname != base.hostname:
            return False
        if _ASSET_RE.search(parts.path) or parts.path == base.path:
            return False
        if self.follow_re is not None:
            return bool(self.follow_re.search(url))
        folder = base.path.rsplit("/", 1)[0] + "/"
        return parts.path.startswith(folder) or bool(_JOBISH_RE.search(parts.path))

    def follow_listing(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow the listing's job links (one level deep)."""
        try:
            hrefs = response.css("a::attr(href)").getall()
        except (AttributeError, ValueError):
            hrefs = []
        links = dict.fromkeys(urljoin(response.url, h.split("#")[0]) for h in hrefs if h)
        wanted = [u for u in links if self._worth_following(u, response.url)]
        if not wanted:
            record_error(
                self.crawler, response.url, "listing page has no JobPosting and no job links"
            )
        for url in wanted:
            if url not in self.seen_urls and self._budget():
                self.seen_urls.add(url)
                yield self.job_page_request(url)

    def job_page_request(self, url: str) -> scrapy.Request:
        """The request for one job page (pages are deduplicated by `seen_urls`)."""
        return scrapy.Request(
            url, callback=self.parse_job_page, errback=self.on_error, dont_filter=True
        )

    def parse_job_page(self, response: Response) -> Iterator[Posting]:
        """The JobPostings of one job page."""
        yield from self.page_postings(response, on_listing=False)

    def page_postings(self, response: Response, *, on_listing: bool) -> Iterator[Posting]:
        """Parse the page's JSON-LD and microdata; report bad blocks and non-JobPostings."""
        try:
            text = response.text
        except AttributeError:
            text = response.body.decode("utf-8", errors="replace")
        page = parse_page(text)
        for problem in page.bad_blocks:
            record_rejection(self.crawler, response.url, "bad_jsonld", problem)
        if not page.postings and not on_listing:
            self.crawler.stats.inc_value("tpm/jsonld/pages_without_posting")
            if page.blocks > len(page.bad_blocks):
                found = ", ".join(sorted(set(page.other_types))) or "no @type"
                reason = f"JSON-LD holds no JobPosting (found {found})"
                record_rejection(self.crawler, response.url, "not_jobposting", reason)
            elif not page.blocks:
                self.logger.info("[%s] %s: no JSON-LD or microdata", self.source_key, response.url)
        for index, data in enumerate(page.postings):
            posting = self.jsonld_posting(data, response.url, index)
            if posting is not None:
                yield posting

    def jsonld_posting(self, data: dict[str, Any], page_url: str, index: int) -> Posting | None:
        """One JobPosting object as a Posting; None (rejected) when its identifier is
        neither a string nor an integer. Without an identifier the URL path is the id."""
        url = as_text(data.get("url")) or page_url
        host = (urlsplit(page_url).hostname or self.board).replace(":", "-")
        raw_id = identifier_value(data.get("identifier"))
        ident = None
        if not missing_id(raw_id):
            ident = self.valid_id(raw_id, page_url, data.get("title"), url)
            if ident is None:
                return None
        path = urlsplit(url).path.strip("/") or urlsplit(page_url).path.strip("/")
        source_id = ident or (path + (f"#{index + 1}" if index else ""))
        org = data.get("hiringOrganization")
        company = as_text(org.get("name")) if isinstance(org, dict) else as_text(org)
        location = location_text(data.get("jobLocation"))
        remote = remote_from_text(
            as_text(data.get("jobLocationType")).replace("TELECOMMUTE", "remote")
        )
        description = data.get("description")
        return self.posting(
            source_id=source_id,
            board=host,
            title=data.get("title"),
            url=url,
            description_html=description if isinstance(description, str) else None,
            company=company or None,
            location=location,
            remote=remote,
            employment_type=employment_type(data.get("employmentType")),
            posted_at=data.get("datePosted"),
            **salary_fields(data.get("baseSalary")),
        )
