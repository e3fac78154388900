"""Alternative groups and broader concepts end to end: the nightly flow on the demo board.

A candidate holding PMP, Scrum and Google Cloud Platform is matched against the demo
postings that ask for "PMP or PgMP", "AWS, Azure or GCP", "Agile experience" and "Scrum
or Kanban coaching" (crawlers/demo/boards/greenhouse/tidewater-freight.json): the stored
matches and the report built from them show no missing line and no penalty for the
members they do not hold.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawlers.demo_board import DemoBoard
from flows.candidates import add_candidate
from flows.commands.report import candidate_report
from flows.settings import Settings
from matcher.report import render
from warehouse import Warehouse

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

PROFILE = """\
name: Gale Group
email: gale@example.com
years_experience: 7
current_title: Technical Program Manager
location: Portland, OR
remote: any
skills: [Scrum, Google Cloud Platform, Jira, Confluence, program management]
certifications: [PMP]
"""
BOARD = "greenhouse:tidewater-freight:"
UNHELD = {"credential.pgmp", "tool.aws", "tool.azure", "method.agile", "method.kanban"}


@pytest.fixture
def board() -> Iterator[DemoBoard]:
    with DemoBoard() as demo:
        yield demo


def test_one_member_held_means_no_missing_line_and_no_penalty(
    board: DemoBoard, flow_settings: Settings, tmp_path: Path
) -> None:
    from flows.nightly import nightly

    board.write_sources_yaml(flow_settings.sources_path)
    profile = tmp_path / "gale.yaml"
    profile.write_text(PROFILE, encoding="utf-8")
    registered = add_candidate(flow_settings, profile)
    assert {"credential.pmp", "method.scrum", "tool.gcp"} <= set(registered.facts.concepts)
    flow_settings = flow_settings.model_copy(update={"top_k": 60})
    assert nightly(flow_settings)["status"] == "success"
    with Warehouse(flow_settings.warehouse_path).reader() as rd:
        stored = rd.matches_for(registered.facts.candidate_id, top=60)
    ours = {s.match.posting_id: s.match for s in stored if s.match.posting_id.startswith(BOARD)}
    assert len(ours) == 3
    for match in ours.values():
        assert not UNHELD & {*match.missing_required, *match.missing_preferred}, match
        assert match.breakdown["credential_penalty"] == 0
    report = candidate_report(flow_settings, registered.facts, top=60)
    data = json.loads(render(report, "json"))
    items = {
        (m["posting_id"], r["id"]): r
        for m in data["matches"]
        if m["posting_id"].startswith(BOARD)
        for r in m["matched"]
    }
    vias = {r["via"]["concept_id"] for r in items.values() if r["via"]}
    assert {"tool.gcp", "method.scrum"} <= vias  # AWS, Azure or GCP; Agile
    text = " ".join(render(report, "md").replace("\\", "").split())
    for held in ("Project Management Professional (PMP)", "Scrum", "Google Cloud Platform"):
        assert f"met by {held}" in text
