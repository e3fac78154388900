"""What every board spider shares: arguments, the source key, error handling, the item.

Arguments (`scrapy crawl NAME -a name=value`): `api_base` (point the spider at another
host: Lever's EU API, a mirror, a local test server), `company_name` (the employer's
display name when the API does not give one) and `all_titles=1` (keep every posting,
not only TPM roles).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any, ClassVar, Self

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from crawlers.crawl_cache import CrawlCache, raw_digest
from crawlers.middlewares.redirects import OffsiteRedirect
from crawlers.normalise import source_id_text, unescape_markup
from crawlers.outcomes import record_error, record_rejection
from crawlers.pipelines.title_filter import count_dropped, filter_enabled, title_matcher
from crawlers.titles import TitleMatcher
from matcher.models import Posting
from matcher.text import tidy_text

_TRUE = {"1", "true", "yes", "on"}
_HEADING_RE = re.compile(r"\s*<h[1-6][\s>]", re.I)
_HTTP_HINTS = {
    404: "the board does not exist (removed, or a wrong token in sources.yaml)",
    401: "the board needs credentials (not a public board)",
    403: "access denied (the board is private or the crawler is blocked)",
    410: "the board is gone",
    429: "rate limited even after the retries",
}


def truthy(value: object) -> bool:
    """Spider arguments arrive as strings: "1", "true", "yes" and "on" mean yes.

    >>> truthy("1"), truthy("0"), truthy(None), truthy(True)
    (True, False, False, True)
    """
    return value is True or str(value).strip().lower() in _TRUE


def now_iso() -> str:
    """The current time in ISO 8601, UTC, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def as_text(value: object) -> str:
    """A string field from an API value; anything not a string becomes ''."""
    return value.strip() if isinstance(value, str) else ""


def display_name(token: str) -> str:
    """A readable company name from a board token, when nothing better is known.

    >>> display_name("quarry-games"), display_name("1password")
    ('Quarry Games', '1Password')
    """
    return " ".join(
        part.capitalize() if not part[:1].isdigit() else part[0] + part[1:].capitalize()
        for part in token.replace("_", "-").split("-")
        if part
    )


def describe_failure(failure: Failure, timeout_s: float | None = None) -> str:
    """Words for a failed request: the HTTP status and what it means, a timeout, etc."""
    exc = failure.value
    if isinstance(exc, HttpError):
        status = exc.response.status
        hint = _HTTP_HINTS.get(status, "server error, still failing after the retries")
        return f"HTTP {status}: {hint}"
    if isinstance(exc, DownloadConnectionRefusedError):
        return f"connection refused (the host is down?): {exc}"
    if isinstance(exc, DownloadCancelledError):
        return f"download cancelled (larger than DOWNLOAD_MAXSIZE?): {exc}"
    if isinstance(exc, DownloadTimeoutError | TimeoutError | TCPTimedOutError):
        after = f" after {timeout_s:g} s" if timeout_s else ""
        return f"timed out{after} (and on every retry)"
    if isinstance(exc, DNSLookupError | CannotResolveHostError):
        return f"DNS lookup failed: {exc}"
    if isinstance(exc, OffsiteRedirect):
        return str(exc)
    if isinstance(exc, IgnoreRequest):
        text = str(exc)
        if "robots.txt" in text:
            return "forbidden by the site's robots.txt (the crawler obeys it)"
        if "redirect" in text:
            return f"redirect loop or too many redirects ({text})"
        return f"request dropped: {text}"
    return f"{type(exc).__name__}: {exc}".rstrip(": ")


