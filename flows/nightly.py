"""The nightly flow: crawl every source, extract what changed, dedup, load, score, publish.

Order (ARCHITECTURE.md): one crawl task per source (a Scrapy process of its own, forked
from a warm server, with its own hard timeout, retried with backoff; a failing source is
recorded and the others go on; meanwhile the extractor is built in a background thread)
→ read each source's JSON Lines as its crawl ends → keep postings whose `content_hash` is
new or changed against the warehouse → extract those → load into a staging copy of the
warehouse (upserts, `last_seen`, `closed_at`, rejected rows) → cross-source dedup →
score every registered candidate against the open postings (reusing the stored
explanation of each pair whose inputs are unchanged) → record the run → publish
atomically → a Prefect markdown artifact. Anything that fails before `publish()`
discards the staging copy, so yesterday's warehouse stays as it was; the failed run is
then recorded on its own.

Import this module only after `flows.runtime.configure_prefect` (it imports Prefect).

No `from __future__ import annotations` here: Prefect validates the flow's parameters
against its real annotations (`Settings`), and a string annotation cannot be resolved
when a served deployment loads the flow by entrypoint.
"""

import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.futures import PrefectFuture, as_completed
from prefect.tasks import exponential_backoff
from prefect.utilities.annotations import quote

from crawlers.runner import LOCAL_OVERRIDES, CrawlResult, cache_path_for
from crawlers.sources import Source, load_sources
from flows.candidates import candidate_facts
from flows.progress import emit
from flows.run_summary import RunSummary, demand_changes, markdown
from flows.settings import Settings, load_settings
from flows.tasks import (
    CrawlFailed,
    crawl_source_task,
    extract_task,
    read_postings,
    score_task,
    warm_extractor,
)
from matcher.dedup import find_duplicates
from matcher.models import Posting
from matcher.scoring.config import load_scoring_config
from matcher.scoring.topk import context_hash
from matcher.taxonomy import load_taxonomy
from warehouse import Warehouse

#: Crawl output directories kept under work_dir/crawl (older ones are removed).
KEEP_CRAWL_DIRS = 3


def new_run_id(now: datetime | None = None) -> str:
    """A sortable, unique run id such as `20260101T020000Z-1a2b3c`."""
    return f"{(now or datetime.now(UTC)):%Y%m%dT%H%M%SZ}-{uuid4().hex[:6]}"


def _crawl_overrides(settings: Settings) -> dict[str, Any]:
    overrides: dict[str, Any] = {"USER_AGENT": settings.user_agent}
    if settings.http_cache:
        overrides["HTTPCACHE_ENABLED"] = True
        overrides["HTTPCACHE_DIR"] = str((settings.work_dir / "httpcache").resolve())
    return overrides


def is_local(source: Source) -> bool:
    """True when a source is served from this machine (the demo board, tests, benches).

    >>> is_local(Source(type="lever", company="a", api_base="http://127.0.0.1:8000"))
    True
    >>> is_local(Source(type="lever", company="a"))
    False
    """
    urls = [source.api_base] if source.api_base else list(source.urls or [])
    hosts = {urlsplit(url).hostname for url in urls}
    return bool(hosts) and hosts <= {"127.0.0.1", "localhost", "::1"}


def _result_counts(result: CrawlResult, ok: bool) -> dict[str, Any]:
    return {
        "ok": ok,
        "kept": result.kept,
        "dropped_by_filter": result.dropped_by_filter,
        "rejected": result.rejected,
        "seconds": round(result.seconds, 2),
    }


