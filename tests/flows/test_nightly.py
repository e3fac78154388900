"""The nightly flow end to end on the demo board (real Scrapy subprocesses, real DuckDB).

Runs under a temporary Prefect server (`prefect_test_harness`). Covers: a full run with a
registered candidate (postings, extractions, matches, a `success` run row), a second run
with nothing changed (nothing re-extracted, counts unchanged), a board that fails among
good ones (`partial`, the good ones loaded, the failed one closes nothing), every board
failing (the flow fails, the warehouse's data stays as it was), and a crash before
publishing (the staging copy is discarded).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawlers.demo_board import DemoBoard
from crawlers.sources import Source, dump_sources
from flows.candidates import add_candidate
from flows.settings import Settings
from matcher.report.safe import md_text
from tests.flows.prefect_server import free_port
from warehouse import Warehouse

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

#: The demo board's TPM postings (crawlers/demo/README.md: 55 kept of 79).
DEMO_KEPT = 55


@pytest.fixture
def board() -> Iterator[DemoBoard]:
    with DemoBoard() as demo:
        yield demo


def _counts(settings: Settings) -> dict[str, int]:
    with Warehouse(settings.warehouse_path).reader() as rd:
        con = rd.con
        return {
            name: int(con.execute(sql).fetchone()[0])  # type: ignore[index]
            for name, sql in {
                "postings": "SELECT count(*) FROM postings",
                "open": "SELECT count(*) FROM postings WHERE closed_at IS NULL",
                "requirements": "SELECT count(*) FROM posting_requirements",
                "matches": "SELECT count(*) FROM matches",
                "runs": "SELECT count(*) FROM runs",
            }.items()
        }


def _artifact_of(run_id: str) -> str:
    """The markdown of the nightly artifact written by run `run_id`.

    Through the REST endpoint: prefect 3.8.8's `read_artifacts` sends explicit nulls that
    this server version refuses (422).
    """
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        response = client._client.post(
            "/artifacts/filter", json={"artifacts": {"key": {"any_": ["tpm-match-nightly"]}}}
        )
    response.raise_for_status()
    texts = [str(a["data"]) for a in response.json() if run_id in str(a["data"])]
    assert texts, f"no nightly artifact for run {run_id}"
    return texts[0]


def test_demo_run_then_a_second_run_with_no_changes(
    board: DemoBoard, flow_settings: Settings, repo_root: Path
) -> None:
    from flows.nightly import nightly

    board.write_sources_yaml(flow_settings.sources_path)
    registered = add_candidate(flow_settings, repo_root / "examples" / "profile.yaml")
    assert registered.open_postings == 0  # an empty warehouse: scored again tonight

    first = nightly(flow_settings)
    assert first["status"] == "success", first
    stages = first["stage_counts"]
    assert stages["crawl"] == {"sources": 13, "ok": 13, "failed": 0, "postings": DEMO_KEPT}
    assert stages["extract"]["new_or_changed"] == DEMO_KEPT
    assert stages["extract"]["loaded"] == DEMO_KEPT
    assert stages["load"]["new"] == DEMO_KEPT
    assert stages["score"]["candidates"] == 1
    assert stages["score"]["matches"] == stages["score"]["explained"] > 0
    assert set(first["source_counts"]) == {s.key for s in board.sources()}
    counts = _counts(flow_settings)
    assert counts["open"] == DEMO_KEPT
    assert counts["requirements"] > DEMO_KEPT  # several asks per posting
    assert counts["matches"] == stages["score"]["matches"]
    with Warehouse(flow_settings.warehouse_path).reader() as rd:
        run = rd.latest_run()
        assert run is not None and run.run_id == first["run_id"] and run.status == "success"
        assert run.stage_counts["load"]["new"] == DEMO_KEPT
        top = rd.matches_for(registered.facts.candidate_id, top=5)
    assert top and top[0].match.score >= top[-1].match.score

    artifact = _artifact_of(first["run_id"])
    assert "**success**" in artifact and md_text("greenhouse:helix-health") in artifact
    assert "Biggest changes in skill demand" in artifact
    # an empty warehouse before: every change is new demand
    assert first["demand_changes"] and all(
        c["before"] == 0 and c["after"] > 0 for c in first["demand_changes"]
    )

    second = nightly(flow_settings)
    assert second["status"] == "success", second
    assert second["stage_counts"]["extract"]["new_or_changed"] == 0
    assert second["stage_counts"]["extract"]["extracted"] == 0
    assert second["stage_counts"]["load"]["unchanged"] == DEMO_KEPT
    assert second["stage_counts"]["load"]["new"] == second["stage_counts"]["load"]["changed"] == 0
    score = second["stage_counts"]["score"]  # nothing changed: every explanation is reused
    assert score["explained"] == 0 and score["reused"] == score["matches"]
    after = _counts(flow_settings)
    assert {k: v for k, v in after.items() if k != "runs"} == {
        k: v for k, v in counts.items() if k != "runs"
    }
    assert after["runs"] == counts["runs"] + 1
    assert second["demand_changes"] == []  # nothing changed, so no demand moved


def _bad_sources(board: DemoBoard) -> list[Source]:
    return [
        # a board the server does not have: 404
        Source(type="greenhouse", board="no-such-board", api_base=board.base_url),
        # nothing listens on this port
        Source(type="lever", company="closed-port", api_base=f"http://127.0.0.1:{free_port()}"),
    ]


def test_failing_sources_give_a_partial_run_and_the_others_load(
    board: DemoBoard, flow_settings: Settings
) -> None:
    from flows.nightly import nightly

    good = [s for s in board.sources() if s.type in ("greenhouse", "ashby")]
    sources = good + _bad_sources(board)
    flow_settings.sources_path.write_text(dump_sources(sources), encoding="utf-8")
    flow_settings.failing_source_nights = 1  # flag a board failing tonight (1 night in a row)

    summary = nightly(flow_settings)

    assert summary["status"] == "partial", summary
    crawl = summary["stage_counts"]["crawl"]
    assert (crawl["sources"], crawl["ok"], crawl["failed"]) == (len(sources), len(good), 2)
    assert set(summary["source_errors"]) >= {"greenhouse:no-such-board", "lever:closed-port"}
    assert not summary["source_counts"]["lever:closed-port"]["ok"]
    loaded = sum(summary["source_counts"][s.key]["kept"] for s in good)
    assert loaded > 0 and _counts(flow_settings)["open"] == loaded
    with Warehouse(flow_settings.warehouse_path).reader() as rd:
        run = rd.latest_run()
    assert run is not None and run.status == "partial"
    assert "greenhouse:no-such-board" in run.source_errors
    failing = {"greenhouse:no-such-board": 1, "lever:closed-port": 1}
    assert summary["failing_sources"] == run.failing_sources == failing


def test_every_source_failing_fails_the_flow_and_keeps_the_data(
    board: DemoBoard, flow_settings: Settings
) -> None:
    from flows.nightly import nightly

    flow_settings.sources_path.write_text(
        dump_sources([s for s in board.sources() if s.type == "lever"]), encoding="utf-8"
    )
    assert nightly(flow_settings)["status"] == "success"
    before = _counts(flow_settings)

    flow_settings.sources_path.write_text(dump_sources(_bad_sources(board)), encoding="utf-8")
    with pytest.raises(RuntimeError, match="every source failed"):
        nightly(flow_settings)

    after = _counts(flow_settings)
    assert after == {**before, "runs": before["runs"] + 1}  # only the run record is new
    with Warehouse(flow_settings.warehouse_path).reader() as rd:
        run = rd.latest_run()
    assert run is not None and run.status == "failed"


def test_a_crash_before_publishing_discards_staging(
    board: DemoBoard, flow_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.nightly
    from flows.nightly import nightly

    flow_settings.sources_path.write_text(
        dump_sources([s for s in board.sources() if s.type == "ashby"]), encoding="utf-8"
    )
    assert nightly(flow_settings)["status"] == "success"
    before = _counts(flow_settings)

    def broken_dedup(*args: object, **kwargs: object) -> dict[str, list[str]]:
        raise RuntimeError("dedup exploded")

    # the crawl of a board with more postings would change the warehouse if published
    flow_settings.sources_path.write_text(dump_sources(board.sources()), encoding="utf-8")
    monkeypatch.setattr(flows.nightly, "find_duplicates", broken_dedup)
    with pytest.raises(RuntimeError, match="dedup exploded"):
        nightly(flow_settings)

    assert _counts(flow_settings) == {**before, "runs": before["runs"] + 1}
    wh = Warehouse(flow_settings.warehouse_path)
    assert not wh.staging_path.exists()
    with wh.reader() as rd:
        run = rd.latest_run()
    assert run is not None and run.status == "failed"
    assert any("dedup exploded" in e for e in run.source_errors["*"])


def _open_by_source(settings: Settings) -> dict[str, int]:
    with Warehouse(settings.warehouse_path).reader() as rd:
        rows = rd.con.execute(
            "SELECT source_key, count(*) FROM postings WHERE closed_at IS NULL GROUP BY ALL"
        ).fetchall()
    return {key: int(n) for key, n in rows}


def _matched(settings: Settings) -> set[str]:
    """The ids of the postings with a stored match."""
    with Warehouse(settings.warehouse_path).reader() as rd:
        rows = rd.con.execute("SELECT DISTINCT posting_id FROM matches").fetchall()
    return {r[0] for r in rows}


def _of(ids: set[str], keys: set[str]) -> set[str]:
    return {i for i in ids if ":".join(i.split(":", 2)[:2]) in keys}


def test_posting_lifecycle_over_several_nights(
    flow_settings: Settings, repo_root: Path, tmp_path: Path
) -> None:
    """An empty answer holds a board one night; a second closes it; a board removed from
    sources.yaml closes at once; a board failing `close_after_nights` runs closes; the
    other boards' postings and matches stay throughout."""
    from flows.nightly import nightly

    root = tmp_path / "boards"
    shutil.copytree(repo_root / "crawlers" / "demo" / "boards", root)
    flow_settings.close_after_nights = 2
    add_candidate(flow_settings, repo_root / "examples" / "profile.yaml")
    with DemoBoard(root) as demo:
        sources = [s for s in demo.sources() if s.type != "jsonld"]
        flow_settings.sources_path.write_text(dump_sources(sources), encoding="utf-8")
        first = nightly(flow_settings)
        assert first["status"] == "success", first
        before = _open_by_source(flow_settings)
        assert set(before) == {s.key for s in sources}
        matched = _matched(flow_settings)
        assert matched

        (root / "greenhouse" / "helix-health.json").write_text('{"jobs": []}')  # a 200, empty
        held = nightly(flow_settings)
        assert held["status"] == "partial", held
        helix = before["greenhouse:helix-health"]
        assert held["held_sources"] == {"greenhouse:helix-health": {"open": helix, "seen": 0}}
        assert held["stage_counts"]["load"]["closed"] == 0
        assert _open_by_source(flow_settings) == before  # nothing lost
        assert _matched(flow_settings) == matched
        with Warehouse(flow_settings.warehouse_path).reader() as rd:
            run = rd.latest_run()
        assert run is not None and run.status == "partial"
        assert run.held_sources == held["held_sources"]
        artifact = _artifact_of(held["run_id"])
        assert "kept open tonight" in artifact and md_text("greenhouse:helix-health") in artifact

        second = nightly(flow_settings)  # empty a second night in a row: closed
        assert second["status"] == "success", second
        assert second["held_sources"] == {}
        assert second["stage_counts"]["load"]["closed"] == helix
        now = _open_by_source(flow_settings)
        assert now == {k: v for k, v in before.items() if k != "greenhouse:helix-health"}
        after = _matched(flow_settings)  # the other boards' matches stay, helix's are gone
        assert _of(matched, set(now)) <= after == _of(after, set(now))

        # ashby:ledgerly leaves sources.yaml; ashby:kestrel-security starts answering 404
        kept = [s for s in sources if s.key != "ashby:ledgerly"]
        flow_settings.sources_path.write_text(dump_sources(kept), encoding="utf-8")
        (root / "ashby" / "kestrel-security.json").unlink()
        removed = nightly(flow_settings)
        assert removed["status"] == "partial", removed  # the 404
        assert removed["stage_counts"]["load"]["closed_removed"] == before["ashby:ledgerly"]
        assert removed["stage_counts"]["load"]["closed_unseen"] == 0  # 1 night unseen of 2
        assert "ashby:ledgerly" not in _open_by_source(flow_settings)
        assert "ashby:kestrel-security" in _open_by_source(flow_settings)

        gone = nightly(flow_settings)  # the 404 board's second night unseen: closed
        kestrel = before["ashby:kestrel-security"]
        assert gone["stage_counts"]["load"]["closed_unseen"] == kestrel
        closed = {"greenhouse:helix-health", "ashby:ledgerly", "ashby:kestrel-security"}
        others = {k: v for k, v in before.items() if k not in closed}
        assert others and _open_by_source(flow_settings) == others  # the others stay
        final = _matched(flow_settings)
        assert _of(matched, set(others)) <= final == _of(final, set(others))
