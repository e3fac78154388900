"""open_postings reads Arrow columns; it must give exactly what a row-by-row read gives."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import duckdb

from matcher.models import Degree, Extraction, Posting, Requirement
from tests.warehouse.conftest import DAY1, DAY2, make_posting
from warehouse import Warehouse
from warehouse.sqlfiles import statement


def _reference(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple[Posting, Extraction]]:
    """The row-by-row read open_postings did before it read columns (kept as the oracle)."""

    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    reqs: dict[str, list[Requirement]] = {}
    for r in con.execute(statement("select_open_requirements")).fetchall():
        pid, cid, cname, kind, required, evidence, start, end, years, group = r
        reqs.setdefault(pid, []).append(
            Requirement(cid, cname, kind, required, evidence, start, end, years, group)
        )
    out = []
    for row in con.execute(statement(name)).fetchall():
        (pid, source, company, title, url, text, location, remote, etype) = row[:9]
        (smin, smax, currency, period, posted_at, fetched_at, chash) = row[9:16]
        posting = Posting(
            id=pid, source=source, company=company, title=title, url=url,
            description_text=text, location=location, remote=remote, employment_type=etype,
            salary_min=smin, salary_max=smax, salary_currency=currency, salary_period=period,
            posted_at=iso(posted_at), fetched_at=iso(fetched_at), content_hash=chash,
        )  # fmt: skip
        min_years, dlevel, dfields, dreq, dequiv, level = row[16:22]
        degree = (
            Degree(dlevel, json.loads(dfields) if dfields else [], bool(dreq), bool(dequiv))
            if dreq is not None
            else None
        )
        out.append((posting, Extraction(pid, reqs.get(pid, []), min_years, degree, level)))
    return out


def _types(pairs: list[tuple[Posting, Extraction]]) -> list[Any]:
    return [
        (
            [(f, type(getattr(p, f))) for f in p.__slots__],
            [(f, type(getattr(r, f))) for r in e.requirements for f in r.__slots__],
            type(e.min_years_experience),
        )
        for p, e in pairs
    ]


def _varied_warehouse(wh: Warehouse, taxonomy) -> list[Posting]:
    postings = [
        make_posting("lever:acme", 1, salary_min=120000, salary_max=150000.5,
                     salary_currency="USD", salary_period="year", employment_type="full-time"),
        make_posting("lever:acme", 2, remote=None, location=None, posted_at=None),
        make_posting("lever:acme", 3, remote=False, posted_at="2026-11-20T09:00:00.123456+02:00",
                     fetched_at="2026-11-21T10:00:00Z"),
        make_posting("greenhouse:beta", 4, title="TPM"),  # gets no extraction
        make_posting("greenhouse:beta", 5),  # marked a duplicate below
        make_posting("greenhouse:beta", 6),  # closed on day 2 (missing from the crawl)
        make_posting("ashby:gamma", 7, description_text="Ünïcode — text ✓"),
    ]  # fmt: skip
    jira = Requirement("tool.jira", "Jira", "tool", True, "Jira", 0, 4)
    agile = Requirement("method.agile", "Agile", "methodology", False, "Agile", 10, 15, 2.5)
    scrum = Requirement("method.scrum", "Scrum", "method", True, "Scrum or Kanban", 20, 25, None, 1)
    kanban = Requirement(
        "method.kanban", "Kanban", "method", True, "Scrum or Kanban", 29, 35, 2.0, 1
    )
    exts = [
        Extraction(
            postings[0].id,
            [jira, agile, jira, scrum, kanban],
            5.0,
            Degree("bachelor", ["cs", "ee"]),
        ),
        Extraction(postings[1].id, [agile], None, Degree(None, [], False, True), "level.senior"),
        Extraction(postings[2].id, [], 3.0, None, None),
        Extraction(postings[4].id, [jira], 1.0),
        Extraction(postings[5].id, [jira]),
        Extraction(postings[6].id, [agile, jira], None, Degree("master", ["cs", "ee"], True)),
    ]
    ok = {"lever:acme": True, "greenhouse:beta": True, "ashby:gamma": True}
    with wh.staging("r1") as st:
        st.load_concepts(taxonomy)
        st.load_postings(postings, crawled_ok=ok, seen_at=DAY1)
        assert st.load_extractions(exts) == len(exts)
        st.publish()
    with wh.staging("r2") as st:
        st.load_postings(postings[:5] + postings[6:], crawled_ok=ok, seen_at=DAY2)
        st.set_duplicates({postings[3].id: [postings[4].id]})
        st.publish()
    return postings


def test_columnar_read_equals_the_row_by_row_read(wh: Warehouse, taxonomy) -> None:
    postings = _varied_warehouse(wh, taxonomy)
    with wh.reader() as rd:
        for with_text, name in (
            (True, "select_open_postings"),
            (False, "select_open_postings_without_text"),
        ):
            got = rd.open_postings(with_text=with_text)
            expected = _reference(rd.con, name)
            assert got == expected
            assert _types(got) == _types(expected)
    ids = [p.id for p, _ in got]
    assert ids == sorted(p.id for p in postings if not p.id.endswith((":5", ":6")))
    by_id = {p.id: e for p, e in got}
    assert by_id["greenhouse:beta:4"].requirements == []
    assert [(r.id, r.group) for r in by_id["lever:acme:1"].requirements] == [
        ("tool.jira", None),
        ("method.agile", None),
        ("tool.jira", None),
        ("method.scrum", 1),
        ("method.kanban", 1),
    ]


def test_read_values_are_not_shared_mutable_objects(wh: Warehouse, taxonomy) -> None:
    """Equal degree field lists and requirements come back as separate objects."""
    _varied_warehouse(wh, taxonomy)
    with wh.reader() as rd:
        pairs = dict((p.id, e) for p, e in rd.open_postings(with_text=False))
    first, other = pairs["lever:acme:1"], pairs["ashby:gamma:7"]
    assert first.degree is not None and other.degree is not None
    assert first.degree.fields == other.degree.fields == ["cs", "ee"]
    first.degree.fields.append("changed")
    assert other.degree.fields == ["cs", "ee"]
    first.requirements[0].required = False
    assert first.requirements[2].required is True  # the same stored values, its own object


def test_open_postings_after_an_unread_result_in_staging(wh: Warehouse, taxonomy) -> None:
    """A staging copy leaves results half-read (fetchone); the columnar read still works."""
    with wh.staging("r1") as st:
        st.load_postings([make_posting("lever:acme", 1)], crawled_ok={}, seen_at=DAY1)
        st.con.execute("SELECT * FROM range(10)").fetchone()
        assert [p.id for p, _ in st.open_postings()] == ["lever:acme:1"]
