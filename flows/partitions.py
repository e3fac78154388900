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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from prefect.task_runners import TaskRunner

from crawlers.runner import CrawlResult
from crawlers.sources import Source
from flows.progress import emit
from flows.settings import Settings
from flows.task_runner import in_process, split, worker_count
from flows.tasks import (
    CrawledPartition,
    Opaque,
    crawl_partition_task,
    explain_task,
    extract_batch_task,
    score_partition_task,
)
from matcher.models import Extraction, Match, Posting
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
                "sources": Opaque(list(part)),
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


def batch_count(total: int, workers: int, size: int) -> int:
    """How many batches of at most `size` to cut `total` postings in for `workers`: a
    multiple of `workers`, so that every worker gets as many batches (of near-equal size)
    and none waits for the last one.

    >>> batch_count(1500, 2, 500), batch_count(6672, 2, 500), batch_count(10, 4, 500)
    (4, 14, 4)
    """
    return workers * math.ceil(total / (workers * size))


def task_count(runner: TaskRunner[Any], settings: Settings, total: int, size: int) -> int:
    """How many tasks to cut `total` postings in: one in this process (its tasks would
    share one interpreter), `batch_count` of `size` on a cluster."""
    if in_process(settings):
        return 1
    return batch_count(total, worker_count(runner), size)


def extract_fresh(
    runner: TaskRunner[Any], taxonomy: Taxonomy, fresh: list[Posting], settings: Settings
) -> list[Extraction]:
    """Extract the new or changed postings in batches, one task each; in their order.

    `task_count` batches of `extract_task_size`.
    """
    total = len(fresh)
    if not fresh:
        emit("extract", "nothing new or changed to extract", completed=0, total=0, done=True)
        return []
    count = task_count(runner, settings, total, settings.extract_task_size)
    emit("extract", f"extracting {total} postings in {count} batches", completed=0, total=total)
    taxonomy_box = Opaque(taxonomy)
    futures = [
        runner.submit(
            extract_batch_task,
            {
                "taxonomy": taxonomy_box,
                "postings": Opaque(batch),
                "batch_size": settings.extract_batch_size,
                # spaCy's own processes cannot start inside a Dask worker (a daemon)
                "n_process": settings.extract_n_process if in_process(settings) else 1,
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
    """Score every candidate against every open posting, merged into the result of one
    pass (matcher/scoring/topk.py): `task_count` partitions of the postings (on a
    cluster, several a worker: one that finishes early takes the next, and results come
    back while others run), each explaining its top K
    per posting, then the candidates' best pairs that no posting's top K holds
    (`explain_missing`)."""
    context = context_hash(taxonomy, scoring)
    if not candidates or not pairs:
        emit("score", "no candidates or no open postings to score", done=True)
        return Scored([], context)
    emit("score", f"scoring {len(candidates)} candidates x {len(pairs)} postings")
    shared = {"candidates": Opaque(candidates), "taxonomy": Opaque(taxonomy)}
    by_posting = _by_posting(stored)
    futures = []
    offset = 0
    count = task_count(runner, settings, len(pairs), settings.score_task_size)
    for part in split(pairs, count):
        inputs = {
            **shared,
            "pairs": Opaque(part),
            "offset": offset,
            "config": scoring,
            "top_k": settings.top_k,
            "stored": Opaque(_stored_for(by_posting, part)),
        }
        futures.append(runner.submit(score_partition_task, inputs))
        offset += len(part)
    parts = [future.result() for future in futures]
    missing = unexplained(parts, len(candidates), len(pairs), settings.top_k)
    extra = explain_missing(runner, shared, scoring, pairs, by_posting, missing)
    scored = merge_partitions(parts, candidates, len(pairs), settings.top_k, context, extra)
    emit("score", f"{len(scored.matches)} matches ({scored.reused} explanations reused)", done=True)
    return scored


def _by_posting(stored: Sequence[StoredMatch]) -> dict[str, list[StoredMatch]]:
    """The stored matches by posting id (looked up once per partition)."""
    out: dict[str, list[StoredMatch]] = {}
    for row in stored:
        out.setdefault(row.match.posting_id, []).append(row)
    return out


def _stored_for(
    by_posting: dict[str, list[StoredMatch]], pairs: Sequence[tuple[Posting, Extraction]]
) -> list[StoredMatch]:
    """The stored matches of the postings in `pairs`."""
    return [row for posting, _ in pairs for row in by_posting.get(posting.id, ())]


def explain_missing(
    runner: TaskRunner[Any],
    shared: dict[str, Opaque[Any]],
    scoring: ScoringConfig,
    pairs: list[tuple[Posting, Extraction]],
    by_posting: dict[str, list[StoredMatch]],
    missing: list[tuple[int, int]],
) -> dict[tuple[int, int], tuple[Match, bool]]:
    """Explain the `missing` pairs (candidate index, posting index): one task per worker,
    each with as many pairs and only the postings they name, by key.

    A candidate's best postings cluster in no partition, so the pairs are cut evenly
    (by posting, so that a task gets few postings), not by the partition they lie in.
    """
    chunks = split(sorted(missing, key=lambda pair: (pair[1], pair[0])), worker_count(runner))
    futures = []
    for chunk in chunks:
        needed = sorted({pj for _, pj in chunk})
        index = {pj: j for j, pj in enumerate(needed)}
        some = [pairs[pj] for pj in needed]
        inputs = {
            **shared,
            "pairs": Opaque(some),
            "config": scoring,
            "stored": Opaque(_stored_for(by_posting, some)),
            "wanted": Opaque([(ci, index[pj]) for ci, pj in chunk]),
        }
        futures.append((needed, runner.submit(explain_task, inputs)))
    return {
        (ci, needed[j]): value
        for needed, future in futures
        for (ci, j), value in future.result().items()
    }
