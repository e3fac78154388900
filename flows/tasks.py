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
from typing import TYPE_CHECKING

from prefect import task
from prefect.cache_policies import NO_CACHE

from crawlers.runner import CrawlResult
from crawlers.sources import Source
from flows.crawl_settings import crawl_batch, recrawl_source
from flows.progress import emit
from flows.settings import Settings
from matcher.models import Extraction, Posting
from matcher.profile import CandidateFacts
from matcher.scoring.config import ScoringConfig
from matcher.scoring.topk import Scored, StoredMatch, context_hash, score_all
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


@task(name="score", cache_policy=NO_CACHE)
def score_task(
    candidates: Sequence[CandidateFacts],
    pairs: Sequence[tuple[Posting, Extraction]],
    config: ScoringConfig,
    taxonomy: Taxonomy,
    top_k: int,
    stored: Sequence[StoredMatch] = (),
) -> Scored:
    """Score every registered candidate against every open posting (top_k each).

    A kept pair whose `stored` match was explained from the same inputs reuses that
    explanation (matcher/scoring/topk.py); the others are explained anew.
    """
    if not candidates or not pairs:
        emit("score", "no candidates or no open postings to score", done=True)
        return Scored([], context_hash(taxonomy, config))
    emit("score", f"scoring {len(candidates)} candidates x {len(pairs)} postings")
    scored = score_all(
        list(candidates), list(pairs), config, top_k, taxonomy=taxonomy, stored=stored
    )
    emit("score", f"{len(scored.matches)} matches ({scored.reused} explanations reused)", done=True)
    return scored