class BoardSpider(scrapy.Spider):
    """Base class: the spider arguments, errback, JSON parsing and Posting building."""

    #: The source type this spider crawls (`type:` in sources.yaml, the postings' `source`).
    source_type: ClassVar[str] = ""
    #: The spider argument (and sources.yaml field) that names the board: `board`,
    #: `company`, `account`, `tenant`, or `urls` (a list of start URLs, joined by commas
    #: for the spider).
    board_arg: ClassVar[str] = "board"
    #: Further arguments (and sources.yaml fields) a board needs, e.g. Workday's
    #: `("site", "host")`.
    extra_args: ClassVar[tuple[str, ...]] = ()
    #: The default API host; `{company}`-style fields are filled from the arguments.
    default_api_base: ClassVar[str] = ""
    #: How far a redirect may go (crawlers/middlewares/redirects.py): "host" (the board
    #: API's host) or "site" (the page's registrable domain).
    redirect_scope: ClassVar[str] = "host"
    #: True for spiders that fetch one detail per listed posting: they skip the details
    #: of listings the title filter would drop (`wanted`).
    fetches_details: ClassVar[bool] = False
    title_matcher: TitleMatcher | None = None

    def __init__(
        self,
        *args: Any,
        api_base: str | None = None,
        company_name: str | None = None,
        all_titles: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        default = "" if "{" in self.default_api_base else self.default_api_base
        self.api_base = (api_base or default).rstrip("/")
        self.company_name = company_name or None
        self.all_titles = truthy(all_titles)
        self.timeout_s: float | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.timeout_s = crawler.settings.getfloat("DOWNLOAD_TIMEOUT")
        if spider.fetches_details and not spider.all_titles and filter_enabled(crawler.settings):
            spider.title_matcher = title_matcher(crawler.settings)
        spider.configure(crawler.settings)
        return spider

    def wanted(self, title: object) -> bool:
        """False when the title filter would drop a listing with this title (counted as
        dropped): its detail is not fetched. A listing without a title is fetched."""
        text = tidy_text(html.unescape(as_text(title)))
        if self.title_matcher is None or not text or self.title_matcher.match(text):
            return True
        count_dropped(self.crawler.stats, text)
        return False

    def from_raw(self, raw: Any, build: Callable[[Any], Posting]) -> Posting:
        """`build(raw)`, or last night's normalised posting when `raw` is byte-identical.

        The crawl cache is the `CrawlCache` extension (crawlers/crawl_cache.py), enabled
        when the crawl has a cache file.
        """
        cache = self.crawler.get_extension(CrawlCache)
        if cache is None:
            return build(raw)
        digest = raw_digest(raw)
        item = cache.lookup(digest, now_iso())
        stats = self.crawler.stats
        if item is not None:
            stats.inc_value("tpm/crawl_cache/hits")
            return item
        stats.inc_value("tpm/crawl_cache/misses")
        item = build(raw)
        cache.track(item, digest)
        return item

    def configure(self, settings: Any) -> None:
        """Read this spider's settings (called once from from_crawler)."""

    #: The board token (set by each spider's __init__ from its `-a` argument).
    board: str = ""

    @classmethod
    def board_args(cls) -> tuple[str, ...]:
        """Every argument naming the board: `board_arg`, then `extra_args`."""
        return (cls.board_arg, *cls.extra_args)

    @classmethod
    def board_key(cls, values: Mapping[str, str]) -> str:
        """The board part of the source key from the board arguments (`board_arg`'s value).

        Spiders whose board needs several arguments override it (Workday: `tenant/site`).
        """
        return values[cls.board_arg]

    @classmethod
    def board_in_host(cls) -> bool:
        """True when the default API host is named after the board (`{company}.recruitee.com`):
        a mirror then serves each board under its own path, `api_base=MIRROR/<type>/<board>`.
        """
        return "{" + cls.board_arg + "}" in cls.default_api_base

    def api_base_for(self, **values: str) -> str:
        """`api_base` as given, else the default host with the board arguments filled in."""
        if self.api_base:
            return self.api_base
        return self.default_api_base.format(**values).rstrip("/")

    @property
    def source_key(self) -> str:
        """`source:board`, the prefix of every posting id of this crawl."""
        return f"{self.source_type}:{self.board}"

    def on_error(self, failure: Failure) -> None:
        """Errback of every request: record the failed fetch with the source and reason."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        record_error(self.crawler, url, describe_failure(failure, self.timeout_s))

    def load_json(self, response: Response, what: str, *, entry: bool = False) -> Any | None:
        """The decoded JSON body, or None after recording why it is unusable.

        An unusable board or page is an error of the crawl; with `entry`, the response is
        one posting's detail, and an unusable one is that posting's rejection.
        """
        report = self.reject_entry if entry else partial(record_error, self.crawler)
        try:
            text = response.text
        except AttributeError:  # a binary response: Content-Type not text
            text = response.body.decode("utf-8", errors="replace")
        if not text.strip():
            report(response.url, f"{what}: empty response body")
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            reason = f"{what}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
            report(response.url, reason)
            return None

    def load_detail(self, response: Response, what: str) -> dict[str, Any] | None:
        """One posting's detail as a JSON object, or None after rejecting that posting."""
        data = self.load_json(response, what, entry=True)
        if data is not None and not isinstance(data, dict):
            self.reject_entry(response.url, f"{what}: not a JSON object")
            return None
        return data

    def json_list(self, response: Response, data: Any, key: str, what: str) -> list[Any] | None:
        """`data[key]` when `data` is an object holding a list there; else None after
        recording what the response held instead (its first keys, or its JSON type)."""
        if isinstance(data, dict) and isinstance(data.get(key), list):
            return data[key]
        got = sorted(data)[:5] if isinstance(data, dict) else type(data).__name__
        record_error(self.crawler, response.url, f"{what}: expected {{'{key}': [...]}}, got {got}")
        return None

    def reject_entry(self, where: str, reason: str) -> None:
        """Record one entry of a response that cannot become a posting."""
        record_rejection(self.crawler, where, "unparseable", reason)

    def valid_id(self, value: object, where: str, title: object, url: object) -> str | None:
        """The id as text (`source_id_text`), or None after rejecting the entry when it is
        neither a string nor an integer; the rejection names the posting by title and URL."""
        text = source_id_text(value)
        if text is None:
            named = ", ".join(f"{t[:100]!r}" for t in (as_text(title), as_text(url)) if t)
            reason = (
                f"posting {named or '(no title or URL)'}: id {value!r:.60} is a "
                f"{type(value).__name__}, not a string or an integer"
            )
            record_rejection(self.crawler, where, "bad_id", reason)
        return text

    def posting(
        self,
        *,
        source_id: object,
        title: object,
        url: object,
        description_html: str | None,
        description_text: str = "",
        company: str | None = None,
        board: str | None = None,
        **fields: Any,
    ) -> Posting:
        """Build the item. The normalisation pipeline fills description_text from the HTML."""
        return Posting(
            id=f"{self.source_type}:{board or self.board}:{source_id}",
            source=self.source_type,
            company=company or self.company_name or display_name(board or self.board),
            title=as_text(title),
            url=as_text(url),
            description_html=description_html or None,
            description_text=description_text,
            fetched_at=now_iso(),
            **fields,
        )


def sections_html(*sections: tuple[object, object]) -> str:
    """HTML of (heading, HTML body) sections, each body under an `<h3>` of its heading.

    Sections with no body are left out; a section without a heading, or whose body starts
    with a heading of its own, is the body alone. A body escaped once is unescaped.

    >>> sections_html(("About", "<p>Run it.</p>"), ("Requirements", ""), (None, "<ul></ul>"))
    '<h3>About</h3>\\n<p>Run it.</p>\\n<ul></ul>'
    >>> sections_html(("Requirements", "<h3>You have</h3><ul></ul>"))
    '<h3>You have</h3><ul></ul>'
    """
    parts: list[str] = []
    for heading, body in sections:
        text = unescape_markup(as_text(body))
        if not text:
            continue
        title = as_text(heading)
        if title and not _HEADING_RE.match(text):
            parts.append(f"<h3>{html.escape(title)}</h3>")
        parts.append(text)
    return "\n".join(parts)
