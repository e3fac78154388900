"""Greenhouse job board API: `GET {api_base}/v1/boards/{board}/jobs?content=true`.

One request per board. `content` arrives HTML-escaped once (`&lt;p&gt;`); the
normalisation pipeline unescapes it. A department or office list
(`/departments`, `/offices`: `{"departments": [...]}`) has the jobs without `content`:
they are parsed from what is there and validation rejects them for the missing
description, naming the reason, so such a response never passes as an empty board.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawlers.normalise import missing_id, remote_from_text, source_id_text
from crawlers.outcomes import record_error
from crawlers.spiders.base import BoardSpider, as_text
from matcher.models import Posting


def _tree_jobs(node: Any) -> Iterator[dict[str, Any]]:
    """Every job under a department/office tree, depth first."""
    if isinstance(node, list):
        for child in node:
            yield from _tree_jobs(child)
    elif isinstance(node, dict):
        yield from node.get("jobs") or []
        for key in ("departments", "offices", "children"):
            yield from _tree_jobs(node.get(key))


def _metadata(job: dict[str, Any], *names: str) -> str | None:
    for entry in job.get("metadata") or []:
        if isinstance(entry, dict) and str(entry.get("name", "")).lower() in names:
            value = entry.get("value")
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            return str(value) if value else None
    return None


class GreenhouseSpider(BoardSpider):
    """`scrapy crawl greenhouse -a board=TOKEN [-a api_base=URL]`."""

    name = "greenhouse"
    source_type = "greenhouse"
    board_arg = "board"
    default_api_base = "https://boards-api.greenhouse.io"

    def __init__(self, *args: Any, board: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not board:
            raise ValueError("the greenhouse spider needs -a board=TOKEN")
        self.board = board

    async def start(self) -> AsyncIterator[scrapy.Request]:
        url = f"{self.api_base}/v1/boards/{self.board}/jobs?content=true"
        # dont_filter: a redirect loop must reach REDIRECT_MAX_TIMES and the errback, not
        # vanish in the duplicate filter.
        yield scrapy.Request(
            url, callback=self.parse_board, errback=self.on_error, dont_filter=True
        )

    def parse_board(self, response: Response) -> Iterator[Posting]:
        """Yield one Posting per job of the board."""
        data = self.load_json(response, "Greenhouse board")
        if data is None:
            return
        if isinstance(data, dict) and isinstance(data.get("jobs"), list):
            jobs: list[Any] = data["jobs"]
        elif isinstance(data, dict) and ("departments" in data or "offices" in data):
            seen: set[object] = set()
            jobs = []
            for job in _tree_jobs([data.get("departments"), data.get("offices")]):
                key = job.get("id") if isinstance(job, dict) else id(job)
                if key not in seen:
                    seen.add(key)
                    jobs.append(job)
            self.logger.warning(
                "[%s] %s is a department/office list: %d jobs without content "
                "(request /jobs?content=true for descriptions)",
                self.source_key,
                response.url,
                len(jobs),
            )
            self.crawler.stats.set_value("tpm/greenhouse/tree_without_content", len(jobs))
        else:
            shape = type(data).__name__ if not isinstance(data, dict) else sorted(data)[:5]
            record_error(
                self.crawler,
                response.url,
                f"Greenhouse board: expected {{'jobs': [...]}}, got {shape}",
            )
            return
        for index, job in enumerate(jobs):
            where = f"{response.url} job #{index + 1}"
            if not isinstance(job, dict) or missing_id(job.get("id")):
                self.reject_entry(where, "not a job object with an id")
                continue
            if self.valid_id(job["id"], where, job.get("title"), job.get("absolute_url")) is None:
                continue
            yield self.from_raw(job, self.job_posting)

    def job_posting(self, job: dict[str, Any]) -> Posting:
        """One Greenhouse job object as a Posting."""
        location = job.get("location")
        location = as_text(location.get("name")) if isinstance(location, dict) else None
        fields: dict[str, Any] = {}
        pay = job.get("pay_input_ranges")
        if isinstance(pay, list) and pay and isinstance(pay[0], dict):
            try:
                fields["salary_min"] = float(pay[0]["min_cents"]) / 100
                fields["salary_max"] = float(pay[0]["max_cents"]) / 100
                fields["salary_currency"] = pay[0].get("currency_type")
            except (KeyError, TypeError, ValueError):
                fields = {}
        return self.posting(
            source_id=source_id_text(job["id"]),
            title=job.get("title"),
            url=job.get("absolute_url"),
            description_html=as_text(job.get("content")) or None,
            company=as_text(job.get("company_name")) or None,
            location=location or None,
            remote=remote_from_text(_metadata(job, "workplace type", "remote", "location type")),
            employment_type=_metadata(job, "employment type", "employment_type", "commitment"),
            posted_at=job.get("first_published") or job.get("updated_at"),
            **fields,
        )
