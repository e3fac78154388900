"""Refuse redirects that leave the board: a board's answer must come from the board.

Scrapy's RedirectMiddleware follows any `Location`. A board API that redirects to
another host (a hijacked or expired domain, a misconfigured proxy) would feed us
someone else's postings under the board's key. This middleware looks at every request
Scrapy made by following a redirect (`redirect_urls` in its meta) and refuses it when it
leaves the scope of the spider's first request:

- `host` (the API spiders): the same host name;
- `site` (the jsonld spider, `redirect_scope = "site"`): the same registrable domain
  (`www.acme.com` -> `careers.acme.com` is fine, `acme.com` -> `evil.test` is not),
  from the public suffix list bundled with tldextract (never fetched).

The refusal reaches the request's errback as `OffsiteRedirect`, which the spiders
report as an error naming the source, the redirecting URL and the target. robots.txt
requests are left alone (RFC 9309 lets them redirect anywhere; they fetch only rules).
"""

from __future__ import annotations

from typing import Any, Self
from urllib.parse import urlsplit

import tldextract
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest


class OffsiteRedirect(IgnoreRequest):
    """A redirect refused because it leaves the board's host (or the page's site)."""

    def __init__(self, source: str, origin: str, target: str, scope: str) -> None:
        self.source, self.origin, self.target, self.scope = source, origin, target, scope
        where = "the board's host" if scope == "host" else "the page's site"
        super().__init__(
            f"redirect refused for source {source}: {origin} redirects to {target}, "
            f"which leaves {where}"
        )


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:  # a malformed Location: no host to trust
        return ""


class SameSiteRedirectMiddleware:
    """Downloader middleware: refuse a followed redirect that leaves the board."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        # the bundled snapshot only: no network, no cache files
        self._domains = tldextract.TLDExtract(
            suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def site(self, host: str) -> str:
        """The registrable domain of `host` (the host itself for an IP or `localhost`).

        >>> from scrapy.utils.test import get_crawler
        >>> mw = SameSiteRedirectMiddleware(get_crawler())
        >>> mw.site("careers.acme.co.uk"), mw.site("127.0.0.1"), mw.site("a.github.io")
        ('acme.co.uk', '127.0.0.1', 'a.github.io')
        """
        return self._domains(host).top_domain_under_public_suffix or host

    def allowed(self, origin: str, target: str, scope: str) -> bool:
        """Whether a redirect from URL `origin` to URL `target` stays in `scope`.

        >>> from scrapy.utils.test import get_crawler
        >>> mw = SameSiteRedirectMiddleware(get_crawler())
        >>> mw.allowed("https://api.x.io/a", "https://api.x.io/b", "host")
        True
        >>> mw.allowed("https://api.x.io/a", "https://www.x.io/a", "host")
        False
        >>> mw.allowed("https://x.io/jobs", "https://www.x.io/jobs", "site")
        True
        >>> mw.allowed("https://x.io/jobs", "https://x.io.evil.test/jobs", "site")
        False
        """
        before, after = _host(origin), _host(target)
        if before and before == after:
            return True
        return scope == "site" and bool(after) and self.site(before) == self.site(after)

    def process_request(self, request: Request) -> Any:
        """Raise OffsiteRedirect for a redirected request that left the board."""
        chain = request.meta.get("redirect_urls")
        if not chain or request.meta.get("dont_obey_robotstxt"):
            return None
        spider = self.crawler.spider
        scope = getattr(spider, "redirect_scope", "host")
        origin = chain[0]
        if self.allowed(origin, request.url, scope):
            return None
        self.crawler.stats.inc_value("tpm/redirect/refused")
        source = str(getattr(spider, "source_key", None) or getattr(spider, "name", "?"))
        raise OffsiteRedirect(source, chain[-1], request.url, scope)