def _collect(
    source: Source,
    future: PrefectFuture[CrawlResult],
    summary: RunSummary,
    postings: list[Posting],
) -> bool:
    """Record one finished crawl in `summary` and add its postings; return whether it was ok."""
    outcome = future.result(raise_on_failure=False)
    if isinstance(outcome, CrawlResult):
        result, ok = outcome, True
    elif isinstance(outcome, CrawlFailed):
        result, ok = outcome.result, False
    else:
        result, ok = None, False
    if result is not None:
        summary.source_counts[source.key] = _result_counts(result, ok)
        for error in result.errors:
            summary.add_source_error(source.key, str(error))
    else:
        summary.source_counts[source.key] = {"ok": False}
        summary.add_source_error(source.key, f"crawl task crashed: {outcome!r}")
    if not ok:
        get_run_logger().warning(
            "source %s failed: %s", source.key, summary.source_errors[source.key]
        )
        return False
    if result is not None and result.out_path is not None:
        read = read_postings(result.out_path)
        for error in read.errors:
            summary.add_source_error(source.key, error)
        postings.extend(read.postings)
    return True


def crawl_all(
    sources: list[Source], settings: Settings, crawl_dir: Path, summary: RunSummary
) -> tuple[list[Posting], dict[str, bool]]:
    """Crawl every source (at most `crawl_concurrency` at once); return postings and ok-map."""
    task = crawl_source_task.with_options(
        retries=settings.crawl_retries,
        retry_delay_seconds=exponential_backoff(backoff_factor=settings.crawl_retry_delay_s),
    )
    overrides = _crawl_overrides(settings)
    pending: dict[PrefectFuture[CrawlResult], Source] = {}
    postings: list[Posting] = []
    crawled_ok: dict[str, bool] = {}
    queue = list(sources)

    def fill() -> None:
        while queue and len(pending) < settings.crawl_concurrency:
            source = queue.pop(0)
            out_path = crawl_dir / f"{source.key.replace(':', '_')}.jsonl"
            # no politeness delays towards a server on this machine
            extra = LOCAL_OVERRIDES if is_local(source) else {}
            future = task.submit(
                source,
                out_path,
                settings.crawl_timeout_s,
                False,
                {**overrides, **extra},
                cache_path_for(settings.crawl_cache_dir, source),
                settings.pycache_dir,
                settings.crawl_launcher,
            )
            pending[future] = source

    emit("crawl", f"crawling {len(sources)} sources", completed=0, total=len(sources))
    while queue or pending:
        fill()
        done = next(iter(as_completed(list(pending))))
        source = pending.pop(done)
        fill()  # the next crawl starts before this one's postings are read
        crawled_ok[source.key] = _collect(source, done, summary, postings)
        emit(
            "crawl",
            f"{len(crawled_ok)} of {len(sources)} sources crawled",
            completed=len(crawled_ok),
            total=len(sources),
        )
    ok_count = sum(crawled_ok.values())
    summary.stage_counts["crawl"] = {
        "sources": len(sources),
        "ok": ok_count,
        "failed": len(sources) - ok_count,
        "postings": len(postings),
    }
    emit("crawl", f"{len(postings)} postings from {ok_count}/{len(sources)} sources", done=True)
    return postings, crawled_ok


