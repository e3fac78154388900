"""Benchmark: all-pairs scoring of generated postings x candidates (matcher.scoring.kernel).

Generates POSTINGS postings (~15 asks each over the taxonomy's ids, a third preferred,
some with per-concept years; years, degree, level, remote/location and salary drawn
from realistic ranges) and CANDIDATES candidates (~20 concepts each), scores every pair
in blocks on WORKERS threads, keeps the top K per candidate and per posting, and prints
pairs/s and peak RSS. Targets (issue #6): >= 10 million pairs/s and < 2 GiB.

    python bench/bench_scoring.py [--postings 100000] [--candidates 1000] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

# our threads split the blocks; one BLAS thread each keeps the two cores from fighting
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matcher.models import Degree, Extraction, Posting, Requirement  # noqa: E402
from matcher.profile import CandidateFacts  # noqa: E402
from matcher.scoring.config import REMOTE_PREFS, ScoringConfig, load_scoring_config  # noqa: E402
from matcher.scoring.kernel import prepare, score_block  # noqa: E402
from matcher.scoring.topk import top_pairs  # noqa: E402
from matcher.taxonomy import Taxonomy, load_taxonomy  # noqa: E402

PLACES = ["Austin, TX", "New York, NY", "Seattle, WA", "London, UK", "Berlin", "Remote"]
DEGREES = ["associate", "bachelor", "master", "mba", "doctorate"]


def make_postings(
    taxonomy: Taxonomy, n: int, rng: np.random.Generator
) -> list[tuple[Posting, Extraction]]:
    """n postings with ~15 asks each (taxonomy ids, required/preferred, some years)."""
    concepts = [c for c in taxonomy.concepts if c.kind not in ("degree", "level")]
    levels = [c.id for c in taxonomy.levels]
    out = []
    for i in range(n):
        k = int(rng.integers(10, 21))
        picks = rng.choice(len(concepts), size=k, replace=False)
        reqs = []
        for j in picks:
            c = concepts[int(j)]
            years = float(rng.integers(1, 6)) if rng.random() < 0.1 else None
            evidence = "PMP or equivalent" if rng.random() < 0.05 else f"Experience with {c.name}"
            reqs.append(
                Requirement(c.id, c.name, c.kind, rng.random() < 0.66, evidence, 0, 1, years)
            )
        remote = [True, False, None][int(rng.integers(0, 3))]
        low = float(rng.integers(70, 180)) * 1000 if rng.random() < 0.4 else None
        posting = Posting(
            id=f"bench:board:{i}",
            source="bench",
            company=f"Company {i % 5000}",
            title="Technical Program Manager",
            url=f"https://example.com/{i}",
            description_text="",
            location=PLACES[int(rng.integers(0, len(PLACES)))] if rng.random() < 0.8 else None,
            remote=remote,
            salary_min=low,
            salary_max=None if low is None else low * 1.3,
            salary_currency=None if low is None else "USD",
            salary_period=None if low is None else "year",
            content_hash="x",
        )
        degree = None
        if rng.random() < 0.6:
            degree = Degree(
                level=DEGREES[int(rng.integers(1, 3))],
                fields=["computer science"] if rng.random() < 0.4 else [],
                required=rng.random() < 0.7,
                or_equivalent=rng.random() < 0.3,
            )
        ext = Extraction(
            id=posting.id,
            requirements=reqs,
            min_years_experience=float(rng.integers(2, 11)) if rng.random() < 0.8 else None,
            degree=degree,
            level=levels[int(rng.integers(0, len(levels)))] if rng.random() < 0.7 else None,
        )
        out.append((posting, ext))
    return out


def make_candidates(taxonomy: Taxonomy, n: int, rng: np.random.Generator) -> list[CandidateFacts]:
    """n candidates with ~20 concepts each (some with years)."""
    concepts = [c for c in taxonomy.concepts if c.kind not in ("degree", "level")]
    levels = taxonomy.levels
    out = []
    for i in range(n):
        k = int(rng.integers(15, 26))
        picks = rng.choice(len(concepts), size=k, replace=False)
        held = {
            concepts[int(j)].id: (float(rng.integers(1, 8)) if rng.random() < 0.5 else None)
            for j in picks
        }
        level = levels[int(rng.integers(0, len(levels)))]
        out.append(
            CandidateFacts(
                candidate_id=f"cand-{i}",
                name=f"Candidate {i}",
                concepts=held,
                total_years=float(rng.integers(0, 20)) if rng.random() < 0.95 else None,
                degree_level=DEGREES[int(rng.integers(0, 5))] if rng.random() < 0.85 else None,
                degree_field="computer science" if rng.random() < 0.3 else "business",
                level_id=level.id,
                level_rank=level.rank,
                location=PLACES[int(rng.integers(0, len(PLACES)))],
                remote_pref=REMOTE_PREFS[int(rng.integers(0, 4))],
                salary_min=float(rng.integers(80, 200)) * 1000 if rng.random() < 0.6 else None,
                salary_currency="USD",
                salary_period="year",
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--candidates", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--block", type=int, default=1024)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    proc = psutil.Process()
    taxonomy = load_taxonomy(ROOT / "skills_taxonomy.yaml")
    config: ScoringConfig = load_scoring_config(ROOT / "scoring.yaml")
    rng = np.random.default_rng(7)
    t0 = time.perf_counter()
    postings = make_postings(taxonomy, args.postings, rng)
    candidates = make_candidates(taxonomy, args.candidates, rng)
    t1 = time.perf_counter()
    prep = prepare(candidates, postings, taxonomy, config)
    t2 = time.perf_counter()
    cpu0 = sum(proc.cpu_times()[:2])
    pairs = top_pairs(prep, config, args.top, args.block, args.workers)
    t3 = time.perf_counter()
    cpu = sum(proc.cpu_times()[:2]) - cpu0
    # single block on one thread, for the per-block figure
    b0 = time.perf_counter()
    score_block(prep, 0, min(args.block, args.postings), config)
    b1 = time.perf_counter()
    n_pairs = args.postings * args.candidates
    rss = proc.memory_info().rss
    peak = getattr(proc.memory_info(), "peak_wset", None) or _peak_rss()
    print(f"postings x candidates : {args.postings:,} x {args.candidates:,} = {n_pairs:,} pairs")
    print(f"generate inputs       : {t1 - t0:6.2f} s (not part of scoring)")
    print(f"build matrices        : {t2 - t1:6.2f} s")
    rate = n_pairs / (t3 - t2) / 1e6
    print(
        f"score all + top {args.top:<5}: {t3 - t2:6.2f} s  -> {rate:6.1f} M pairs/s "
        f"({args.workers} threads, blocks of {args.block})"
    )
    per_cpu = n_pairs / cpu / 1e6
    print(
        f"CPU time for scoring  : {cpu:6.2f} s  -> {per_cpu:6.1f} M pairs per CPU-second "
        f"(x{args.workers} idle cores = {args.workers * per_cpu:.1f} M pairs/s)"
    )
    print(f"load average (1 min)  : {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(
        f"one block, 1 thread   : {b1 - b0:6.3f} s  -> "
        f"{args.candidates * min(args.block, args.postings) / (b1 - b0) / 1e6:6.1f} M pairs/s"
    )
    print(f"kept pairs (union)    : {len(pairs[0]):,}")
    print(f"RSS now / peak        : {rss / 2**20:,.0f} MiB / {peak / 2**20:,.0f} MiB")
    target = n_pairs / (t3 - t2) >= 10e6 and peak < 2 * 2**30
    print(f"targets (>=10 M pairs/s, < 2 GiB): {'met' if target else 'NOT met'}")


def _peak_rss() -> int:
    """Peak resident set size of this process in bytes (Linux: ru_maxrss is in KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


if __name__ == "__main__":
    main()
