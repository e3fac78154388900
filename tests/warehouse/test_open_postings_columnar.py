"""open_postings reads Arrow columns: what was loaded comes back, with the stored types."""

from __future__ import annotations

from dataclasses import replace

from matcher.models import Degree, Extraction, Posting, Requirement
from tests.warehouse.conftest import DAY1, DAY2, make_posting
from warehouse import Warehouse
from warehouse.validate import parse_timestamp


def _varied_warehouse(wh: Warehouse, taxonomy) -> tuple[list[Posting], list[Extraction]]:
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
    return postings, exts


def _stored(posting: Posting) -> Posting:
    """`posting` as the warehouse gives it back: times as naive UTC ISO text, no HTML."""
    times = {
        name: stamp.isoformat() if (stamp := parse_timestamp(getattr(posting, name))) else None
        for name in ("posted_at", "fetched_at")
    }
    return replace(posting, description_html=None, **times)


def test_columnar_read_gives_back_what_was_loaded(wh: Warehouse, taxonomy) -> None:
    postings, exts = _varied_warehouse(wh, taxonomy)
    open_ids = sorted(p.id for p in postings if not p.id.endswith((":5", ":6")))
    by_id = {p.id: p for p in postings}
    ext_by_id = {e.id: e for e in exts}
    with wh.reader() as rd:
        got = rd.open_postings()
        without_text = rd.open_postings(with_text=False)
    assert [p.id for p, _ in got] == open_ids
    for posting, ext in got:
        assert posting == _stored(by_id[posting.id])
        assert ext == ext_by_id.get(posting.id, Extraction(posting.id))
    assert [e for _, e in without_text] == [e for _, e in got]
    first, first_ext = got[open_ids.index("lever:acme:1")]
    assert type(first.salary_min) is float and type(first_ext.requirements[0].start) is int
    assert [(r.id, r.group) for r in first_ext.requirements] == [
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
