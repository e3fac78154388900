"""The work units of the nightly flow: crawl partitions, extraction batches, scoring partitions.

Each unit is a Prefect task that takes and returns data, never a path on the flow's
machine, so it runs wherever the flow's task runner puts it (flows/task_runner.py): in
the flow's process, or on any worker of a Dask cluster, which may be another machine.
Caches named in the settings (`work_dir`: the crawl cache, the built spaCy pipelines)
are per machine. Each unit is a thin wrapper around the room that does the work
(crawlers, matcher); the business rules live there. The flow passes large inputs in an
`Opaque` box, so that neither Prefect nor Dask walks them object by object.
"""

from __future__ import annotations

import pickle
import tempfile
import threading
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from prefect import task
from prefect.cache_policies import NO_CACHE

from crawlers.runner import CrawlResult
from crawlers.sources import Source
from flows.crawl_settings import crawl_batch, recrawl_source
from flows.settings import Settings
from matcher.models import Extraction, Match, Posting
from matcher.profile import CandidateFacts
from matcher.scoring.config import ScoringConfig
from matcher.scoring.topk import PartialScores, StoredMatch, explain_pairs, score_partition
from matcher.taxonomy import Taxonomy
from matcher.wire import WireError, parse_line

if TYPE_CHECKING:
    from matcher.extract import Extractor

T = TypeVar("T")

#: Scores held at once per scoring block (postings x candidates, float64): 16 MiB, so a
#: worker's memory does not grow with the number of candidates.
BLOCK_CELLS = 2**21

#: The extractors built in this process, by taxonomy `content_hash` (one per worker).
_EXTRACTORS: dict[str, Extractor] = {}
_EXTRACTORS_LOCK = threading.Lock()


class Opaque(Generic[T]):
    """A task's large input, which Prefect and Dask pass on without looking inside.

    Before a task runs, Prefect walks its parameters looking for futures to wait on, and
    Dask names it by hashing them; both go object by object through lists, dicts,
    dataclasses and models, which for a partition of postings with their extractions
    cost the flow more CPU than the task itself took on its worker (seconds per
    partition of a thousand postings). An `Opaque` is one object to both: Prefect does
    not walk a plain object, and Dask names it by `__dask_tokenize__` (Dask's protocol
    for this: a token made once, kept by copies). In the flow's own process the task
    reads the very value. Sent to a worker, it travels as one pickled blob, made once
    and unpickled by the task's first `.value`, so Dask's scheduler, which unpickles
    and re-pickles every task it receives, handles bytes, not postings.

    >>> import pickle
    >>> box = Opaque([1, 2])
    >>> box.value, pickle.loads(pickle.dumps(box)).value
    ([1, 2], [1, 2])
    """

    __slots__ = ("_blob", "_token", "_value")

    def __init__(self, value: T) -> None:
        self._value: T | None = value
        self._blob: bytes | None = None
        self._token = uuid.uuid4().hex

    @property
    def value(self) -> T:
        """The boxed value (unpickled on first use in a copy)."""
        if self._value is None and self._blob is not None:
            self._value = pickle.loads(self._blob)  # pickled by `__reduce__` in this flow
        return cast("T", self._value)

    def __reduce__(self) -> tuple[Callable[[str, bytes], Opaque[T]], tuple[str, bytes]]:
        if self._blob is None:
            self._blob = pickle.dumps(self._value, protocol=pickle.HIGHEST_PROTOCOL)
        return _opaque_copy, (self._token, self._blob)

    def __dask_tokenize__(self) -> str:
        """Dask's name for this input: the same for this box and its copies."""
        return self._token


def _opaque_copy(token: str, blob: bytes) -> Opaque[Any]:
    """An `Opaque` unpickled: it holds the blob until its value is read."""
    box: Opaque[Any] = Opaque(None)
    box._token, box._blob = token, blob
    return box


def _crawl_run_name() -> str:
    from prefect.runtime import task_run

    box = task_run.parameters.get("sources")
    sources = box.value if isinstance(box, Opaque) else []
    first = getattr(sources[0], "key", "source") if sources else "nothing"
    more = f"+{len(sources) - 1}" if len(sources) > 1 else ""
    prefix = "recrawl" if task_run.parameters.get("alone") else "crawl"
    return f"{prefix}-{first}{more}"


@dataclass(slots=True)
class CrawledPartition:
    """A crawl partition's outcome as data: each source's result (paths cleared), its
    postings and the output lines that could not be read, by source key; the crawl
    logs by file name."""

    results: dict[str, CrawlResult]
    postings: dict[str, list[Posting]] = field(default_factory=dict)
    read_errors: dict[str, list[str]] = field(default_factory=dict)
    logs: dict[str, str] = field(default_factory=dict)


