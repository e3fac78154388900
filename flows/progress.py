"""Progress events from the flows to whoever is watching in the same process.

The nightly flow reports each stage (`crawl`, `extract`, ...) through `emit`; by default
nobody listens and `emit` does nothing. The demo command installs a listener that drives
a rich progress display. A listener is process-local and never a flow parameter, so the
flows stay serialisable for Prefect deployments.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """One step of a stage: `completed` of `total` units (None when not countable)."""

    stage: str
    message: str
    completed: int | None = None
    total: int | None = None
    done: bool = False


Listener = Callable[[ProgressEvent], None]

_lock = threading.Lock()
_listeners: list[Listener] = []


def emit(
    stage: str,
    message: str,
    *,
    completed: int | None = None,
    total: int | None = None,
    done: bool = False,
) -> None:
    """Tell every listener about a step; listener errors never break the pipeline."""
    event = ProgressEvent(stage, message, completed, total, done)
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        try:
            listener(event)
        except Exception:  # a broken display must not fail a nightly run
            continue


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Install `listener` for the duration of the block.

    >>> seen = []
    >>> with listening(seen.append):
    ...     emit("crawl", "2 sources", completed=1, total=2)
    >>> emit("crawl", "nobody hears this")
    >>> [(e.stage, e.completed, e.total) for e in seen]
    [('crawl', 1, 2)]
    """
    with _lock:
        _listeners.append(listener)
    try:
        yield
    finally:
        with _lock:
            _listeners.remove(listener)
