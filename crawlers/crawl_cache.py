"""Incremental crawl cache: last night's parse of every raw API object that did not change.

Board APIs return every posting every night, and most of them are byte-identical to the
night before. A spider asks the cache before building a Posting from a raw API object
(`BoardSpider.from_raw`): when the object's digest (SHA-1 of its canonical JSON) was
kept last night, the stored, already normalised Posting is served again (with a fresh
`fetched_at`) and the normalisation pipeline leaves it alone; the validation, title
filter and dedup pipelines still run on it. Otherwise the object is parsed as usual and,
once it has passed every pipeline, stored for the next night.

One file per source (`TPM_CRAWL_CACHE`, set by the runner), JSON Lines: a header line
with the context (format version, spider, its arguments, a digest of the parsing code),
then one `{"k": digest, "p": posting}` per kept posting. A file whose context differs
(another spider version, other arguments) is ignored; an unreadable file is ignored too:
the cache only ever saves time, it never changes what a crawl yields. It is rewritten
only when the spider finished cleanly.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import orjson

from crawlers.items import posting_row
from matcher.models import Posting

logger = logging.getLogger(__name__)

#: Bump when the cached form of a posting changes meaning.
CACHE_VERSION = 1
_PACKAGE = Path(__file__).resolve().parent
#: The code that turns a raw API object into a normalised Posting: a change to any of
#: these files invalidates every cache.
PARSING_CODE: tuple[Path, ...] = (
    _PACKAGE / "normalise.py",
    _PACKAGE / "pipelines" / "normalisation.py",
    _PACKAGE / "pipelines" / "validation.py",
    _PACKAGE / "spiders" / "base.py",
    _PACKAGE.parent / "matcher" / "text.py",
    _PACKAGE.parent / "matcher" / "models.py",
)


def raw_digest(raw: Any) -> str:
    """SHA-1 of a raw API object's canonical JSON (key order does not matter).

    >>> raw_digest({"a": 1, "b": [2]}) == raw_digest({"b": [2], "a": 1})
    True
    >>> raw_digest({"a": 1}) == raw_digest({"a": 2})
    False
    """
    blob = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()


def code_digest(paths: Iterable[Path]) -> str:
    """SHA-1 over the bytes of the parsing code (a missing file counts as empty)."""
    digest = hashlib.sha1()
    for path in paths:
        digest.update(path.name.encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<missing>")
    return digest.hexdigest()


def cache_context(spider: str, spider_file: Path, args: Mapping[str, Any]) -> dict[str, Any]:
    """What must be equal for last night's parse to be valid tonight."""
    return {
        "version": CACHE_VERSION,
        "spider": spider,
        "args": {k: args[k] for k in sorted(args)},
        "code": code_digest([*PARSING_CODE, spider_file]),
    }


class CrawlCache:
    """Raw-object digest -> normalised posting, read from last night, written for tonight."""

    def __init__(self, path: Path, context: dict[str, Any]) -> None:
        self.path = Path(path)
        self.context = context
        self.previous: dict[str, dict[str, Any]] = {}
        self.current: dict[str, dict[str, Any]] = {}
        # id(item) -> (item, digest): the item is held so that its id() is not reused
        self._tracked: dict[int, tuple[Posting, str]] = {}
        self._reused: set[int] = set()
        self.hits = 0
        self.misses = 0

    @classmethod
    def open(cls, path: Path, context: dict[str, Any]) -> CrawlCache:
        """The cache at `path`, with last night's entries when its context matches."""
        cache = cls(path, context)
        cache.previous = cache._load()
        return cache

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
            item = Posting.from_dict({**stored, "fetched_at": fetched_at})
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
        data = posting_row(item)
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
