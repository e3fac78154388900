"""The TPM title filter: keep postings whose title matches the taxonomy's title rule.

`-a all_titles=1` turns it off. Dropped postings are counted (`tpm/dropped_by_filter`),
and a sample of their titles is kept in the stats for tuning.
"""

from __future__ import annotations

from pathlib import Path
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawlers.pipelines.base import CrawlerPipeline
from crawlers.titles import TitleMatcher
from matcher.models import Posting
from matcher.taxonomy import load_taxonomy

#: The repository's taxonomy (crawlers/ sits at the repository root).
DEFAULT_TAXONOMY = Path(__file__).resolve().parents[2] / "skills_taxonomy.yaml"
_SAMPLE = 200


class TitleFilterPipeline(CrawlerPipeline):
    """Drop non-TPM postings (unless the spider runs with all_titles)."""

    def __init__(self, crawler: Crawler, matcher: TitleMatcher) -> None:
        super().__init__(crawler)
        self.matcher = matcher

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("TPM_TAXONOMY_PATH") or DEFAULT_TAXONOMY
        taxonomy = load_taxonomy(path)  # TaxonomyError names the file and entry
        cutoff = crawler.settings.getfloat("TPM_TITLE_WORD_CUTOFF", 85.0)
        return cls(crawler, TitleMatcher.build(taxonomy.role_titles, cutoff, taxonomy.title_rules))

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
        stats.inc_value("tpm/dropped_by_filter")
        sample = stats.get_value("tpm/filtered_titles")
        if sample is None:
            sample = []
            stats.set_value("tpm/filtered_titles", sample)
        if len(sample) < _SAMPLE:
            sample.append(item.title)
        raise DropItem(f"not a TPM title: {item.title!r}", log_level="DEBUG")
