"""Scrapy settings for the tpm-match crawlers (`scrapy crawl NAME` from the repo root).

Politeness first: robots.txt is obeyed, AutoThrottle adapts the pace to the server, at
most two requests run at once per domain, and 429/5xx/timeouts are retried with an
exponential backoff that honours `Retry-After` (crawlers.middlewares.retry); a refused
connection, a failed DNS lookup or a TLS error is not retried (the board is down). A
redirect that leaves the board's host (for JSON-LD pages, the page's site) is refused and
reported (crawlers.middlewares.redirects). The
flows turn the tpm-match settings into overrides of these (flows/crawl_settings.py) and
crawlers/crawl_process.py applies them; nothing here reads the environment.
"""

from __future__ import annotations

BOT_NAME = "tpm-match"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

USER_AGENT = "tpm-match/0.1 (+https://github.com/tpm-match/tpm-match)"
ROBOTSTXT_OBEY = True

# Pace: AutoThrottle on top of a small per-domain concurrency and a base delay.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Faults: bounded time, size and redirects so that no board can hang a crawl.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024  # a whole Greenhouse board with content can be ~20 MB
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
#: Backoff before retry n (0-based) is RETRY_BACKOFF_BASE * 2**n seconds, plus jitter,
#: unless the response says `Retry-After`; never longer than RETRY_BACKOFF_MAX.
RETRY_BACKOFF_BASE = 1.0
RETRY_BACKOFF_MAX = 60.0

DOWNLOADER_MIDDLEWARES = {
    # a redirect that leaves the board's host (jsonld: the page's site) is refused
    "crawlers.middlewares.redirects.SameSiteRedirectMiddleware": 60,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.middlewares.retry.BackoffRetryMiddleware": 550,
}

ITEM_PIPELINES = {
    "crawlers.pipelines.validation.ValidationPipeline": 100,
    "crawlers.pipelines.normalisation.NormalisationPipeline": 200,
    "crawlers.pipelines.title_filter.TitleFilterPipeline": 300,
    "crawlers.pipelines.dedup.DedupPipeline": 400,
}

EXTENSIONS = {
    "crawlers.extensions.StatsFile": 500,
    "crawlers.crawl_cache.CrawlCache": 510,
}

#: Where crawlers.extensions.StatsFile writes the crawl's stats as JSON (set per crawler
#: by crawlers/crawl_process.py).
TPM_STATS_FILE = None
#: The incremental crawl cache of this source (crawlers.crawl_cache.CrawlCache; None: no
#: cache). Set per crawler; unchanged raw API objects reuse last night's posting.
TPM_CRAWL_CACHE = None
#: The taxonomy whose role titles the title filter uses (None: the repository's file).
TPM_TAXONOMY_PATH = None
#: Lowest rapidfuzz ratio (0-100) for a title word to match a role-title word.
TPM_TITLE_WORD_CUTOFF = 85
#: Descriptions longer than this (characters of HTML) are rejected as garbage.
TPM_MAX_DESCRIPTION_CHARS = 300_000
#: Lever page size (skip/limit paging).
TPM_LEVER_PAGE_SIZE = 100
#: SmartRecruiters page size (offset/limit paging; the API allows at most 100).
TPM_SMARTRECRUITERS_PAGE_SIZE = 100
#: Workday CXS page size (offset/limit paging; Workday allows at most 20).
TPM_WORKDAY_PAGE_SIZE = 20
#: The jsonld spider follows at most this many pages per start URL's site.
TPM_JSONLD_MAX_PAGES = 500

# Development switch: `-s HTTPCACHE_ENABLED=1` (tpm-match setting `http_cache`).
HTTPCACHE_ENABLED = False
HTTPCACHE_DIR = "httpcache"
HTTPCACHE_EXPIRATION_SECS = 24 * 3600
HTTPCACHE_IGNORE_HTTP_CODES = [429, 500, 502, 503, 504]

FEED_EXPORT_ENCODING = "utf-8"
DEFAULT_DROPITEM_LOG_LEVEL = "INFO"
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False
#: Scrapy 2.19 opens a remote-control HTTP port per crawl by default; a crawler needs none.
REMOTE_CONTROL_ENABLED = False
