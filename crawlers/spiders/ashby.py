"""Ashby posting API: `GET {api_base}/posting-api/job-board/{board}?includeCompensation=true`.

One request per board: `{"jobs": [...]}`. Unlisted jobs (`isListed: false`) are skipped.
Compensation comes from the salary component of `compensation.summaryComponents`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from functools import partial
from typing import Any

import scrapy
from scrapy.http import Response

from crawlers.normalise import missing_id, normalise_period, remote_from_text
from crawlers.spiders.base import BoardSpider, as_text
from matcher.models import Posting


def ashby_salary(job: dict[str, Any]) -> dict[str, Any]:
    """Salary fields from Ashby's compensation block ({} when there is none)."""
    comp = job.get("compensation")
    if not isinstance(comp, dict):
        return {}
    for part in comp.get("summaryComponents") or []:
        if isinstance(part, dict) and str(part.get("compensationType", "")).lower() == "salary":
            return {
                "salary_min": part.get("minValue"),
                "salary_max": part.get("maxValue"),
                "salary_currency": part.get("currencyCode"),
                "salary_period": normalise_period(part.get("interval")),
            }
    return {}


class AshbySpider(BoardSpider):
    """`scrapy crawl ashby -a board=NAME [-a api_base=URL]`."""

    name = "ashby"
    source_type = "ashby"
    board_arg = "board"
    default_api_base = "https://api.ashbyhq.com"

    def __init__(self, *args: Any, board: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not board:
            raise ValueError("the ashby spider needs -a board=NAME")
        self.board = board

    async def start(self) -> AsyncIterator[scrapy.Request]:
        url = f"{self.api_base}/posting-api/job-board/{self.board}?includeCompensation=true"
        # dont_filter: a redirect loop must reach REDIRECT_MAX_TIMES and the errback, not
        # vanish in the duplicate filter.
        yield scrapy.Request(
            url, callback=self.parse_board, errback=self.on_error, dont_filter=True
        )

    def parse_board(self, response: Response) -> Iterator[Posting]:
        """Yield one Posting per listed job."""
        data = self.load_json(response, "Ashby job board")
        if data is None:
            return
        jobs = self.json_list(response, data, "jobs", "Ashby board")
        if jobs is None:
            return
        for index, job in enumerate(jobs):
            where = f"{response.url} job #{index + 1}"
            if isinstance(job, dict) and not missing_id(job.get("id")):
                source_id = self.valid_id(job["id"], where, job.get("title"), job.get("jobUrl"))
                if source_id is None:
                    continue
            else:
                source_id = self.job_id(job)
            if source_id is None:
                self.reject_entry(where, "not a job with an id or jobUrl")
                continue
            if job.get("isListed") is False:
                self.crawler.stats.inc_value("tpm/ashby/unlisted")
                continue
            yield self.from_raw(job, partial(self.ashby_posting, source_id=source_id))

    @staticmethod
    def job_id(job: Any) -> str | None:
        """The last segment of a job's jobUrl (a UUID): its id when it has none."""
        if not isinstance(job, dict):
            return None
        url = as_text(job.get("jobUrl")).rstrip("/")
        return url.rsplit("/", 1)[-1] or None if url else None

    def ashby_posting(self, job: dict[str, Any], source_id: str) -> Posting:
        """One Ashby job object as a Posting."""
        location = as_text(job.get("location")) or None
        workplace = as_text(job.get("workplaceType")) or None
        remote = remote_from_text(workplace)
        if remote is None and isinstance(job.get("isRemote"), bool):
            remote = job["isRemote"]
        html_desc = as_text(job.get("descriptionHtml"))
        return self.posting(
            source_id=source_id,
            title=job.get("title"),
            url=job.get("jobUrl") or job.get("applyUrl"),
            description_html=html_desc or None,
            description_text="" if html_desc else as_text(job.get("descriptionPlain")),
            location=location,
            remote=remote,
            employment_type=as_text(job.get("employmentType")) or None,
            posted_at=job.get("publishedAt"),
            **ashby_salary(job),
        )
