"""Pause Python's cyclic garbage collector while building many objects that stay alive.

Building 100,000s of small objects (requirements read from the warehouse, ask rows for
scoring) triggers collection after collection that walk the whole heap and free nothing.
Reference counting still frees everything while the collector is paused.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the collector for the block; switch it back on (if it was on), even on error.

    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
