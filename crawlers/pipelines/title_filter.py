"""The TPM title filter: keep postings whose title matches the taxonomy's title rule.

`-a all_titles=1` turns it off. Dropped postings are counted (`tpm/dropped_by_filter`),
and a sample of their titles is kept in the stats for tuning. Spiders that fetch one
detail per listed posting (SmartRecruiters, Workable, Workday) ask `title_matcher` first
and skip the details of listings this filter would drop (counted the same way).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawlers.pipelines.base import CrawlerPipeline
from crawlers.titles import TitleMatcher
from matcher.models import Posting
from matcher.taxonomy import load_taxonomy

#: The repository's taxonomy (crawlers/ sits at the repository root).
DEFAULT_TAXONOMY = Path(__file__).resolve().parents[2] / "skills_taxonomy.yaml"
_SAMPLE = 200
_PIPELINE = "crawlers.pipelines.title_filter.TitleFilterPipeline"


@cache
def _matcher(path: str, cutoff: float) -> TitleMatcher:
    taxonomy = load_taxonomy(path)  # TaxonomyError names the file and entry
    return TitleMatcher.build(taxonomy.role_titles, cutoff, taxonomy.title_rules)


def title_matcher(settings: Any) -> TitleMatcher:
    """The title filter's matcher for these Scrapy settings (built once per process)."""
    path = settings.get("TPM_TAXONOMY_PATH") or DEFAULT_TAXONOMY
    return _matcher(str(path), settings.getfloat("TPM_TITLE_WORD_CUTOFF", 85.0))


def filter_enabled(settings: Any) -> bool:
    """True when the crawl runs this title filter (it is in ITEM_PIPELINES)."""
    return settings.getwithbase("ITEM_PIPELINES").get(_PIPELINE) is not None


def count_dropped(stats: Any, title: str) -> None:
    """Count one posting the filter drops and keep its title in the sample."""
    stats.inc_value("tpm/dropped_by_filter")
    sample = stats.get_value("tpm/filtered_titles")
    if sample is None:
        sample = []
        stats.set_value("tpm/filtered_titles", sample)
    if len(sample) < _SAMPLE:
        sample.append(title)


class TitleFilterPipeline(CrawlerPipeline):
    """Drop non-TPM postings (unless the spider runs with all_titles)."""

    def __init__(self, crawler: Crawler, matcher: TitleMatcher) -> None:
        super().__init__(crawler)
        self.matcher = matcher

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, title_matcher(crawler.settings))

    def process_item(self, item: Posting) -> Posting:
        """Return TPM postings; raise DropItem for the others."""
        spider = self.crawler.spider
        if getattr(spider, "all_titles", False):
            return item
        role = self.matcher.match(item.title)
        stats = self.crawler.stats
        if role is not None:
            stats.inc_value(f"tpm/title_match/{role}")
            return item
        count_dropped(stats, item.title)
        raise DropItem(f"not a TPM title: {item.title!r}", log_level="DEBUG")
