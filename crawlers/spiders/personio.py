"""Personio's public XML feed: `GET {api_base}/xml` (default `https://{company}.jobs.personio.de`).

One request per board: `<workzag-jobs>` with one `<position>` per job (`id`, `name`,
`office`, `subcompany`, `department`, `employmentType`, `schedule`, `createdAt` and
`jobDescriptions/jobDescription` blocks of a `name` and an HTML `value`, which make the
text). The job page is `{api_base}/job/{id}`.

The feed is parsed by lxml without entity expansion or network access and with its
default size limits. A feed that is not well-formed is reported (with the line and the
position it broke in) and then parsed in lxml's recovery mode, so the positions before
and after the damage still come through; a damaged position that loses its id or title
is rejected by name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from lxml import etree
from scrapy.http import Response

from crawlers.outcomes import record_error
from crawlers.spiders.base import BoardSpider, sections_html
from matcher.models import Posting


def _parser(recover: bool) -> etree.XMLParser:
    """A parser that never expands entities, never fetches anything, keeps lxml's limits."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, recover=recover, load_dtd=False
    )


def child_text(node: etree._Element, name: str) -> str:
    """The stripped text of `node`'s first child `name` ('' when absent)."""
    found = node.find(name)
    return (found.text or "").strip() if found is not None else ""


def position_record(node: etree._Element) -> dict[str, Any]:
    """A `<position>` as a plain dict (the crawl cache keys on it; parsing needs no lxml)."""
    record: dict[str, Any] = {
        tag: child_text(node, tag)
        for tag in (
            "id",
            "name",
            "subcompany",
            "office",
            "department",
            "employmentType",
            "schedule",
            "createdAt",
        )
    }
    record["jobDescriptions"] = [
        {"name": child_text(block, "name"), "value": child_text(block, "value")}
        for block in node.iterfind("jobDescriptions/jobDescription")
    ]
    return record


class PersonioSpider(BoardSpider):
    """`scrapy crawl personio -a company=SUBDOMAIN [-a api_base=URL]`."""

    name = "personio"
    source_type = "personio"
    board_arg = "company"
    default_api_base = "https://{company}.jobs.personio.de"

    def __init__(self, *args: Any, company: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not company:
            raise ValueError("the personio spider needs -a company=SUBDOMAIN")
        self.board = company
        self.api_base = self.api_base_for(company=company)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(
            f"{self.api_base}/xml",
            callback=self.parse_feed,
            errback=self.on_error,
            dont_filter=True,
        )

    def feed_root(self, response: Response) -> etree._Element | None:
        """The feed's root element, recovered and reported when the XML is damaged."""
        body = response.body
        if not body.strip():
            record_error(self.crawler, response.url, "Personio feed: empty response body")
            return None
        try:
            return etree.fromstring(body, _parser(recover=False))
        except etree.XMLSyntaxError as exc:
            damage = exc
        root = etree.fromstring(body, _parser(recover=True))
        if root is None or root.find("position") is None:
            line = damage.position[0]
            reason = f"Personio feed: not XML ({damage.msg}, line {line})"
            record_error(self.crawler, response.url, reason)
            return None
        line = damage.position[0]
        broken = [p for p in root.iterfind("position") if (p.sourceline or 0) <= line]
        which = f"position {child_text(broken[-1], 'id') or len(broken)}" if broken else "head"
        self.reject_entry(
            f"{response.url} line {line} ({which})",
            f"not well-formed XML ({damage.msg}); the other positions were recovered",
        )
        return root

    def parse_feed(self, response: Response) -> Iterator[Posting]:
        """Yield one Posting per `<position>`."""
        root = self.feed_root(response)
        if root is None:
            return
        if root.tag != "workzag-jobs":
            reason = f"Personio feed: expected <workzag-jobs>, got <{root.tag}>"
            record_error(self.crawler, response.url, reason)
            return
        for index, node in enumerate(root.iterfind("position")):
            record = position_record(node)
            if not record["id"]:
                self.reject_entry(f"{response.url} position #{index + 1}", "no <id>")
                continue
            yield self.from_raw(record, self.position_posting)

    def position_posting(self, record: dict[str, Any]) -> Posting:
        """One `<position>` record as a Posting."""
        blocks = [(b["name"], b["value"]) for b in record["jobDescriptions"]]
        return self.posting(
            source_id=record["id"],
            title=record["name"],
            url=f"{self.api_base}/job/{record['id']}",
            description_html=sections_html(*blocks) or None,
            company=record["subcompany"] or None,
            location=record["office"] or None,
            employment_type=record["schedule"] or record["employmentType"] or None,
            posted_at=record["createdAt"] or None,
        )
