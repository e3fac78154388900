"""Extraction on several processes, started with `spawn`.

spaCy's own `nlp.pipe(n_process=...)` forks the calling process and sends every Doc back
through a pipe. Forking a process that runs threads (a Prefect flow, an HTTP server)
can leave a child holding a lock forever or crash it ("W127: not all worker processes
completed"), and pickling Docs costs more than the matching. Here each worker is a fresh
interpreter that builds its own extractor once (the built pipeline is loaded from the
on-disk cache when there is one) and sends back only the small `Extraction` objects.

This module does not import `matcher.extract`: the caller passes `build`, a picklable
callable that makes the worker's extractor (e.g. a `functools.partial` of the class).
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Protocol

from matcher.models import Extraction

Item = tuple[str, str, str | None]


class ChunkExtractor(Protocol):
    """What a worker needs of `matcher.extract.Extractor`."""

    def extract_many(self, items: Iterable[Item], *, batch_size: int) -> Iterator[Extraction]: ...


_worker: ChunkExtractor | None = None


def _init_worker(build: Callable[[], ChunkExtractor]) -> None:
    """Build the worker's extractor once, when the process starts."""
    global _worker
    _worker = build()


def _extract_chunk(chunk: list[Item], batch_size: int) -> list[Extraction]:
    assert _worker is not None, "worker used before its initializer ran"
    return list(_worker.extract_many(chunk, batch_size=batch_size))


def extract_parallel(
    items: Iterable[Item],
    *,
    build: Callable[[], ChunkExtractor],
    n_process: int,
    batch_size: int,
) -> Iterator[Extraction]:
    """Extract items on `n_process` spawned workers, yielding in input order.

    At most two chunks per worker are in flight, so a long input stream is never read
    into memory whole.
    """
    context = multiprocessing.get_context("spawn")
    stream = iter(items)
    pending: deque[Future[list[Extraction]]] = deque()
    with ProcessPoolExecutor(
        max_workers=n_process,
        mp_context=context,
        initializer=_init_worker,
        initargs=(build,),
    ) as pool:
        while True:
            while len(pending) < 2 * n_process:
                chunk = list(islice(stream, batch_size))
                if not chunk:
                    break
                pending.append(pool.submit(_extract_chunk, chunk, batch_size))
            if not pending:
                return
            yield from pending.popleft().result()