def _prune_crawl_dirs(root: Path, keep: int = KEEP_CRAWL_DIRS) -> None:
    dirs = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.name)
    for old in dirs[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


def run_pipeline(settings: Settings, summary: RunSummary) -> None:
    """The body of the nightly flow (call it inside a flow run); fills in `summary`."""
    logger = get_run_logger()
    summary.warehouse_path = str(settings.warehouse_path)
    wh = Warehouse(settings.warehouse_path, settings.warehouse_storage_version)
    taxonomy = load_taxonomy(settings.taxonomy_path)
    scoring = load_scoring_config(settings.scoring_config_path)
    sources = load_sources(settings.sources_path)
    crawl_root = settings.work_dir / "crawl"
    crawl_dir = crawl_root / summary.run_id
    warming = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warm-extractor")
    warmed = warm_extractor(warming, taxonomy, settings.nlp_cache_dir)
    try:
        postings, crawled_ok = crawl_all(sources, settings, crawl_dir, summary)
        if sources and not any(crawled_ok.values()):
            summary.errors.append("every source failed: nothing was loaded")
            summary.finish(sources_ok=0, sources_failed=len(sources))
            wh.record_run(summary.record())
            return
        with wh.staging(summary.run_id) as st:
            before = st.demand_totals()  # the staging copy is yesterday's
            st.load_concepts(taxonomy)
            known = st.known_hashes()
            fresh = [p for p in postings if known.get(p.id) != p.content_hash]
            emit("extract", f"{len(fresh)} of {len(postings)} postings are new or changed")
            extractions = extract_task(
                quote(taxonomy),
                quote(fresh),
                settings.extract_batch_size,
                settings.extract_n_process,
                settings.nlp_cache_dir,
                quote(warmed),
            )
            emit("load", f"loading {len(postings)} postings")
            counts = st.load_postings(postings, crawled_ok=crawled_ok, seen_at=summary.started_at)
            loaded = st.load_extractions(extractions)
            summary.stage_counts["extract"] = {
                "new_or_changed": len(fresh),
                "extracted": len(extractions),
                "loaded": loaded,
            }
            summary.stage_counts["load"] = counts.as_dict()
            emit("load", "postings loaded", done=True)
            st.set_duplicates({})  # un-mark all, so open_postings() lists every open row
            open_pairs = st.open_postings(with_text=False)  # scoring and dedup need no text
            groups = find_duplicates(p for p, _ in open_pairs)
            st.set_duplicates(groups)
            summary.stage_counts["dedup"] = {
                "open_postings": len(open_pairs),
                "groups": len(groups),
                "duplicates": sum(len(v) for v in groups.values()),
            }
            duplicate_ids = {d for dups in groups.values() for d in dups}
            pairs = [(p, e) for p, e in open_pairs if p.id not in duplicate_ids]
            candidates, candidate_errors = candidate_facts(st.candidates(), taxonomy)
            summary.errors.extend(candidate_errors)
            scored = score_task(
                quote(candidates),
                quote(pairs),
                quote(scoring),
                quote(taxonomy),
                settings.top_k,
                quote(st.stored_matches(context_hash(taxonomy, scoring))),
            )
            stored = st.replace_matches(
                scored.matches,
                summary.run_id,
                context_hash=scored.context_hash,
                profile_hashes=scored.profile_hashes,
            )
            summary.stage_counts["score"] = {
                "candidates": len(candidates),
                "postings": len(pairs),
                "matches": stored,
                "explained": scored.explained,
                "reused": scored.reused,
            }
            ok_count = sum(crawled_ok.values())
            summary.finish(sources_ok=ok_count, sources_failed=len(sources) - ok_count)
            st.record_run(summary.record())
            summary.demand_changes = demand_changes(before, st.demand_totals())
            emit("publish", f"publishing {settings.warehouse_path}")
            st.publish()
            emit("publish", f"published {settings.warehouse_path}", done=True)
    except Exception as exc:
        summary.errors.append(f"{type(exc).__name__}: {exc}")
        summary.finish(sources_ok=0, sources_failed=0, status="failed")
        logger.error("run %s failed before publishing: %s", summary.run_id, exc)
        try:
            wh.record_run(summary.record())
        except Exception as record_exc:  # the original error matters more
            logger.error("could not record the failed run: %s", record_exc)
        raise
    finally:
        warming.shutdown(wait=False, cancel_futures=True)
        if crawl_root.exists():
            _prune_crawl_dirs(crawl_root)


@flow(name="nightly", log_prints=True)
def nightly(settings: Settings | None = None) -> dict[str, Any]:
    """Crawl, extract what changed, dedup, load, score and publish; return the run summary.

    `settings` defaults to `load_settings()` (environment and config file), which is what
    a Prefect worker running `flows/nightly.py:nightly` gets. A run in which every source
    failed, or that raised before publishing, ends Failed (yesterday's warehouse stays).
    """
    settings = settings or load_settings()
    summary = RunSummary(new_run_id(), datetime.now(UTC))
    try:
        run_pipeline(settings, summary)
    finally:
        create_markdown_artifact(
            markdown(summary),
            key="tpm-match-nightly",
            description=f"tpm-match nightly run {summary.run_id}: {summary.status}",
        )
    if summary.status == "failed":
        raise RuntimeError(
            f"nightly run {summary.run_id} failed: "
            + "; ".join(summary.errors or ["see the run's source errors"])
        )
    return summary.as_dict()
