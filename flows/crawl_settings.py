"""The one crawl API of the flows: `Settings` -> Scrapy settings, a batch crawl, a recrawl.

`tpm-match crawl` and the nightly flow both call these, so both crawl with the same
Scrapy settings (taxonomy, log level, user agent, HTTP cache) and give `crawl_retries`
the same meaning: a source that failed is crawled again alone, up to `crawl_retries`
times, after `crawl_retry_delay_s` (doubling). Scrapy's own request retries
(`RETRY_TIMES`, with backoff) and the politeness settings stay in crawlers/settings.py;
a source on this machine crawls without politeness delays (crawlers.runner).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from crawlers.runner import CrawlResult, crawl, recrawl
from crawlers.sources import Source
from flows.settings import Settings, SettingsError


def scrapy_settings(settings: Settings) -> dict[str, Any]:
    """The Scrapy settings the tpm-match settings decide (overrides of crawlers/settings.py).

    The taxonomy path is passed when it exists (the title filter then uses the same
    taxonomy as the extractor); the default relative path, when it does not exist from
    this working directory, falls back to the repository's taxonomy. Any other missing
    file raises SettingsError.
    """
    overrides: dict[str, Any] = {
        "USER_AGENT": settings.user_agent,
        "LOG_LEVEL": settings.log_level,
        "HTTPCACHE_ENABLED": settings.http_cache,
        "HTTPCACHE_DIR": str((settings.work_dir / "httpcache").resolve()),
    }
    taxonomy = settings.taxonomy_path
    if taxonomy.is_file():
        overrides["TPM_TAXONOMY_PATH"] = str(taxonomy.resolve())
    elif taxonomy != Settings.model_fields["taxonomy_path"].default:
        raise SettingsError(f"taxonomy {taxonomy} does not exist (setting taxonomy_path)")
    return overrides


def crawl_batch(
    settings: Settings, sources: Sequence[Source], out_dir: Path, *, all_titles: bool = False
) -> dict[str, CrawlResult]:
    """Crawl `sources` in one crawl process into `out_dir`; results by source key."""
    return crawl(
        sources,
        out_dir,
        scrapy_settings(settings),
        settings.crawl_timeout_s,
        concurrency=settings.crawl_concurrency,
        all_titles=all_titles,
        cache_dir=settings.crawl_cache_dir,
    )


def recrawl_source(
    settings: Settings, source: Source, out_dir: Path, *, all_titles: bool = False
) -> CrawlResult:
    """Crawl a failed source again alone (`crawl_retries` times at most, delay doubling)."""
    return recrawl(
        source,
        lambda one: crawl_batch(settings, [one], out_dir, all_titles=all_titles)[one.key],
        retries=settings.crawl_retries,
        delay_s=settings.crawl_retry_delay_s,
    )
