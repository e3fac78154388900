"""Lever postings API: `GET {api_base}/v0/postings/{company}?mode=json&skip=N&limit=M`.

Pages of `TPM_LEVER_PAGE_SIZE` postings until a short page. EU accounts live on
`https://api.eu.lever.co` (pass it as `api_base`). The description is the HTML
`description` plus each of `lists` (a heading and its `<li>` items) plus `additional`.
"""

from __future__ import annotations

import html
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawlers.normalise import missing_id, normalise_period, remote_from_text, source_id_text
from crawlers.outcomes import record_error
from crawlers.spiders.base import BoardSpider, as_text
from matcher.models import Posting


def lever_html(posting: dict[str, Any]) -> str:
    """The posting's full description as HTML: description, lists, additional, pay.

    `description` already holds `opening` + `descriptionBody`; when it is empty those
    parts, or the plain-text description, stand in for it.
    """
    lead = as_text(posting.get("description")) or "\n".join(
        as_text(posting.get(k)) for k in ("opening", "descriptionBody") if as_text(posting.get(k))
    )
    plain = as_text(posting.get("descriptionPlain"))
    if not lead and plain:
        lead = "".join(f"<p>{html.escape(line)}</p>" for line in plain.splitlines() if line.strip())
    parts = [lead]
    for block in posting.get("lists") or []:
        if not isinstance(block, dict):
            continue
        heading = as_text(block.get("text"))
        if heading:
            parts.append(f"<h3>{html.escape(heading)}</h3>")
        content = as_text(block.get("content"))
        if content:
            parts.append(content if content.lstrip().startswith("<ul") else f"<ul>{content}</ul>")
    parts.append(as_text(posting.get("additional")))
    parts.append(as_text(posting.get("salaryDescription")))
    return "\n".join(p for p in parts if p)


class LeverSpider(BoardSpider):
    """`scrapy crawl lever -a company=SITE [-a api_base=URL]`."""

    name = "lever"
    source_type = "lever"
    board_arg = "company"
    default_api_base = "https://api.lever.co"

    def __init__(self, *args: Any, company: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not company:
            raise ValueError("the lever spider needs -a company=SITE")
        self.board = company
        self.page_size = 100
        self.seen_ids: set[str] = set()

    def configure(self, settings: Any) -> None:
        self.page_size = settings.getint("TPM_LEVER_PAGE_SIZE", 100)

    def page_request(self, skip: int) -> scrapy.Request:
        url = (
            f"{self.api_base}/v0/postings/{self.board}?mode=json&skip={skip}&limit={self.page_size}"
        )
        return scrapy.Request(
            url,
            callback=self.parse_page,
            errback=self.on_error,
            cb_kwargs={"skip": skip},
            dont_filter=True,  # redirect loops must end in the errback, not the dupefilter
        )

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self.page_request(0)

    def parse_page(self, response: Response, skip: int) -> Iterator[Posting | scrapy.Request]:
        """Yield the page's postings, then the next page when this one was full."""
        data = self.load_json(response, f"Lever page at skip={skip}")
        if data is None:
            return
        if not isinstance(data, list):
            detail = data.get("message") or data.get("error") if isinstance(data, dict) else None
            reason = f"Lever page: expected a JSON array of postings, got {type(data).__name__}"
            record_error(self.crawler, response.url, reason + (f" ({detail})" if detail else ""))
            return
        new = 0
        for index, entry in enumerate(data):
            where = f"{response.url} #{skip + index + 1}"
            if not isinstance(entry, dict) or missing_id(entry.get("id")):
                self.reject_entry(where, "not a posting with an id")
                continue
            source_id = self.valid_id(entry["id"], where, entry.get("text"), entry.get("hostedUrl"))
            if source_id is None:
                continue
            if source_id in self.seen_ids:
                continue
            self.seen_ids.add(source_id)
            new += 1
            yield self.from_raw(entry, self.lever_posting)
        if len(data) >= self.page_size:
            if new == 0:
                reason = "the server repeats the same page (it ignores skip); paging stopped"
                record_error(self.crawler, response.url, reason)
                return
            yield self.page_request(skip + self.page_size)

    def lever_posting(self, entry: dict[str, Any]) -> Posting:
        """One Lever posting object as a Posting."""
        categories = entry.get("categories") if isinstance(entry.get("categories"), dict) else {}
        location = as_text(categories.get("location")) or None
        workplace = as_text(entry.get("workplaceType"))
        fields: dict[str, Any] = {}
        salary = entry.get("salaryRange")
        if isinstance(salary, dict):
            fields = {
                "salary_min": salary.get("min"),
                "salary_max": salary.get("max"),
                "salary_currency": salary.get("currency"),
                "salary_period": normalise_period(salary.get("interval")),
            }
        return self.posting(
            source_id=source_id_text(entry["id"]),
            title=entry.get("text"),
            url=entry.get("hostedUrl") or entry.get("applyUrl"),
            description_html=lever_html(entry) or None,
            location=location,
            remote=remote_from_text(workplace if workplace != "unspecified" else None),
            employment_type=as_text(categories.get("commitment")) or None,
            posted_at=entry.get("createdAt"),
            **fields,
        )
