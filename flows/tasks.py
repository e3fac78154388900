"""The Prefect tasks of the nightly flow: crawl the sources, read their output, extract, score.

Each task is a thin wrapper around the room that does the work (crawlers, matcher); the
business rules live there. Large inputs are passed wrapped in `quote()` by the flow so
that Prefect does not walk them looking for futures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from prefect import task
from prefect.cache_policies import NO_CACHE

from crawlers.runner import CrawlResult
from crawlers.sources import Source
from flows.crawl_settings import crawl_batch, recrawl_source
from flows.progress import emit
from flows.settings import Settings
from matcher.models import Extraction, Match, Posting
from matcher.scoring_memo import ExplainMemo, memo_context
from matcher.taxonomy import Taxonomy
from matcher.wire import WireError, parse_line

if TYPE_CHECKING:
    from matcher.extract import Extractor


def _crawl_run_name() -> str:
    from prefect.runtime import task_run

    source = task_run.parameters.get("source")
    return f"recrawl-{getattr(source, 'key', 'source')}"


@task(name="crawl", cache_policy=NO_CACHE)
def crawl_task(settings: Settings, sources: list[Source], out_dir: Path) -> dict[str, CrawlResult]:
    """Crawl every source in one crawl process (flows/crawl_settings.py); results by key.

    The crawl process has its own hard timeout: Prefect's task timeouts cannot stop
    blocking code. A failed source is in the results with `ok=False`; it never raises.
    """
    return crawl_batch(settings, sources, out_dir)


@task(name="recrawl-source", task_run_name=_crawl_run_name, cache_policy=NO_CACHE)
def recrawl_task(settings: Settings, source: Source, out_dir: Path) -> CrawlResult:
    """Crawl a failed source again alone (`crawl_retries` times, delay doubling)."""
    return recrawl_source(settings, source, out_dir)


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


@task(name="extract", cache_policy=NO_CACHE)
def extract_task(
    taxonomy: Taxonomy,
    postings: Sequence[Posting],
    batch_size: int,
    n_process: int,
    cache_dir: Path | None = None,
    warmed: Future[Extractor] | None = None,
) -> list[Extraction]:
    """Extract requirements from `postings` (only the new or changed ones are passed).

    `warmed` is an Extractor being built in the background (see `warm_extractor`); without
    it the extractor is built here.
    """
    if not postings:
        emit("extract", "nothing new or changed to extract", completed=0, total=0, done=True)
        return []
    total = len(postings)
    emit("extract", f"loading the spaCy pipeline for {total} postings", completed=0, total=total)
    extractor = warmed.result() if warmed is not None else build_extractor(taxonomy, cache_dir)
    items: Iterable[tuple[str, str, str]] = ((p.id, p.description_text, p.title) for p in postings)
    out: list[Extraction] = []
    step = max(1, total // 50)
    for extraction in extractor.extract_many(items, batch_size=batch_size, n_process=n_process):
        out.append(extraction)
        if len(out) % step == 0 or len(out) == total:
            emit("extract", f"extracted {len(out)}/{total}", completed=len(out), total=total)
    emit("extract", f"extracted {len(out)} postings", completed=total, total=total, done=True)
    return out


def build_extractor(taxonomy: Taxonomy, cache_dir: Path | None) -> Extractor:
    """The extractor for `taxonomy` (imports spaCy; loads the pipeline from `cache_dir`)."""
    from matcher.extract import Extractor

    return Extractor(taxonomy, cache_dir=cache_dir)


def warm_extractor(
    pool: ThreadPoolExecutor, taxonomy: Taxonomy, cache_dir: Path | None
) -> Future[Extractor]:
    """Start building the extractor on `pool` (while the crawls run in other processes).

    Importing spaCy and loading the pipeline take a few CPU-seconds that the crawl stage,
    mostly waiting on its crawl processes, leaves free in this one.
    """
    return pool.submit(build_extractor, taxonomy, cache_dir)


def load_memo(path: Path | None, context: str) -> ExplainMemo | None:
    """The explanation memo stored at `path` for `context` (empty when absent or stale).

    None when `path` is None (no memo). An unreadable file is ignored: the memo only
    saves time.
    """
    if path is None:
        return None
    try:
        data = orjson.loads(path.read_bytes())
        if data.get("context") != context:
            return ExplainMemo()
        previous = {key: Match(*row) for key, row in data["matches"].items()}
        if not all(map(_well_formed, previous.values())):
            raise ValueError("a stored explanation has the wrong shape")
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return ExplainMemo()
    return ExplainMemo(previous=previous)


_ROW_TYPES = (str, str, (int, float), dict, list, list, list)


def _well_formed(match: Match) -> bool:
    """True when a stored row has Match's types (a torn or edited file is not trusted)."""
    values = (
        match.candidate_id,
        match.posting_id,
        match.score,
        match.breakdown,
        match.matched,
        match.missing_required,
        match.missing_preferred,
    )
    return match.rank is None and all(
        isinstance(v, t) and not isinstance(v, bool)
        for v, t in zip(values, _ROW_TYPES, strict=True)
    )


def save_memo(path: Path, context: str, memo: ExplainMemo) -> None:
    """Store tonight's explanations (only the pairs kept tonight) atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    matches = {  # rows in Match's field order: far quicker than asdict for 10,000s
        key: [
            m.candidate_id,
            m.posting_id,
            m.score,
            m.breakdown,
            m.matched,
            m.missing_required,
            m.missing_preferred,
        ]
        for key, m in memo.current.items()
    }
    tmp.write_bytes(orjson.dumps({"context": context, "matches": matches}))
    tmp.replace(path)


@task(name="score", cache_policy=NO_CACHE)
def score_task(
    candidates: Sequence[Any],
    pairs: Sequence[tuple[Posting, Extraction]],
    config: Any,
    taxonomy: Taxonomy,
    top_k: int,
    memo_path: Path | None = None,
) -> list[Match]:
    """Score every registered candidate against every open posting (top_k each).

    With `memo_path`, kept pairs unchanged since the last run reuse their stored
    explanation (matcher/scoring_memo.py), and tonight's are stored there.
    """
    from matcher.gc_pause import collector_paused
    from matcher.scoring_matrix import score_all

    if not candidates or not pairs:
        emit("score", "no candidates or no open postings to score", done=True)
        return []
    emit("score", f"scoring {len(candidates)} candidates x {len(pairs)} postings")
    context = memo_context(taxonomy, config)
    with collector_paused():  # 10,000s of small objects: no full GC passes over the heap
        memo = load_memo(memo_path, context)
        matches = score_all(
            list(candidates), list(pairs), config, top_k, taxonomy=taxonomy, memo=memo
        )
        if memo is not None and memo_path is not None:
            try:
                save_memo(memo_path, context, memo)
            except OSError as exc:
                emit("score", f"could not store the explanation memo {memo_path}: {exc}")
    reused = f" ({memo.hits} explanations reused)" if memo is not None else ""
    emit("score", f"{len(matches)} matches{reused}", done=True)
    return matches
