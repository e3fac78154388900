"""The nightly flow: crawl every source, extract what changed, dedup, load, score, publish.

The crawl, extraction and scoring run as work units (flows/tasks.py, submitted by
flows/partitions.py) on the run's task runner (flows/task_runner.py): in this process, or
on a Dask cluster (`dask_address`, `dask_workers`; docs/scaling.md); the warehouse load
and publish stay here.

Order (ARCHITECTURE.md): one crawl task per worker (one Scrapy crawl process, with
its own hard timeout; flows/crawl_settings.py, the same crawl API as `tpm-match crawl`),
then one recrawl task per failed source (alone, `crawl_retries` times, delay doubling;
a source still failing is recorded and the others go on; meanwhile the extractor is
built in a background thread) → read each source's JSON Lines → keep postings whose
`content_hash` is new or changed against the warehouse → extract those → load into a
staging copy of the warehouse (upserts, `last_seen`, `closed_at`, rejected rows) →
cross-source dedup → score every registered candidate against the open postings
(reusing the stored explanation of each pair whose inputs are unchanged) → record what
changed for each candidate (`match_events`) → record the run → publish atomically →
match alerts (feeds, digests; flows/alerts.py) → a Prefect markdown artifact. Anything
that fails before `publish()` discards the staging copy, so yesterday's warehouse stays
as it was; the failed run is then recorded on its own.

Import this module only after `flows.runtime.configure_prefect` (it imports Prefect).

No `from __future__ import annotations` here: Prefect validates the flow's parameters
against its real annotations (`Settings`), and a string annotation cannot be resolved
when a served deployment loads the flow by entrypoint.
"""

import shutil
import signal
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.exceptions import TerminationSignal
from prefect.task_runners import TaskRunner

from crawlers.runner import CrawlResult
from crawlers.sources import Source, load_sources
from flows.alerts import deliver_alerts
from flows.candidates import candidate_facts
from flows.partitions import crawl_partitions, extract_fresh, score_open
from flows.progress import emit
from flows.run_summary import RunSummary, demand_changes, failing_sources, markdown
from flows.settings import Settings, load_settings
from flows.task_runner import in_process, split, start_runner, worker_count
from flows.tasks import CrawledPartition, warm_extractor
from matcher.dedup import find_duplicates
from matcher.models import Posting
from matcher.scoring.config import load_scoring_config
from matcher.scoring.topk import context_hash
from matcher.taxonomy import load_taxonomy
from warehouse import Warehouse, WarehouseError
from warehouse.lifecycle import LifecycleRules

#: Crawl output directories kept under work_dir/crawl (older ones are removed).
KEEP_CRAWL_DIRS = 3


def new_run_id(now: datetime | None = None) -> str:
    """A sortable, unique run id such as `20260101T020000Z-1a2b3c`."""
    return f"{(now or datetime.now(UTC)):%Y%m%dT%H%M%SZ}-{uuid4().hex[:6]}"


def _result_counts(result: CrawlResult) -> dict[str, Any]:
    return {
        "ok": result.ok,
        "kept": result.kept,
        "dropped_by_filter": result.dropped_by_filter,
        "rejected": result.rejected_count,
        "seconds": round(result.seconds, 2),
    }


def _collect(
    result: CrawlResult, part: CrawledPartition, summary: RunSummary, postings: list[Posting]
) -> bool:
    """Record one source's crawl in `summary` and add its postings; return whether it was ok."""
    key = result.source_key
    summary.source_counts[key] = _result_counts(result)
    for error in result.errors:
        summary.add_source_error(key, str(error))
    if not result.ok:
        get_run_logger().warning("source %s failed: %s", key, summary.source_errors.get(key))
        return False
    for error in part.read_errors.get(key, []):
        summary.add_source_error(key, error)
    postings.extend(part.postings.get(key, []))
    return True


