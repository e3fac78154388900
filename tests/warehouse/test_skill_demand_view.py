"""v_skill_demand folds requirements per posting before joining weeks: same rows as before."""

from __future__ import annotations

from datetime import timedelta

from matcher.models import Extraction, Requirement
from tests.warehouse.conftest import DAY1, make_posting
from warehouse import Warehouse

# The view as first written (week computed per requirement row); the oracle.
ORIGINAL_VIEW = """
WITH per_posting AS (
    SELECT
        strftime(p.first_seen, '%G-W%V') AS week,
        r.posting_id,
        r.concept_id,
        any_value(r.name) AS name,
        any_value(r.kind) AS kind,
        bool_or(r.required) AS required
    FROM posting_requirements AS r
    JOIN postings AS p ON p.id = r.posting_id
    WHERE p.closed_at IS NULL AND p.duplicate_of IS NULL
    GROUP BY week, r.posting_id, r.concept_id
)
SELECT
    pp.week,
    pp.concept_id,
    coalesce(any_value(c.name), any_value(pp.name)) AS concept_name,
    any_value(pp.kind) AS kind,
    count(*) FILTER (WHERE pp.required) AS required_count,
    count(*) FILTER (WHERE NOT pp.required) AS preferred_count,
    count(*) AS total_count
FROM per_posting AS pp
LEFT JOIN concepts AS c ON c.id = pp.concept_id
GROUP BY pp.week, pp.concept_id
ORDER BY week, total_count DESC, concept_id
"""


def _req(cid: str, name: str, required: bool, kind: str = "tool") -> Requirement:
    return Requirement(cid, name, kind, required, name, 0, len(name))


def test_view_rows_equal_the_original_definition(wh: Warehouse, taxonomy) -> None:
    week1 = [make_posting("lever:acme", i) for i in range(4)]
    week2 = [make_posting("greenhouse:beta", i) for i in range(4)]
    jira, agile = _req("tool.jira", "Jira", True), _req("method.agile", "Agile", False, "method")
    unknown = _req("tool.not_in_taxonomy", "Homegrown tool", True)
    exts = [
        Extraction(week1[0].id, [jira, agile]),
        Extraction(week1[1].id, [jira, _req("tool.jira", "Jira", False)]),  # required wins
        Extraction(week1[2].id, [agile, agile, unknown]),
        Extraction(week1[3].id, [jira]),  # closed on day 2
        Extraction(week2[0].id, [_req("tool.jira", "Jira", False), unknown]),
        Extraction(week2[1].id, [jira]),  # marked a duplicate
        Extraction(week2[2].id, []),
        Extraction(week2[3].id, [agile, jira]),
    ]
    day2 = DAY1 + timedelta(days=8)
    with wh.staging("r1") as st:
        st.load_concepts(taxonomy)
        st.load_postings(week1, crawled_ok={}, seen_at=DAY1)
        st.publish()
    with wh.staging("r2") as st:
        st.load_postings(week1[:3] + week2, crawled_ok={"lever:acme": True}, seen_at=day2)
        assert st.load_extractions(exts) == len(exts)
        st.set_duplicates({week2[0].id: [week2[1].id]})
        st.publish()
    with wh.reader() as rd:
        got = [
            (r.week, r.concept_id, r.concept_name, r.kind, r.required_count,
             r.preferred_count, r.total_count)
            for r in rd.skill_demand()
        ]  # fmt: skip
        expected = rd.con.execute(ORIGINAL_VIEW).fetchall()
        totals = rd.demand_totals()
    assert got == expected
    summed: dict[str, tuple[str, int]] = {}
    for _, cid, name, _, _, _, total in got:
        summed[cid] = (name, summed.get(cid, ("", 0))[1] + total)
    assert totals == summed and totals["tool.jira"][1] == 4
    weeks = {row[0] for row in got}
    assert len(weeks) == 2
    assert ("tool.not_in_taxonomy", "Homegrown tool") in {(row[1], row[2]) for row in got}
    first_week_jira = next(r for r in got if r[1] == "tool.jira" and r[0] == min(weeks))
    assert first_week_jira[4:] == (2, 0, 2)  # the closed posting is not counted
