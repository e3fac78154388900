"""The Prefect tasks of the nightly flow: crawl one source, read its output, extract, score.

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

from prefect import task
from prefect.cache_policies import NO_CACHE

from crawlers.launch import LauncherName
from crawlers.runner import CrawlResult, crawl_source
from crawlers.sources import Source
from flows.progress import emit
from matcher.models import Extraction, Posting
from matcher.profile import CandidateFacts
from matcher.scoring.config import ScoringConfig
from matcher.scoring.topk import Scored, StoredMatch, context_hash, score_all
from matcher.taxonomy import Taxonomy
from matcher.wire import WireError, parse_line

if TYPE_CHECKING:
    from matcher.extract import Extractor


class CrawlFailed(RuntimeError):
    """A crawl that ended badly; carries the CrawlResult so the flow can record it."""

    def __init__(self, result: CrawlResult) -> None:
        errors = "; ".join(str(e) for e in result.errors) or "no error message"
        super().__init__(f"crawl of {result.source_key} failed: {errors}")
        self.result = result


def _crawl_run_name() -> str:
    from prefect.runtime import task_run

    source = task_run.parameters.get("source")
    return f"crawl-{getattr(source, 'key', 'source')}"


@task(name="crawl-source", task_run_name=_crawl_run_name, cache_policy=NO_CACHE)
def crawl_source_task(
    source: Source,
    out_path: Path,
    timeout_s: float,
    all_titles: bool = False,
    settings_overrides: dict[str, Any] | None = None,
    cache_path: Path | None = None,
    pycache_dir: Path | None = None,
    launcher: LauncherName = "fork",
) -> CrawlResult:
    """Crawl one source into `out_path` (JSON Lines) in a Scrapy process of its own.

    The subprocess has its own hard timeout (`timeout_s`): Prefect's task timeouts cannot
    stop blocking code. A crawl that is not ok raises CrawlFailed, so Prefect retries it
    with backoff; the flow records the last failure and carries on with the others.
    `cache_path` is the source's incremental crawl cache (crawlers/crawl_cache.py);
    `pycache_dir` keeps the subprocess's bytecode (crawlers.runner.crawl_env); `launcher`
    forks the crawl from a warm server or starts a new interpreter (crawlers/launch.py).
    """
    out_path.parent.mkdir(parents=True, exist_ok=True)
    result = crawl_source(
        source,
        out_path,
        timeout_s=timeout_s,
        all_titles=all_titles,
        settings_overrides=settings_overrides,
        cache_path=cache_path,
        pycache_dir=pycache_dir,
        launcher=launcher,
    )
    if not result.ok:
        raise CrawlFailed(result)
    return result


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