def crawl_all(
    runner: TaskRunner[Any],
    sources: list[Source],
    settings: Settings,
    crawl_dir: Path,
    summary: RunSummary,
) -> tuple[list[Posting], dict[str, bool]]:
    """Crawl every source (one crawl task per worker), then each failed one again alone;
    return the postings and the ok-map."""
    emit("crawl", f"crawling {len(sources)} sources", completed=0, total=len(sources))
    parts = split(sources, worker_count(runner))
    crawled = crawl_partitions(runner, settings, parts, crawl_dir)
    failed = [s for s in sources if not crawled[s.key].results[s.key].ok]
    if failed and settings.crawl_retries:
        emit("crawl", f"crawling {len(failed)} failed sources again, each alone")
        crawled |= crawl_partitions(runner, settings, [[s] for s in failed], crawl_dir, alone=True)
    postings: list[Posting] = []
    crawled_ok = {
        s.key: _collect(crawled[s.key].results[s.key], crawled[s.key], summary, postings)
        for s in sources
    }
    ok_count = sum(crawled_ok.values())
    summary.stage_counts["crawl"] = {
        "sources": len(sources),
        "ok": ok_count,
        "failed": len(sources) - ok_count,
        "postings": len(postings),
    }
    emit("crawl", f"{len(postings)} postings from {ok_count}/{len(sources)} sources", done=True)
    return postings, crawled_ok


def flag_failing_sources(
    wh: Warehouse, crawled_ok: dict[str, bool], settings: Settings, summary: RunSummary
) -> None:
    """Flag in `summary` the sources that failed on each of the last N nights."""
    try:
        with wh.reader() as rd:
            past = rd.failed_nights()
    except WarehouseError:  # no warehouse yet, or one the next load migrates
        past = {}
    summary.failing_sources = failing_sources(past, crawled_ok, settings.failing_source_nights)
    if summary.failing_sources:
        get_run_logger().warning("sources failing night after night: %s", summary.failing_sources)


def lifecycle_rules(settings: Settings, sources: list[Source]) -> LifecycleRules:
    """The closing rules of tonight's load (warehouse/lifecycle.py), from the settings.

    Postings of a source missing from `sources` close at once, unless there are no
    sources at all (an empty sources file closes nothing).
    """
    keys = frozenset(k for s in sources for k in s.posting_keys) if sources else None
    return LifecycleRules(settings.min_seen_share, settings.close_after_nights, keys)


def _prune_crawl_dirs(root: Path, keep: int = KEEP_CRAWL_DIRS) -> None:
    dirs = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.name)
    for old in dirs[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


def describe_failure(exc: BaseException) -> str:
    """The `runs` error of a run that stopped: the exception, or the signal that stopped it.

    >>> describe_failure(TerminationSignal(signal=15)), describe_failure(KeyboardInterrupt())
    ('interrupted by SIGTERM', 'interrupted by SIGINT')
    >>> describe_failure(ValueError("bad"))
    'ValueError: bad'
    """
    if isinstance(exc, TerminationSignal):
        return f"interrupted by {signal.Signals(exc.signal).name}"
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted by SIGINT"
    return f"{type(exc).__name__}: {exc}"


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
    if in_process(settings):  # the extraction batches run in this process
        warm_extractor(warming, taxonomy, settings.nlp_cache_dir)
    stack = ExitStack()
    try:
        runner = stack.enter_context(start_runner(settings))
        postings, crawled_ok = crawl_all(runner, sources, settings, crawl_dir, summary)
        flag_failing_sources(wh, crawled_ok, settings, summary)
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
            extractions = extract_fresh(runner, taxonomy, fresh, settings)
            emit("load", f"loading {len(postings)} postings")
            counts = st.load_postings(
                postings,
                crawled_ok=crawled_ok,
                seen_at=summary.started_at,
                rules=lifecycle_rules(settings, sources),
            )
            summary.held_sources = counts.held_sources
            if counts.held_sources:
                logger.warning(
                    "boards answered with too few postings, kept open: %s", counts.held_sources
                )
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
            stored_matches = st.stored_matches(context_hash(taxonomy, scoring))
            scored = score_open(
                runner, candidates, pairs, scoring, taxonomy, settings, stored_matches
            )
            # match alerts: tonight's matches against the stored ones, before replacing them
            summary.stage_counts["events"] = st.record_match_events(
                scored.matches,
                min_score=scoring.threshold,
                improved_points=settings.alert_improved_points,
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
        # match alerts: feeds and digests of the published night (never raises)
        deliver_alerts(settings, wh, taxonomy, summary)
    except (Exception, TerminationSignal, KeyboardInterrupt) as exc:
        summary.errors.append(describe_failure(exc))
        summary.finish(sources_ok=0, sources_failed=0, status="failed")
        logger.error("run %s failed before publishing: %s", summary.run_id, summary.errors[-1])
        try:
            wh.record_run(summary.record())
        except Exception as record_exc:  # the original error matters more
            logger.error("could not record the failed run: %s", record_exc)
        raise
    finally:
        stack.close()
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
