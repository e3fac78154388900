"""Submit the nightly's work units to the run's task runner and gather their data.

The units (flows/tasks.py) run wherever the task runner puts them (flows/task_runner.py):
crawl partitions (a few sources in one crawl process each), extraction batches and
scoring partitions (a slice of the open postings against every candidate, merged into
the result of one pass by `matcher.scoring.topk.merge_partitions`). What comes back is
data; the warehouse load and publish stay with the flow.

Import this module only after `flows.runtime.configure_prefect` (it imports Prefect).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from prefect.task_runners import TaskRunner
from prefect.utilities.annotations import quote as prefect_quote

from crawlers.runner import CrawlResult
from crawlers.sources import Source
from flows.progress import emit
from flows.settings import Settings
from flows.task_runner import in_process, split, worker_count
from flows.tasks import (
    CrawledPartition,
    crawl_partition_task,
    explain_task,
    extract_batch_task,
    score_partition_task,
)
from matcher.models import Extraction, Posting
from matcher.profile import CandidateFacts
from matcher.scoring.config import ScoringConfig
from matcher.scoring.topk import (
    Scored,
    StoredMatch,
    context_hash,
    merge_partitions,
    unexplained,
)
from matcher.taxonomy import Taxonomy

T = TypeVar("T")


class PicklableQuote(prefect_quote[T]):
    """Prefect's `quote` (the task gets the value; Prefect does not walk it for futures)
    that also survives pickling to a Dask worker: prefect 3.8.8's annotations, tuples
    built from one value, come back from pickle wrapping a tuple of it.

    >>> import pickle
    >>> pickle.loads(pickle.dumps(PicklableQuote([1, 2]))).unquote()
    [1, 2]
    """

    __slots__ = ()

    def __getnewargs__(self) -> tuple[T]:  # type: ignore[override]
        return (self[0],)


def crawl_partitions(
    runner: TaskRunner[Any],
    settings: Settings,
    parts: Sequence[Sequence[Source]],
    crawl_dir: Path,
    *,
    alone: bool = False,
) -> dict[str, CrawledPartition]:
    """Crawl each partition of sources as one task; each source's partition, by key.

    The crawl logs come back as data and are written under `crawl_dir`. A task that
    crashed (its worker lost for good) leaves its sources failed, with the reason.
    """
    taxonomy_yaml = settings.taxonomy_path.read_bytes()
    futures = [
        runner.submit(
            crawl_partition_task,
            {
                "settings": settings,
                "sources": PicklableQuote(list(part)),
                "taxonomy_yaml": taxonomy_yaml,
                "alone": alone,
            },
        )
        for part in parts
    ]
    by_key: dict[str, CrawledPartition] = {}
    crawl_dir.mkdir(parents=True, exist_ok=True)
    for index, (part, future) in enumerate(zip(parts, futures, strict=True)):
        outcome = future.result(raise_on_failure=False)
        if not isinstance(outcome, CrawledPartition):
            error = f"crawl task crashed: {outcome!r}"
            outcome = CrawledPartition(
                {s.key: CrawlResult(s.key, False, errors=[error]) for s in part}
            )
        for name, text in outcome.logs.items():
            prefix = f"part{index}-" if len(parts) > 1 and not alone else ""
            (crawl_dir / f"{prefix}{name}").write_text(text, encoding="utf-8")
        by_key.update(dict.fromkeys(outcome.results, outcome))
    return by_key


def extract_fresh(
    runner: TaskRunner[Any], taxonomy: Taxonomy, fresh: list[Posting], settings: Settings
) -> list[Extraction]:
    """Extract the new or changed postings in batches, one task each; in their order.

    In this process, one batch (its tasks would share one interpreter); on a cluster, at
    least one batch per worker and at most `extract_task_size` postings a batch.
    """
    total = len(fresh)
    if not fresh:
        emit("extract", "nothing new or changed to extract", completed=0, total=0, done=True)
        return []
    local = in_process(settings)
    count = 1 if local else max(worker_count(runner), math.ceil(total / settings.extract_task_size))
    emit("extract", f"extracting {total} postings in {count} batches", completed=0, total=total)
    futures = [
        runner.submit(
            extract_batch_task,
            {
                "taxonomy": PicklableQuote(taxonomy),
                "postings": PicklableQuote(batch),
                "batch_size": settings.extract_batch_size,
                # spaCy's own processes cannot start inside a Dask worker (a daemon)
                "n_process": settings.extract_n_process if local else 1,
                "cache_dir": settings.nlp_cache_dir,
            },
        )
        for batch in split(fresh, count)
    ]
    out: list[Extraction] = []
    for future in futures:
        out.extend(future.result())
        emit("extract", f"extracted {len(out)}/{total}", completed=len(out), total=total)
    emit("extract", f"extracted {len(out)} postings", completed=total, total=total, done=True)
    return out


def score_open(
    runner: TaskRunner[Any],
    candidates: list[CandidateFacts],
    pairs: list[tuple[Posting, Extraction]],
    scoring: ScoringConfig,
    taxonomy: Taxonomy,
    settings: Settings,
    stored: Sequence[StoredMatch],
) -> Scored:
    """Score every candidate against every open posting: one partition of the postings per
    worker (its top K per posting explained there), then the candidates' best pairs that
    no posting's top K holds explained by their partition, merged into the result of one
    pass (matcher/scoring/topk.py)."""
    context = context_hash(taxonomy, scoring)
    if not candidates or not pairs:
        emit("score", "no candidates or no open postings to score", done=True)
        return Scored([], context)
    emit("score", f"scoring {len(candidates)} candidates x {len(pairs)} postings")
    slices: list[tuple[int, dict[str, Any]]] = []  # each partition's offset and inputs
    offset = 0
    for part in split(pairs, worker_count(runner)):
        ids = {p.id for p, _ in part}
        inputs = {
            "candidates": PicklableQuote(candidates),
            "pairs": PicklableQuote(part),
            "offset": offset,
            "config": PicklableQuote(scoring),
            "taxonomy": PicklableQuote(taxonomy),
            "stored": PicklableQuote([s for s in stored if s.match.posting_id in ids]),
        }
        slices.append((offset, inputs))
        offset += len(part)
    futures = [
        runner.submit(score_partition_task, {**inputs, "top_k": settings.top_k})
        for _, inputs in slices
    ]
    parts = [future.result() for future in futures]
    # a candidate's best pairs outside every posting's top K: explained where they live
    missing = unexplained(parts, len(candidates), len(pairs), settings.top_k)
    bounds = [start for start, _ in slices]
    wanted: dict[int, list[tuple[int, int]]] = {}
    for ci, pj in missing:
        wanted.setdefault(bisect_right(bounds, pj) - 1, []).append((ci, pj))
    explaining = [
        runner.submit(explain_task, {**slices[i][1], "wanted": wanted[i]}) for i in sorted(wanted)
    ]
    extra = {key: value for future in explaining for key, value in future.result().items()}
    scored = merge_partitions(parts, candidates, len(pairs), settings.top_k, context, extra)
    emit("score", f"{len(scored.matches)} matches ({scored.reused} explanations reused)", done=True)
    return scored
