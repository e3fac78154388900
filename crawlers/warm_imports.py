"""What the crawl fork server imports once, so that each forked crawl starts warm.

A crawl spends about 1.5 CPU-seconds importing Scrapy, Twisted, our spiders and the
components Scrapy loads by dotted path (middlewares, extensions, download handlers,
feed exporters); the crawl itself often takes less. The fork server
(crawlers/fork_server.py) imports this module and calls `warm_all()` once; every crawl is
then a fresh process forked from it, with its own reactor, log and hard timeout.

Nothing here may install a Twisted reactor: a forked crawl installs the one its
settings ask for, exactly as `scrapy crawl` does. `warm()` checks that.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any

import scrapy.cmdline
import scrapy.commands.crawl
import scrapy.crawler  # noqa: F401
from scrapy.settings import default_settings
from scrapy.utils.misc import load_object, walk_modules

import crawlers.settings as project_settings
import crawlers.spiders.ashby
import crawlers.spiders.greenhouse
import crawlers.spiders.jsonld
import crawlers.spiders.lever  # noqa: F401

#: Scrapy settings whose values name components (dicts of path -> order or key -> path).
_COMPONENT_SETTINGS = (
    "DOWNLOADER_MIDDLEWARES_BASE",
    "DOWNLOADER_MIDDLEWARES",
    "SPIDER_MIDDLEWARES_BASE",
    "SPIDER_MIDDLEWARES",
    "EXTENSIONS_BASE",
    "EXTENSIONS",
    "ITEM_PIPELINES_BASE",
    "ITEM_PIPELINES",
    "DOWNLOAD_HANDLERS_BASE",
    "FEED_EXPORTERS_BASE",
    "FEED_EXPORTERS",
    "FEED_STORAGES_BASE",
)


def component_paths(*modules: Any) -> Iterator[str]:
    """Dotted paths of the components named by the settings of `modules`.

    Upper-case string settings that look like dotted paths (`SCHEDULER`, `DUPEFILTER_CLASS`
    ...) and the keys or values of the component dicts above.

    >>> class S:
    ...     EXTENSIONS = {"a.b.C": 1, "a.b.Off": None}
    ...     DOWNLOAD_HANDLERS_BASE = {"http": "x.y.Handler"}
    ...     SCHEDULER = "s.t.Scheduler"
    ...     LOG_LEVEL = "INFO"
    >>> sorted(component_paths(S))
    ['a.b.C', 's.t.Scheduler', 'x.y.Handler']
    """
    for module in modules:
        for name in dir(module):
            if not name.isupper():
                continue
            value = getattr(module, name)
            if isinstance(value, str) and _looks_dotted(value):
                yield value
            elif name in _COMPONENT_SETTINGS and isinstance(value, dict):
                for key, item in value.items():
                    if item is None:
                        continue
                    yield item if isinstance(item, str) else key


def _looks_dotted(value: str) -> bool:
    parts = value.split(".")
    return len(parts) >= 3 and all(part.isidentifier() for part in parts)


def warm(paths: Iterable[str]) -> list[str]:
    """Import every component in `paths`; return the ones that would not load.

    A path that fails to import is skipped (the crawl will report it, as it always
    would). Raises RuntimeError if anything installed a Twisted reactor.
    """
    failed: list[str] = []
    for path in paths:
        try:
            load_object(path)
        except Exception:  # an optional component (boto, brotli ...) not installed
            failed.append(path)
    if "twisted.internet.reactor" in sys.modules:
        raise RuntimeError("warming the crawl imports installed a Twisted reactor")
    return failed


def warm_all() -> list[str]:
    """Import Scrapy's commands (`scrapy.cmdline` walks them all on every run) and every
    component Scrapy's defaults and our settings name; return the ones that would not load.
    """
    walk_modules("scrapy.commands")
    return warm(component_paths(default_settings, project_settings))
