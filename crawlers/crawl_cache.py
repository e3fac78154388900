"""Incremental crawl cache: last night's parse of every raw API object that did not change.

Board APIs return every posting every night, and most of them are byte-identical to the
night before. `CrawlCache` is a Scrapy extension (enabled when `TPM_CRAWL_CACHE` names
the source's cache file). A spider asks it before building a Posting from a raw API
object (`BoardSpider.from_raw`): when the object's digest (SHA-1 of its canonical JSON)
was kept last night, the stored, already normalised Posting is served again (with a
fresh `fetched_at`) and the normalisation pipeline leaves it alone; the validation,
title filter and dedup pipelines still run on it. Otherwise the object is parsed as
usual and, once Scrapy has scraped it (it passed every pipeline), stored for tonight.

One file per source, JSON Lines: a header line with the context (the package version,
`CACHE_VERSION`, the spider and its arguments), then one `{"k": digest, "p": posting}`
per kept posting. A file whose context differs is ignored; an unreadable file is ignored
too: the cache only ever saves time, it never changes what a crawl yields. It is
rewritten only when the spider finished cleanly. Bump `CACHE_VERSION` when a change to
the parsing code must invalidate every cache within one release.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Self

import orjson
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from matcher.models import Posting
from matcher.wire import load

logger = logging.getLogger(__name__)

#: Bump when the parsing code changes what a cached posting would be.
CACHE_VERSION = 2


def package_version() -> str:
    """The installed tpm-match version ('unknown' when run from a bare checkout)."""
    try:
        return version("tpm-match")
    except PackageNotFoundError:
        return "unknown"


def raw_digest(raw: Any) -> str:
    """SHA-1 of a raw API object's canonical JSON (key order does not matter).

    >>> raw_digest({"a": 1, "b": [2]}) == raw_digest({"b": [2], "a": 1})
    True
    >>> raw_digest({"a": 1}) == raw_digest({"a": 2})
    False
    """
    blob = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()


def cache_context(spider: str, args: dict[str, Any]) -> dict[str, Any]:
    """What must be equal for last night's parse to be valid tonight."""
    return {
        "version": CACHE_VERSION,
        "package": package_version(),
        "spider": spider,
        "args": {k: args[k] for k in sorted(args)},
    }


class CrawlCache:
    """Raw-object digest -> normalised posting, read from last night, written for tonight.

    A Scrapy extension: `crawler.get_extension(CrawlCache)` finds it (None when the
    crawl has no cache). It opens with the spider and saves when it finished.
    """

    def __init__(self, path: Path, context: dict[str, Any] | None = None) -> None:
        self.path = Path(path)
        self.context = context or {}
        self.previous: dict[str, dict[str, Any]] = {}
        self.current: dict[str, dict[str, Any]] = {}
        # id(item) -> (item, digest): the item is held so that its id() is not reused
        self._tracked: dict[int, tuple[Posting, str]] = {}
        self._reused: set[int] = set()
        self.hits = 0
        self.misses = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        path = crawler.settings.get("TPM_CRAWL_CACHE")
        if not path:
            raise NotConfigured("TPM_CRAWL_CACHE is not set")
        cache = cls(Path(path))
        crawler.signals.connect(cache.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(cache.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(cache.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(cache.spider_closed, signal=signals.spider_closed)
        return cache

    def spider_opened(self, spider: Any) -> None:
        """Read last night's entries for this spider and its board."""
        self.load(
            cache_context(spider.name, {"board": spider.board, "company": spider.company_name})
        )

    def load(self, context: dict[str, Any]) -> None:
        """Read the entries of the file when it was written for `context` (else none)."""
        self.context = context
        self.previous = self._load()

    def item_scraped(self, item: Any) -> None:
        """Store a posting that passed every pipeline."""
        if isinstance(item, Posting):
            self.keep(item)

    def item_dropped(self, item: Any) -> None:
        """Forget a posting a pipeline dropped."""
        self.forget(item)

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Save tonight's entries, only after a clean finish (a partial crawl would forget)."""
        if reason != "finished":
            return
        try:
            self.save()
        except OSError as exc:
            logger.warning("[%s] could not save the crawl cache: %s", spider.source_key, exc)

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            handle = self.path.open("rb")
        except OSError:
            return {}
        entries: dict[str, dict[str, Any]] = {}
        with handle:
            try:
                header = orjson.loads(handle.readline() or b"null")
                if not isinstance(header, dict) or header.get("context") != self.context:
                    logger.info("crawl cache %s is for another context: not used", self.path)
                    return {}
                for line in handle:
                    entry = orjson.loads(line)
                    entries[entry["k"]] = entry["p"]
            except (ValueError, KeyError, TypeError) as exc:
                logger.warning("crawl cache %s is unreadable (%s): not used", self.path, exc)
                return {}
        return entries

    def lookup(self, digest: str, fetched_at: str) -> Posting | None:
        """Last night's posting for this raw object (marked as reused), or None."""
        stored = self.previous.get(digest)
        if stored is None:
            self.misses += 1
            return None
        try:
            item = load(Posting, {**stored, "fetched_at": fetched_at})
        except (TypeError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        self._tracked[id(item)] = (item, digest)
        self._reused.add(id(item))
        return item

    def track(self, item: Posting, digest: str) -> None:
        """Remember which raw object a freshly parsed item came from."""
        self._tracked[id(item)] = (item, digest)

    def is_reused(self, item: Posting) -> bool:
        """True for an item served from the cache (already normalised)."""
        entry = self._tracked.get(id(item))
        return entry is not None and entry[0] is item and id(item) in self._reused

    def keep(self, item: Posting) -> None:
        """Store an item that passed every pipeline, under its raw object's digest."""
        entry = self._tracked.pop(id(item), None)
        self._reused.discard(id(item))
        if entry is None or entry[0] is not item:
            return
        data = item.to_dict()
        data.pop("fetched_at", None)
        self.current[entry[1]] = data

    def forget(self, item: Any) -> None:
        """Drop the bookkeeping of an item that a pipeline dropped."""
        entry = self._tracked.get(id(item))
        if entry is not None and entry[0] is item:
            del self._tracked[id(item)]
            self._reused.discard(id(item))

    def save(self) -> None:
        """Write tonight's entries atomically (header line first)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as out:
            out.write(orjson.dumps({"context": self.context}) + b"\n")
            for digest, data in self.current.items():
                out.write(orjson.dumps({"k": digest, "p": data}) + b"\n")
        tmp.replace(self.path)
