"""Spiders, one module per job-board type. They only parse; pipelines do the rest.

Each spider class declares its `source_type` (the `type:` of a sources.yaml entry) and
its `board_arg` (the field naming the board); `registry()` collects them, and
`crawlers/sources.py`, the demo board and the docs derive the list of types from it. A
new ATS is one module here plus demo data under `crawlers/demo/boards/<type>/`.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawlers.spiders.base import BoardSpider


@cache
def registry() -> dict[str, type[BoardSpider]]:
    """Every spider of this package by source type (modules are imported on first call)."""
    from crawlers.spiders.base import BoardSpider

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    found: dict[str, type[BoardSpider]] = {}
    pending = list(BoardSpider.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.source_type and cls.__module__.startswith(__name__ + "."):
            found[cls.source_type] = cls
    return dict(sorted(found.items()))
