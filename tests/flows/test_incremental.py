"""A second night with one changed posting: only it is re-parsed, re-extracted, re-explained.

The demo board is copied to a temporary folder so that one Greenhouse job can be edited
between the nights (real Scrapy subprocesses, real DuckDB, a temporary Prefect server).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from crawlers.demo_board import DEFAULT_ROOT, DemoBoard
from flows.candidates import add_candidate
from flows.settings import Settings
from warehouse import Warehouse

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

BOARD = "helix-health"
JOB_ID = 5121409  # 'Technical Project Manager, EHR Integrations'
ADDED = "&lt;p&gt;Hands-on experience with Kubernetes is required.&lt;/p&gt;"


def _rows(settings: Settings, sql: str, *params: object) -> list[tuple]:
    with Warehouse(settings.warehouse_path).reader() as rd:
        return rd.con.execute(sql, list(params)).fetchall()


def test_a_changed_posting_is_reparsed_reextracted_and_rescored(
    tmp_path: Path, flow_settings: Settings, repo_root: Path
) -> None:
    from flows.nightly import nightly

    root = tmp_path / "board"
    shutil.copytree(DEFAULT_ROOT, root)
    posting_id = f"greenhouse:{BOARD}:{JOB_ID}"
    with DemoBoard(root=root) as board:
        board.write_sources_yaml(flow_settings.sources_path)
        add_candidate(flow_settings, repo_root / "examples" / "profile.yaml")
        first = nightly(flow_settings)
        assert first["status"] == "success", first
        kept = first["stage_counts"]["crawl"]["postings"]
        before = _rows(
            flow_settings,
            "SELECT score, missing_required, missing_preferred FROM matches WHERE posting_id = ?",
            posting_id,
        )
        assert before, "the posting to edit was not scored on the first night"

        path = root / "greenhouse" / f"{BOARD}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        job = next(j for j in data["jobs"] if j["id"] == JOB_ID)
        job["content"] += ADDED
        path.write_text(json.dumps(data), encoding="utf-8")
        second = nightly(flow_settings)

    assert second["status"] == "success", second
    stages = second["stage_counts"]
    assert stages["crawl"]["postings"] == kept
    assert stages["extract"]["new_or_changed"] == stages["extract"]["extracted"] == 1
    assert stages["load"]["changed"] == 1 and stages["load"]["unchanged"] == kept - 1
    # the crawl reused last night's parse of every unchanged job of the edited board
    log = flow_settings.work_dir / "crawl" / second["run_id"] / "crawl.log"
    text = log.read_text(encoding="utf-8")
    assert "'tpm/crawl_cache/hits': " in text and "'tpm/crawl_cache/misses': " in text
    # the new requirement is stored and the match explains it
    concepts = {
        r[0]
        for r in _rows(
            flow_settings,
            "SELECT concept_id FROM posting_requirements WHERE posting_id = ?",
            posting_id,
        )
    }
    assert "tool.kubernetes" in concepts
    moved = {c["concept_id"]: c["after"] - c["before"] for c in second["demand_changes"]}
    assert moved.get("tool.kubernetes") == 1, second["demand_changes"]
    after = _rows(
        flow_settings,
        "SELECT score, missing_required, missing_preferred FROM matches WHERE posting_id = ?",
        posting_id,
    )
    missing = [*after[0][1], *after[0][2]]
    assert any("Kubernetes" in m or "kubernetes" in m for m in missing), after
    assert after != before
    memo = flow_settings.work_dir / "cache" / "score" / "explanations.json"
    assert (
        len(json.loads(memo.read_text(encoding="utf-8"))["matches"]) == stages["score"]["matches"]
    )


def test_the_explanation_memo_round_trips_and_a_stale_one_is_empty(tmp_path: Path) -> None:
    from flows.tasks import load_memo, save_memo
    from matcher.models import Match
    from matcher.scoring_memo import ExplainMemo

    match = Match(
        "c1", "p1", 71.5, {"coverage": 60.25, "credential_penalty": 0.0}, ["A"], [], ["B"]
    )
    memo = ExplainMemo(current={"k1": match})
    path = tmp_path / "memo.json"
    save_memo(path, "ctx", memo)
    loaded = load_memo(path, "ctx")
    assert loaded is not None and loaded.previous == {"k1": match}
    assert load_memo(path, "other ctx").previous == {}  # another taxonomy or config
    path.write_text("{torn", encoding="utf-8")
    assert load_memo(path, "ctx").previous == {}
    assert load_memo(None, "ctx") is None
