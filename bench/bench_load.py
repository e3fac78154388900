"""Warehouse load benchmark: 100,000 postings with 1,000,000 requirement rows.

Prints: the bulk (Arrow) first load's time and rows/s; a row-by-row `executemany`
baseline measured in the same run on a sample (5,000 requirement rows and 1,000
postings, extrapolated per row to the full volume); their ratio (target >= 50x); the
unchanged reload (same postings a day later; extraction skipped because the hashes are
known, as the nightly flow does; target <= 20% of the first load); reading every open
posting back with its requirements (`open_postings(with_text=False)`, as scoring does)
and storing 10,000 matches twice (`replace_matches`); and peak RSS.

Description texts are real postings from ../shared/data/google-job-skills/job_skills.csv
(cycled), so row sizes are realistic; the requirement rows use real taxonomy concept ids.

    python bench/bench_load.py [--postings 100000] [--per-posting 10] [--matches 10000]
"""

from __future__ import annotations

import argparse
import csv
import resource
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matcher.models import Degree, Extraction, Match, Posting, Requirement  # noqa: E402
from matcher.taxonomy import load_taxonomy  # noqa: E402
from warehouse import Warehouse  # noqa: E402
from warehouse.migrate import apply_migrations  # noqa: E402
from warehouse.sqlfiles import statement  # noqa: E402

CSV_PATH = ROOT.parent / "shared" / "data" / "google-job-skills" / "job_skills.csv"
DAY1 = datetime(2026, 11, 24, 2, 0)
DAY2 = datetime(2026, 11, 25, 2, 0)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def texts() -> list[tuple[str, str, str]]:
    """(company, title, description) from the real Google postings."""
    if not CSV_PATH.is_file():
        sys.exit(f"{CSV_PATH} is missing: the benchmark reads real postings from ../shared/data")
    with CSV_PATH.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        (
            r["Company"],
            r["Title"],
            "\n".join(
                r[k]
                for k in ("Responsibilities", "Minimum Qualifications", "Preferred Qualifications")
            ),
        )
        for r in rows
    ]


def generate(n: int, per: int) -> tuple[list[Posting], list[Extraction]]:
    """n postings on 500 boards, each with `per` requirements of real concept ids."""
    corpus = texts()
    concepts = load_taxonomy(ROOT / "skills_taxonomy.yaml").concepts
    postings: list[Posting] = []
    extractions: list[Extraction] = []
    for i in range(n):
        company, title, text = corpus[i % len(corpus)]
        board = f"lever:board{i % 500}"
        p = Posting(
            id=f"{board}:{i}",
            source="lever",
            company=company,
            title=title,
            url=f"https://jobs.example.test/{board}/{i}",
            description_text=f"{text}\n(ref {i})",
            location="Remote",
            remote=i % 3 == 0,
            salary_min=100000.0 + i % 50000,
            salary_max=150000.0 + i % 50000,
            salary_currency="USD",
            salary_period="year",
            posted_at="2026-11-20T09:00:00Z",
        )
        postings.append(p)
        reqs = [
            Requirement(c.id, c.name, c.kind, k % 3 != 0, c.name, k * 10, k * 10 + 5, None)
            for k, c in enumerate(concepts[(i * 7 + j) % len(concepts)] for j in range(per))
        ]
        extractions.append(Extraction(p.id, reqs, 5.0, Degree("bachelor", ["cs"]), None))
    return postings, extractions


def rowwise_baseline(
    path: Path, postings: list[Posting], exts: list[Extraction]
) -> tuple[float, float]:
    """Seconds per row for executemany of postings and of requirement rows."""
    con = duckdb.connect(str(path))
    apply_migrations(con)
    post_rows = [
        (
            p.id, p.source, ":".join(p.id.split(":")[:2]), p.company, p.title, p.url,
            p.location, p.remote, p.employment_type, p.salary_min, p.salary_max,
            p.salary_currency, p.salary_period, p.posted_at, p.fetched_at,
            p.description_text, DAY1, p.content_hash,
        )
        for p in postings
    ]  # fmt: skip
    req_rows = [
        (e.id, s, r.id, r.name, r.kind, r.required, r.years, r.evidence, r.start, r.end)
        for e in exts
        for s, r in enumerate(e.requirements)
    ]
    t0 = time.perf_counter()
    con.executemany(statement("rowwise_insert_posting"), post_rows)
    t1 = time.perf_counter()
    con.executemany(statement("rowwise_insert_requirement"), req_rows)
    t2 = time.perf_counter()
    con.close()
    return (t1 - t0) / len(post_rows), (t2 - t1) / len(req_rows)


