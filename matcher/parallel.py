"""Extraction on several processes, started with `spawn`.

spaCy's own `nlp.pipe(n_process=...)` forks the calling process and sends every Doc back
through a pipe. Forking a process that runs threads (a Prefect flow, an HTTP server)
can leave a child holding a lock forever or crash it ("W127: not all worker processes
completed"), and pickling Docs costs more than the matching. Here each worker is a fresh
interpreter that builds its own Extractor once (the built pipeline is loaded from the
on-disk cache when there is one) and sends back only the small `Extraction` objects.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from matcher.models import Extraction
from matcher.taxonomy import Taxonomy

if TYPE_CHECKING:
    from matcher.cues import Cues
    from matcher.extract import Extractor

Item = tuple[str, str, str | None]

_worker: Extractor | None = None


def _init_worker(taxonomy: Taxonomy, cache_dir: Path | None, cues: Cues) -> None:
    """Build the worker's Extractor once, when the process starts."""
    global _worker
    from matcher.extract import Extractor

    _worker = Extractor(taxonomy, cache_dir=cache_dir, cues=cues)


def _extract_chunk(chunk: list[Item], batch_size: int) -> list[Extraction]:
    assert _worker is not None, "worker used before its initializer ran"
    return list(_worker.extract_many(chunk, batch_size=batch_size))


def extract_parallel(
    items: Iterable[Item],
    *,
    taxonomy: Taxonomy,
    cache_dir: Path | None,
    cues: Cues,
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
        initargs=(taxonomy, cache_dir, cues),
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
