"""Record what went wrong during a crawl, in Scrapy's stats, for the runner to report.

Two kinds of trouble, kept apart because they mean different things to the nightly run:

- a *rejection* is one posting that could not be used (no title, garbage JSON-LD block,
  a 10 MB description...): the rest of the board is fine;
- an *error* is a fetch or a whole response that failed (404 board, timeout, malformed
  JSON body, robots.txt forbids it): the crawl of that source is incomplete.

Both are logged with the source and the reason and kept (capped) in the stats under
`tpm/rejections` and `tpm/errors`, with counters under `tpm/rejected/<kind>`.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import DropItem

#: At most this many messages of each kind are kept in the stats (counters keep counting).
MAX_MESSAGES = 200

REJECTIONS = "tpm/rejections"
ERRORS = "tpm/errors"


def source_of(spider: Any) -> str:
    """The `type:board` key of the spider's source, for log lines."""
    key = getattr(spider, "source_key", None)
    return str(key) if key else str(getattr(spider, "name", "?"))


def _append(stats: Any, key: str, message: str) -> None:
    messages = stats.get_value(key)
    if messages is None:
        messages = []
        stats.set_value(key, messages)
    if len(messages) < MAX_MESSAGES:
        messages.append(message)


def record_rejection(crawler: Any, where: str, kind: str, reason: str) -> None:
    """Count and log one unusable posting: `kind` is a short stat name, `reason` the words."""
    spider = crawler.spider
    message = f"{where}: {reason}"
    crawler.stats.inc_value("tpm/rejected")
    crawler.stats.inc_value(f"tpm/rejected/{kind}")
    _append(crawler.stats, REJECTIONS, message)
    logging.getLogger(getattr(spider, "name", "crawlers")).warning(
        "[%s] rejected %s", source_of(spider), message
    )


def reject(crawler: Any, item: Any, kind: str, reason: str) -> DropItem:
    """Record a rejection of `item` and return the DropItem for the pipeline to raise."""
    where = getattr(item, "id", None) or getattr(item, "url", None) or "posting"
    record_rejection(crawler, str(where), kind, reason)
    return DropItem(f"rejected ({kind}): {reason}", log_level="DEBUG")


def record_error(crawler: Any, where: str, reason: str) -> None:
    """Count and log a failed fetch or an unusable response."""
    spider = crawler.spider
    message = f"{where}: {reason}"
    crawler.stats.inc_value("tpm/error_count")
    _append(crawler.stats, ERRORS, message)
    logging.getLogger(getattr(spider, "name", "crawlers")).error(
        "[%s] %s", source_of(spider), message
    )