@task(name="crawl-partition", task_run_name=_crawl_run_name, cache_policy=NO_CACHE)
def crawl_partition_task(
    settings: Settings, sources: Opaque[list[Source]], taxonomy_yaml: bytes, alone: bool = False
) -> CrawledPartition:
    """Crawl `sources` in one crawl process in a temporary directory; return what it gave.

    `taxonomy_yaml` is the taxonomy file's content (the title filter reads it; a worker
    may have no copy). With `alone`, each source is a failed one crawled again by itself
    (`crawl_retries` times, delay doubling). The crawl process has its own hard timeout;
    a failed source has `ok=False`, it never raises.
    """
    with tempfile.TemporaryDirectory(prefix="tpm-crawl-") as tmp:
        out_dir = Path(tmp)
        taxonomy_path = out_dir / "skills_taxonomy.yaml"
        taxonomy_path.write_bytes(taxonomy_yaml)
        local = settings.model_copy(update={"taxonomy_path": taxonomy_path})
        if alone:
            results = {s.key: recrawl_source(local, s, out_dir) for s in sources.value}
        else:
            results = crawl_batch(local, sources.value, out_dir)
        out = CrawledPartition(results)
        for key, result in results.items():
            read = read_postings(result.out_path) if result.out_path else ReadResult()
            out.postings[key], out.read_errors[key] = read.postings, read.errors
            result.out_path = result.log_path = None
        for log in sorted(out_dir.glob("*.log")):
            out.logs[log.name] = log.read_text(encoding="utf-8", errors="replace")
    return out


@dataclass(slots=True)
class ReadResult:
    """Postings read from one crawl output, and the lines that could not be read."""

    postings: list[Posting] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_postings(path: Path) -> ReadResult:
    """Read a crawl's JSON Lines; a bad line is reported (file:line) and skipped."""
    out = ReadResult()
    if not path.exists():
        return out
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                out.postings.append(parse_line(Posting, line))
            except WireError as exc:
                out.errors.append(f"{path}:{number}: not a posting ({exc})")
    return out


def build_extractor(taxonomy: Taxonomy, cache_dir: Path | None) -> Extractor:
    """The extractor for `taxonomy` (imports spaCy; loads the pipeline from `cache_dir`)."""
    from matcher.extract import Extractor

    return Extractor(taxonomy, cache_dir=cache_dir)


def cached_extractor(taxonomy: Taxonomy, cache_dir: Path | None) -> Extractor:
    """This process's extractor for `taxonomy`, built on first use (once per worker)."""
    with _EXTRACTORS_LOCK:
        extractor = _EXTRACTORS.get(taxonomy.content_hash)
        if extractor is None:
            extractor = _EXTRACTORS[taxonomy.content_hash] = build_extractor(taxonomy, cache_dir)
    return extractor


def warm_extractor(
    pool: ThreadPoolExecutor, taxonomy: Taxonomy, cache_dir: Path | None
) -> Future[Extractor]:
    """Start building this process's extractor on `pool` (while the crawls run elsewhere).

    Importing spaCy and loading the pipeline take a few CPU-seconds that the crawl stage,
    mostly waiting on its crawl processes, leaves free in this one. Useful when the
    extraction batches run in this process (no Dask cluster).
    """
    return pool.submit(cached_extractor, taxonomy, cache_dir)


@task(name="extract-batch", cache_policy=NO_CACHE)
def extract_batch_task(
    taxonomy: Opaque[Taxonomy],
    postings: Opaque[Sequence[Posting]],
    batch_size: int,
    n_process: int,
    cache_dir: Path | None = None,
) -> list[Extraction]:
    """Extract the requirements of a batch of postings, in their order.

    The spaCy pipeline is built once per worker process (`cached_extractor`).
    """
    batch = postings.value
    if not batch:
        return []
    extractor = cached_extractor(taxonomy.value, cache_dir)
    items = ((p.id, p.description_text, p.title) for p in batch)
    return list(extractor.extract_many(items, batch_size=batch_size, n_process=n_process))


@task(name="score-partition", cache_policy=NO_CACHE)
def score_partition_task(
    candidates: Opaque[list[CandidateFacts]],
    pairs: Opaque[list[tuple[Posting, Extraction]]],
    offset: int,
    config: ScoringConfig,
    taxonomy: Opaque[Taxonomy],
    top_k: int,
    stored: Opaque[list[StoredMatch]],
) -> PartialScores:
    """Score every candidate against a partition of the open postings (starting at
    `offset` of all of them): its top K per candidate and per posting, explained.

    A kept pair whose `stored` match was explained from the same inputs reuses that
    explanation; `matcher.scoring.topk.merge_partitions` joins the partitions.
    """
    people = candidates.value
    block = max(16, min(1024, BLOCK_CELLS // max(1, len(people))))
    return score_partition(
        people,
        pairs.value,
        config,
        top_k,
        taxonomy=taxonomy.value,
        offset=offset,
        block=block,
        stored=stored.value,
    )


@task(name="explain", cache_policy=NO_CACHE)
def explain_task(
    candidates: Opaque[list[CandidateFacts]],
    pairs: Opaque[list[tuple[Posting, Extraction]]],
    config: ScoringConfig,
    taxonomy: Opaque[Taxonomy],
    stored: Opaque[list[StoredMatch]],
    wanted: Opaque[list[tuple[int, int]]],
) -> dict[tuple[int, int], tuple[Match, bool]]:
    """Explain the `wanted` pairs (candidate index, index in `pairs`): candidates' best
    pairs outside every posting's top K, with whether each explanation was reused."""
    return explain_pairs(
        candidates.value,
        pairs.value,
        wanted.value,
        config,
        taxonomy=taxonomy.value,
        stored=stored.value,
    )
