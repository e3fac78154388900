"""Fixtures for the warehouse tests: real DuckDB files under tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from matcher.models import Extraction, Match, Posting, Requirement
from matcher.taxonomy import Taxonomy
from warehouse import RunRecord, Warehouse

DAY1 = datetime(2026, 11, 23, 2, 0)
DAY2 = datetime(2026, 11, 24, 2, 0)
DAY3 = datetime(2026, 11, 25, 2, 0)


def make_posting(board: str, n: int, **fields: Any) -> Posting:
    """A small posting on `board` ('lever:acme'); `fields` override the defaults."""
    source = board.split(":", 1)[0]
    values: dict[str, Any] = {
        "id": f"{board}:{n}",
        "source": source,
        "company": board.split(":", 1)[1].title(),
        "title": f"Technical Program Manager {n}",
        "url": f"https://jobs.example.test/{board.replace(':', '/')}/{n}",
        "description_text": f"Posting {n}: drive delivery with Jira and Agile.",
        "location": "Remote",
        "remote": True,
        "posted_at": "2026-11-20T09:00:00Z",
    }
    values.update(fields)
    return Posting(**values)


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "wh" / "tpm.duckdb")


@pytest.fixture
def posting() -> Callable[..., Posting]:
    return make_posting


#: Sample values for every saved query's parameters, matching `publish_demo_style`'s data.
SAMPLE_PARAMS = {
    "candidate_id": "ann",
    "company": "Acme",
    "concept": "tool.jira",
    "posting_id": "lever:acme:1",
    "run_id": "demo-r1",
}


def publish_demo_style(wh: Warehouse, taxonomy: Taxonomy) -> Warehouse:
    """Publish a small warehouse with rows in every table, loaded by the project's own code.

    Postings on two boards (one a duplicate of the other), requirements, a candidate with
    matches and a match event, a recorded run and a rejected row: every view and saved
    query returns rows.
    """
    postings = [
        make_posting("lever:acme", 1),
        make_posting("lever:acme", 2, description_text="Scrum and Jira; an MBA preferred."),
        make_posting("greenhouse:acme", 1),
    ]
    jira = Requirement("tool.jira", "Jira", "tool", True, "Jira", 30, 34)
    agile = Requirement("method.agile", "Agile", "method", False, "Agile", 39, 44)
    with wh.staging("demo-r1") as st:
        st.load_concepts(taxonomy)
        st.load_postings(
            [*postings, make_posting("lever:acme", 3, salary_min=-1.0)],  # a rejected row
            crawled_ok={"lever:acme": True, "greenhouse:acme": True},
            seen_at=DAY1,
        )
        st.load_extractions([Extraction(p.id, [jira, agile]) for p in postings])
        st.set_duplicates({"lever:acme:1": ["greenhouse:acme:1"]})
        st.upsert_candidate("ann", "Ann", {"name": "Ann"}, [("tool.jira", 5.0)])
        matches = [
            Match("ann", "lever:acme:1", 80.0, {"skills": 0.8}, ["tool.jira"], [], []),
            Match("ann", "lever:acme:2", 60.0, {"skills": 0.5}, ["tool.jira"], [], []),
        ]
        st.record_match_events(matches, min_score=70.0, improved_points=10.0)  # one `new`
        st.replace_matches(matches, "demo-r1")
        st.record_run(RunRecord("demo-r1", DAY1, "success", DAY2, {"load": {"new": 3}}, {}, {}))
        st.publish()
    return wh


@pytest.fixture
def demo_wh(tmp_path: Path, taxonomy: Taxonomy) -> Warehouse:
    """A published demo-style warehouse (see `publish_demo_style`)."""
    return publish_demo_style(Warehouse(tmp_path / "demo" / "tpm.duckdb"), taxonomy)