def read_back_and_matches(wh: Warehouse, n_matches: int) -> None:
    """What the nightly flow does after loading: read every open pair, store the matches."""
    with wh.reader() as rd:
        t0 = time.perf_counter()
        pairs = rd.open_postings(with_text=False)
        read_s = time.perf_counter() - t0
    n_req = sum(len(e.requirements) for _, e in pairs)
    print(
        f"open_postings(with_text=False): {read_s:.2f}s for {len(pairs):,} postings with "
        f"{n_req:,} requirements ({len(pairs) / read_s:,.0f} postings/s)"
    )
    breakdown = {"required": 40.0, "preferred": 10.0, "years": 15.0, "degree": 8.0}
    matches = [
        Match("bench-candidate", p.id, 100.0 * (i % 997) / 997, breakdown,
              ["tool.jira", "method.agile"], ["tool.sql"], ["credential.pmp"])
        for i, (p, _) in enumerate(pairs[:n_matches])
    ]  # fmt: skip
    for label in ("first", "again"):
        with wh.staging(f"matches-{label}") as st:
            t0 = time.perf_counter()
            stored = st.replace_matches(matches, f"matches-{label}")
            store_s = time.perf_counter() - t0
            st.publish()
        print(
            f"replace_matches ({label}): {store_s:.2f}s for {stored:,} matches "
            f"({stored / store_s:,.0f} matches/s)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=100_000)
    parser.add_argument("--per-posting", type=int, default=10)
    parser.add_argument("--sample-postings", type=int, default=1_000)
    parser.add_argument("--sample-requirements", type=int, default=5_000)
    parser.add_argument("--matches", type=int, default=10_000, help="matches stored at the end")
    args = parser.parse_args()

    t = time.perf_counter()
    postings, exts = generate(args.postings, args.per_posting)
    n_req = sum(len(e.requirements) for e in exts)
    print(
        f"generated {len(postings):,} postings, {n_req:,} requirement rows in "
        f"{time.perf_counter() - t:.1f}s (peak RSS {peak_rss_mb():.0f} MB)"
    )
    tmp = Path(tempfile.mkdtemp(prefix="bench_load_"))
    try:
        wh = Warehouse(tmp / "tpm.duckdb")
        # first load: fresh warehouse, every posting new
        t0 = time.perf_counter()
        with wh.staging("first") as st:
            counts = st.load_postings(postings, crawled_ok={"lever:board0": True}, seen_at=DAY1)
            t1 = time.perf_counter()
            loaded = st.load_extractions(exts)
            t2 = time.perf_counter()
            st.publish()
        first = time.perf_counter() - t0
        rows = len(postings) + n_req
        print(
            f"first load: {first:.2f}s for {rows:,} rows = {rows / first:,.0f} rows/s "
            f"(postings {t1 - t0:.2f}s incl. staging, requirements {t2 - t1:.2f}s, "
            f"publish {first - (t2 - t0):.2f}s); new={counts.new:,} extractions={loaded:,}; "
            f"file {wh.path.stat().st_size / 1e6:.0f} MB"
        )
        assert counts.new == len(postings) and counts.rejected == 0

        # row-by-row baseline on a sample, extrapolated per row
        sample_p = max(1, args.sample_postings)
        sample_e = exts[: max(1, args.sample_requirements // args.per_posting)]
        per_post, per_req = rowwise_baseline(tmp / "rowwise.duckdb", postings[:sample_p], sample_e)
        est = per_post * len(postings) + per_req * n_req
        print(
            f"row-by-row executemany (sample {sample_p:,} postings + "
            f"{sum(len(e.requirements) for e in sample_e):,} requirement rows, extrapolated "
            f"per row): {1 / per_post:,.0f} postings/s, {1 / per_req:,.0f} requirement rows/s "
            f"-> est. {est:,.0f}s for the full load"
        )
        print(f"bulk vs row-by-row: {est / first:,.0f}x faster (target >= 50x)")

        # unchanged reload a day later: as the nightly flow does it
        t0 = time.perf_counter()
        with wh.staging("reload") as st:
            known = st.known_hashes()
            todo = [
                e for p, e in zip(postings, exts, strict=True) if known.get(p.id) != p.content_hash
            ]
            counts = st.load_postings(postings, crawled_ok={"lever:board0": True}, seen_at=DAY2)
            st.load_extractions(todo)
            st.publish()
        reload_s = time.perf_counter() - t0
        print(
            f"unchanged reload: {reload_s:.2f}s = {100 * reload_s / first:.1f}% of the first "
            f"load (target <= 20%); unchanged={counts.unchanged:,} new={counts.new} "
            f"changed={counts.changed} closed={counts.closed}; extractions re-loaded: {len(todo)}"
        )
        assert counts.unchanged == len(postings) and not todo

        # the same, but forcing every extraction to be re-loaded (worst case)
        t0 = time.perf_counter()
        with wh.staging("reload-all") as st:
            st.load_postings(postings, crawled_ok={"lever:board0": True}, seen_at=DAY2)
            st.load_extractions(exts)
            st.publish()
        forced = time.perf_counter() - t0
        print(
            f"unchanged reload re-loading all {n_req:,} requirement rows too: {forced:.2f}s "
            f"({100 * forced / first:.1f}% of the first load)"
        )
        read_back_and_matches(wh, args.matches)
        print(f"peak RSS: {peak_rss_mb():.0f} MB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
