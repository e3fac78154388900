"""Benchmark: extraction and scoring of real postings on 1 and on 2 Dask worker processes.

    python bench/bench_scale.py                      # the 6,672 real postings
    python bench/bench_scale.py --limit 2000 --candidates 1000

Reads the Markdown postings of
../shared/data/remotewlb-remote-jobs/remote-jobs_jobs-tree.tar.gz in memory (as
bench/bench_extract.py does), generates CANDIDATES candidates (as bench/bench_scoring.py
does), and for each worker count (`--workers`, default 1 then 2) starts a local Dask
cluster of that many one-thread worker processes through the nightly's own task runner
(`flows.task_runner.start_runner`, `dask_workers`), builds each worker's spaCy pipeline
(not timed: once per worker, whatever the size of the night), then times the nightly's
own work units (`flows.partitions.extract_fresh`, `score_open`) inside one Prefect flow
run. Prints postings/s per stage and for both, the speed-up of the last worker count
over the first (target on a 2-core machine: >= 1.7x), each worker's peak RSS, and
checks that every worker count gave the same extractions and matches.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core per worker process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402
from bench_extract import TARBALL, read_postings  # noqa: E402
from bench_scoring import make_candidates  # noqa: E402

from flows.runtime import configure_prefect  # noqa: E402
from flows.settings import Settings  # noqa: E402
from matcher.models import Posting  # noqa: E402
from matcher.scoring.config import load_scoring_config  # noqa: E402
from matcher.taxonomy import load_taxonomy  # noqa: E402

BASE = Settings(
    taxonomy_path=ROOT / "skills_taxonomy.yaml",
    scoring_config_path=ROOT / "scoring.yaml",
    work_dir=ROOT / "out" / "bench-scale",
)


def _peak_rss_mb() -> float:
    """This process's peak resident memory (run on each worker)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    """This process's CPU seconds so far (run on each worker)."""
    return time.process_time()


def _postings(texts: list[str]) -> list[Posting]:
    return [
        Posting(
            id=f"bench:remote-jobs:{i}",
            source="bench",
            company="bench",
            title="Technical Program Manager",
            url=f"https://example.invalid/{i}",
            description_text=text,
        )
        for i, text in enumerate(texts)
    ]


def run_once(settings: Settings, postings: list[Posting], candidates: list, top_k: int) -> dict:
    """Extraction then scoring on the runner `settings` gives; timings and results."""
    from flows.partitions import extract_fresh, score_open
    from flows.task_runner import start_runner
    from flows.tasks import cached_extractor

    taxonomy = load_taxonomy(settings.taxonomy_path)
    scoring = load_scoring_config(settings.scoring_config_path)
    with start_runner(settings) as runner:
        client = runner.client  # type: ignore[attr-defined]
        client.run(cached_extractor, taxonomy, None)  # each worker's pipeline, untimed
        cpu0, here0, t0 = sum(client.run(_cpu_s).values()), _cpu_s(), time.perf_counter()
        extractions = extract_fresh(runner, taxonomy, postings, settings)
        cpu1, here1, t1 = sum(client.run(_cpu_s).values()), _cpu_s(), time.perf_counter()
        pairs = list(zip(postings, extractions, strict=True))
        scored = score_open(runner, candidates, pairs, scoring, taxonomy, settings, [])
        cpu2, here2, t2 = sum(client.run(_cpu_s).values()), _cpu_s(), time.perf_counter()
        rss = sorted(client.run(_peak_rss_mb).values())
    return {
        "extract_s": t1 - t0,
        "score_s": t2 - t1,
        "extract_cpu": cpu1 - cpu0,
        "score_cpu": cpu2 - cpu1,
        "flow_cpu": (here1 - here0, here2 - here1),
        "rss": rss,
        "extractions": extractions,
        "matches": scored.matches,
    }


def bench(
    limit: int | None, n_candidates: int, workers: list[int], top: int, task_size: int
) -> dict[int, dict[str, Any]]:
    """The benchmark's flow: every worker count timed on the same postings and
    candidates, read in this flow.

    The data is read here, not captured from `main`: every task carries the flow run's
    context to its worker, and with it a flow function pickled by value (this module is
    `__main__`) with everything it closes over.
    """
    base = BASE.model_copy(update={"extract_task_size": task_size, "top_k": top})
    postings = _postings(read_postings(TARBALL, limit))
    candidates = make_candidates(
        load_taxonomy(base.taxonomy_path), n_candidates, np.random.default_rng(7)
    )
    print(
        f"postings: {len(postings):,} real (remote-jobs), candidates: {len(candidates):,}, "
        f"top K {top}",
        flush=True,
    )
    results = {
        w: run_once(base.model_copy(update={"dask_workers": w}), postings, candidates, top)
        for w in workers
    }
    first = results[workers[0]]
    same = all(
        r["extractions"] == first["extractions"] and r["matches"] == first["matches"]
        for r in results.values()
    )
    return {
        w: {k: v for k, v in r.items() if k not in ("extractions", "matches")}
        | {"n": len(postings), "same": same}
        for w, r in results.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N postings only")
    parser.add_argument("--candidates", type=int, default=1_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument(
        "--task-size",
        type=int,
        default=BASE.extract_task_size,
        help="postings per extraction task (default: the setting's default)",
    )
    args = parser.parse_args()

    configure_prefect(BASE, log_level="WARNING")
    from prefect import flow

    results = flow(name="bench-scale")(bench)(
        args.limit, args.candidates, args.workers, args.top, args.task_size
    )
    print(f"{'workers':>7} {'extract/s':>10} {'score/s':>10} {'both/s':>10}  peak RSS/worker MiB")
    for w, r in results.items():
        n = r["n"]
        both = r["extract_s"] + r["score_s"]
        rss = ", ".join(f"{m:.0f}" for m in r["rss"])
        print(
            f"{w:>7} {n / r['extract_s']:>10.1f} {n / r['score_s']:>10.1f} {n / both:>10.1f}  {rss}"
        )
    print("worker CPU s per posting (steadier on a shared machine), and the flow process's:")
    for w, r in results.items():
        n = r["n"]
        e_flow, s_flow = r["flow_cpu"]
        busy = (r["extract_cpu"] + r["score_cpu"]) / (r["extract_s"] + r["score_s"]) / w
        print(
            f"{w:>7} extract {r['extract_cpu'] / n * 1000:.1f} ms (flow {e_flow:.1f} s)"
            f"  score {r['score_cpu'] / n * 1000:.1f} ms (flow {s_flow:.1f} s)"
            f"  workers busy {busy:.0%}"
        )
    first, last = results[args.workers[0]], results[args.workers[-1]]
    for stage in ("extract_s", "score_s"):
        print(f"speed-up {stage[:-2]:<8}: {first[stage] / last[stage]:.2f}x")
    total = (first["extract_s"] + first["score_s"]) / (last["extract_s"] + last["score_s"])
    print(f"speed-up both    : {total:.2f}x ({args.workers[0]} -> {args.workers[-1]} workers)")
    print(f"same extractions and matches on every worker count: {'yes' if last['same'] else 'NO'}")


if __name__ == "__main__":
    main()
