"""Loads: idempotent upserts, last_seen/closed_at rules, rejected rows, extractions, matches."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime

import duckdb

from matcher.models import Degree, Extraction, Match, Requirement
from tests.warehouse.conftest import DAY1, DAY2, DAY3, make_posting
from warehouse import RunRecord, Warehouse


def _rows(wh: Warehouse, sql: str) -> list[tuple]:
    con = duckdb.connect(str(wh.path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _load(wh: Warehouse, postings, ok, seen_at: datetime, run_id: str = "run"):
    with wh.staging(run_id) as st:
        counts = st.load_postings(postings, crawled_ok=ok, seen_at=seen_at)
        st.publish()
    return counts


def test_same_input_twice_changes_nothing(wh):
    batch = [make_posting("lever:acme", i) for i in range(4)]
    first = _load(wh, batch, {"lever:acme": True}, DAY1)
    assert (first.new, first.changed, first.unchanged, first.closed) == (4, 0, 0, 0)
    before = _rows(wh, "SELECT * FROM postings ORDER BY id")
    again = _load(wh, batch, {"lever:acme": True}, DAY1)
    assert (again.new, again.changed, again.unchanged, again.closed) == (0, 0, 4, 0)
    assert _rows(wh, "SELECT * FROM postings ORDER BY id") == before


def test_unchanged_hash_only_moves_last_seen(wh):
    batch = [make_posting("lever:acme", i) for i in range(3)]
    _load(wh, batch, {"lever:acme": True}, DAY1)
    before = {r[0]: r for r in _rows(wh, "SELECT * FROM postings")}
    # a field outside the content hash changes: still "unchanged", only last_seen moves
    moved = [dataclasses.replace(p, url=p.url + "?ref=x") for p in batch]
    counts = _load(wh, moved, {"lever:acme": True}, DAY2)
    assert counts.unchanged == 3 and counts.changed == 0
    cols = [r[0] for r in _rows(wh, "SELECT column_name FROM (DESCRIBE postings)")]
    for row in _rows(wh, "SELECT * FROM postings"):
        old = before[row[0]]
        diffs = {cols[i] for i in range(len(cols)) if row[i] != old[i]}
        assert diffs == {"last_seen"}
        assert row[cols.index("last_seen")] == DAY2


def test_changed_content_is_rewritten_and_counted(wh):
    _load(wh, [make_posting("lever:acme", 1)], {"lever:acme": True}, DAY1)
    changed = make_posting("lever:acme", 1, title="Senior TPM")
    counts = _load(wh, [changed, make_posting("lever:acme", 2)], {"lever:acme": True}, DAY2)
    assert (counts.new, counts.changed) == (1, 1)
    title, first_seen, last_seen, chash = _rows(
        wh, "SELECT title, first_seen, last_seen, content_hash FROM postings WHERE id LIKE '%:1'"
    )[0]
    assert (title, first_seen, last_seen, chash) == ("Senior TPM", DAY1, DAY2, changed.content_hash)


def test_missing_posting_of_successful_source_is_closed_and_reopens(wh):
    acme = [make_posting("lever:acme", i) for i in range(3)]
    _load(wh, acme, {"lever:acme": True}, DAY1)
    counts = _load(wh, acme[:2], {"lever:acme": True}, DAY2)
    assert counts.closed == 1
    closed = _rows(wh, "SELECT id, closed_at FROM postings WHERE closed_at IS NOT NULL")
    assert closed == [(acme[2].id, DAY2)]
    counts = _load(wh, acme, {"lever:acme": True}, DAY3)
    assert counts.reopened == 1 and counts.closed == 0
    assert _rows(wh, "SELECT count(*) FROM postings WHERE closed_at IS NOT NULL") == [(0,)]
    assert _rows(wh, f"SELECT last_seen FROM postings WHERE id = '{acme[2].id}'") == [(DAY3,)]


def test_failed_or_absent_source_closes_nothing(wh):
    acme = [make_posting("lever:acme", i) for i in range(2)]
    globex = [make_posting("greenhouse:globex", i) for i in range(2)]
    _load(wh, acme + globex, {"lever:acme": True, "greenhouse:globex": True}, DAY1)
    # acme's crawl failed (no postings), globex was not crawled at all this run
    counts = _load(wh, [], {"lever:acme": False}, DAY2)
    assert counts.closed == 0
    assert _rows(wh, "SELECT count(*) FROM postings WHERE closed_at IS NULL") == [(4,)]
    # only the successful source closes its missing postings
    counts = _load(wh, globex[:1], {"lever:acme": False, "greenhouse:globex": True}, DAY3)
    assert counts.closed == 1
    assert _rows(wh, "SELECT id FROM postings WHERE closed_at IS NOT NULL") == [(globex[1].id,)]


def test_bad_rows_are_rejected_with_a_reason_and_the_rest_load(wh):
    good = [make_posting("lever:acme", i) for i in range(3)]
    no_id = make_posting("lever:acme", 90, id="")
    wrong_salary = make_posting("lever:acme", 91)
    wrong_salary.salary_min = "lots"
    wrong_remote = make_posting("lever:acme", 92)
    wrong_remote.remote = "yes"
    bad_date = make_posting("lever:acme", 93, posted_at="last Tuesday")
    no_title = make_posting("lever:acme", 94)
    no_title.title = None
    counts = _load(
        wh, [*good, no_id, wrong_salary, wrong_remote, bad_date, no_title], {}, DAY1, "r-bad"
    )
    assert (counts.new, counts.rejected) == (3, 5)
    assert _rows(wh, "SELECT count(*) FROM postings") == [(3,)]
    rejected = {
        key: reason for key, reason in _rows(wh, "SELECT record_key, reason FROM rejected_rows")
    }
    assert "'id'" in rejected[None]
    assert "'salary_min'" in rejected[wrong_salary.id] and "number" in rejected[wrong_salary.id]
    assert "'remote'" in rejected[wrong_remote.id]
    assert "ISO-8601" in rejected[bad_date.id]
    assert "'title'" in rejected[no_title.id]
    raw = _rows(wh, f"SELECT raw FROM rejected_rows WHERE record_key = '{wrong_salary.id}'")
    assert json.loads(raw[0][0])["salary_min"] == "lots"
    assert _rows(wh, "SELECT DISTINCT run_id, table_name FROM rejected_rows") == [
        ("r-bad", "postings")
    ]


def test_rejected_row_of_a_successful_source_is_not_closed(wh):
    first = [make_posting("lever:acme", i) for i in range(2)]
    _load(wh, first, {"lever:acme": True}, DAY1)
    broken = make_posting("lever:acme", 1)
    broken.salary_max = "n/a"
    counts = _load(wh, [first[0], broken], {"lever:acme": True}, DAY2)
    assert counts.rejected == 1 and counts.closed == 0


def _extraction(pid: str, n: int) -> Extraction:
    reqs = [
        Requirement("tool.jira", "Jira", "tool", True, "Jira", 0, 4, 2.0),
        Requirement("method.agile", "Agile", "method", n % 2 == 0, "Agile", 9, 14),
    ]
    return Extraction(pid, reqs, 5.0, Degree("bachelor", ["computer science"]), "level.senior")


def test_extractions_replace_requirements_and_unknown_ids_are_rejected(wh, taxonomy):
    postings = [make_posting("lever:acme", i) for i in range(3)]
    with wh.staging("r1") as st:
        st.load_concepts(taxonomy)
        st.load_postings(postings, crawled_ok={"lever:acme": True}, seen_at=DAY1)
        exts = [_extraction(p.id, i) for i, p in enumerate(postings)]
        broken = Extraction(
            postings[2].id, [Requirement("tool.jira", "Jira", "tool", True, "x", 5, 1)]
        )
        assert st.load_extractions([*exts[:2], broken, Extraction("lever:acme:nope")]) == 2
        assert st.known_hashes() == {p.id: p.content_hash for p in postings[:2]}
        # loading again replaces (not appends) the requirements
        assert st.load_extractions(exts) == 3
        st.publish()
    assert _rows(wh, "SELECT count(*) FROM posting_requirements") == [(6,)]
    with wh.reader() as rd:
        ext = {p.id: e for p, e in rd.open_postings()}[postings[0].id]
        assert ext == exts[0]
        demand = {(d.concept_id): d for d in rd.skill_demand()}
        assert demand["tool.jira"].required_count == 3
        assert demand["method.agile"].required_count + demand["method.agile"].preferred_count == 3
        assert demand["tool.jira"].concept_name == taxonomy.by_id["tool.jira"].name
    reasons = dict(_rows(wh, "SELECT record_key, reason FROM rejected_rows"))
    assert "end 1 is before start 5" in reasons[postings[2].id]
    assert "no posting with this id" in reasons["lever:acme:nope"]


def test_alternative_groups_load_into_alt_group_and_a_bad_group_is_rejected(wh, taxonomy):
    postings = [make_posting("lever:acme", i) for i in range(2)]

    def req(cid: str, group: object) -> Requirement:
        return Requirement(cid, cid, cid.split(".")[0], True, "PMP or PgMP", 0, 3, None, group)

    good = Extraction(postings[0].id, [req("credential.pmp", 1), req("credential.pgmp", 1)])
    good.requirements.append(req("tool.jira", None))
    bad = Extraction(postings[1].id, [req("credential.pmp", 0)])
    with wh.staging("r1") as st:
        st.load_concepts(taxonomy)
        st.load_postings(postings, crawled_ok={"lever:acme": True}, seen_at=DAY1)
        assert st.load_extractions([good, bad]) == 1
        st.publish()
    rows = _rows(
        wh,
        "SELECT concept_id, alt_group FROM v_posting_requirements",
    )
    assert sorted(rows) == [("credential.pgmp", 1), ("credential.pmp", 1), ("tool.jira", None)]
    reasons = dict(_rows(wh, "SELECT record_key, reason FROM rejected_rows"))
    assert list(reasons) == [postings[1].id]
    assert "'requirements[0].group'" in reasons[postings[1].id]


def test_duplicates_hide_from_open_postings_but_keep_their_urls(wh):
    a = make_posting("lever:acme", 1)
    b = make_posting("greenhouse:acme", 7)
    c = make_posting("lever:acme", 2)
    with wh.staging("r1") as st:
        st.load_postings([a, b, c], crawled_ok={}, seen_at=DAY1)
        st.set_duplicates({a.id: [b.id, a.id], "lever:acme:404": [c.id]})
        assert [p.id for p, _ in st.open_postings()] == [a.id, c.id]
        st.publish()
    with wh.reader() as rd:
        cols, rows = rd.query("open_postings_by_company", {"company": "ACME"})
        record = dict(zip(cols, rows[0], strict=True))
        assert record["urls"] == [a.url, b.url]
    reasons = dict(_rows(wh, "SELECT record_key, reason FROM rejected_rows"))
    assert reasons == {
        a.id: "a posting cannot duplicate itself",
        c.id: "unknown posting id 'lever:acme:404'",
    }


def test_candidates_matches_and_runs_round_trip(wh):
    postings = [make_posting("lever:acme", i) for i in range(3)]
    started = datetime(2026, 11, 25, 2, 0)
    with wh.staging("r1") as st:
        st.load_postings(postings, crawled_ok={}, seen_at=DAY1)
        st.upsert_candidate("ann", "Ann", {"years": 6}, [("tool.jira", 3.0), ("tool.jira", 4.0)])
        st.upsert_candidate("bob", "Bob", {}, [], email="bob@example.test")
        matches = [
            Match("ann", p.id, 40.0 + i, {"skills": 0.5}, ["tool.jira"], ["method.agile"], [])
            for i, p in enumerate(postings)
        ]
        assert st.replace_matches([*matches, Match("bob", postings[0].id, 140.0)], "r1") == 3
        run = RunRecord("r1", started, "partial", started, {"load": {"new": 3}}, {}, {"x": "boom"})
        st.record_run(run)
        st.publish()
    with wh.reader() as rd:
        assert [c.id for c in rd.candidates()] == ["ann", "bob"]
        top = rd.matches_for("ann", 2)
        assert [m.match.rank for m in top] == [1, 2]
        assert top[0].match.posting_id == postings[2].id and top[0].posting.title
        assert top[0].urls == [postings[2].url]
        assert rd.run("r1") == run and rd.latest_run() == run
    assert _rows(wh, "SELECT years FROM candidate_concepts") == [(4.0,)]
    with wh.staging("r2") as st:
        assert st.remove_candidate("ann") is True
        assert st.remove_candidate("ann") is False
        st.publish()
    assert _rows(wh, "SELECT count(*) FROM matches") == [(0,)]


def test_reextraction_with_fewer_requirements_drops_the_stale_ones(wh):
    p = make_posting("lever:acme", 1)
    with wh.staging("r1") as st:
        st.load_postings([p], crawled_ok={}, seen_at=DAY1)
        st.load_extractions([_extraction(p.id, 0)])
        shorter = Extraction(
            p.id, [Requirement("tool.excel", "Excel", "tool", False, "Excel", 3, 8)]
        )
        assert st.load_extractions([shorter]) == 1
        assert st.open_postings()[0][1] == shorter
        st.publish()
    assert _rows(wh, "SELECT seq, concept_id FROM posting_requirements") == [(0, "tool.excel")]


def test_replace_matches_for_some_candidates_keeps_the_others(wh):
    postings = [make_posting("lever:acme", i) for i in range(3)]
    with wh.staging("r1") as st:
        st.load_postings(postings, crawled_ok={}, seen_at=DAY1)
        for cid in ("ann", "bob"):
            st.upsert_candidate(cid, cid.title(), {}, [])
        st.replace_matches([Match(c, p.id, 50.0) for c in ("ann", "bob") for p in postings], "r1")
        # ann is re-scored against one posting only; bob's matches are untouched
        st.replace_matches([Match("ann", postings[1].id, 90.0)], "r2", candidate_ids=["ann"])
        st.publish()
    rows = _rows(wh, "SELECT candidate_id, count(*), max(score) FROM matches GROUP BY 1 ORDER BY 1")
    assert rows == [("ann", 1, 90.0), ("bob", 3, 50.0)]
    with wh.staging("r3") as st:
        st.replace_matches([Match("bob", postings[0].id, 10.0)], "r3")  # full replacement
        st.publish()
    assert _rows(wh, "SELECT candidate_id, posting_id, rank, run_id FROM matches") == [
        ("bob", postings[0].id, 1, "r3")
    ]
