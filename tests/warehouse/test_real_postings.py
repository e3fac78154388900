"""Real postings (../shared/data/google-job-skills) through load, dedup, close and query."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from matcher.models import Posting
from tests.warehouse.conftest import DAY1, DAY2
from warehouse import Warehouse

BOARD = "jsonld:google"


def google_postings(shared_data: Path) -> list[Posting]:
    path = shared_data / "google-job-skills" / "job_skills.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Posting(
            id=f"{BOARD}:{n}",
            source="jsonld",
            company=row["Company"],
            title=row["Title"],
            url=f"https://careers.example.test/google/{n}",
            description_text="\n\n".join(
                row[k]
                for k in ("Responsibilities", "Minimum Qualifications", "Preferred Qualifications")
            ),
            location=row["Location"] or None,
        )
        for n, row in enumerate(rows, start=2)  # n = the CSV line number
    ]


def test_real_postings_load_dedupe_and_close(shared_data: Path, wh: Warehouse):
    postings = google_postings(shared_data)
    by_hash: dict[str, list[str]] = defaultdict(list)
    for p in postings:
        by_hash[p.content_hash].append(p.id)
    groups = {ids[0]: ids[1:] for ids in by_hash.values() if len(ids) > 1}
    assert groups, "the data set is known to repeat rows"
    with wh.staging("real-1") as st:
        counts = st.load_postings(postings, crawled_ok={BOARD: True}, seen_at=DAY1)
        assert (counts.new, counts.rejected) == (len(postings), 0)
        st.set_duplicates(groups)
        st.publish()
    with wh.reader() as rd:
        open_now = rd.open_postings()
        assert len(open_now) == len(by_hash)
        stored = {p.id: p for p, _ in open_now}
        first = postings[0]
        assert stored[first.id].description_text == first.description_text
        assert stored[first.id].content_hash == first.content_hash
        canonical, dups = next(iter(groups.items()))
        _, rows = rd.query("open_postings_by_company", {"company": "google"})
        urls = {r[0]: r[5] for r in rows}
        assert len(urls[canonical]) == 1 + len(dups)
    # the next crawl of the board misses the last 10 rows: exactly those close
    with wh.staging("real-2") as st:
        counts = st.load_postings(postings[:-10], crawled_ok={BOARD: True}, seen_at=DAY2)
        assert (counts.unchanged, counts.closed, counts.new) == (len(postings) - 10, 10, 0)
        st.publish()
