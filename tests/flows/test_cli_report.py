"""`tpm-match report`: a registered candidate's report reads the stored matches; an
unregistered or edited profile is scored anew, with the same result as the stored one."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from matcher.taxonomy import Taxonomy
from tests.matcher.report_fixtures import make_warehouse

runner = CliRunner()


def _report(profile: str) -> dict:
    result = runner.invoke(app, ["report", "--profile", profile, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _mark_stored(wh: Path) -> None:
    """Put a sentinel in every stored breakdown: a report that shows it read the row."""
    with duckdb.connect(str(wh)) as con:
        con.execute(
            "UPDATE matches SET breakdown = "
            "CAST(json_merge_patch(breakdown, '{\"stored\": 1.0}') AS JSON)"
        )


def test_a_registered_candidate_s_report_reads_the_stored_matches(
    env: Path, taxonomy: Taxonomy, tmp_path: Path
) -> None:
    make_warehouse(env, taxonomy)
    unregistered = _report("examples/profile.yaml")  # scored here: nothing stored yet
    added = runner.invoke(app, ["candidates", "add", "examples/profile.yaml"])
    assert added.exit_code == 0, added.output
    assert _report("examples/profile.yaml") == unregistered  # stored = scored anew
    _mark_stored(env)
    stored = _report("examples/profile.yaml")
    assert stored["matches"] and all(m["breakdown"]["stored"] == 1.0 for m in stored["matches"])
    # an edited profile of the same candidate is scored anew, not read
    edited = tmp_path / "edited.yaml"
    text = Path("examples/profile.yaml").read_text(encoding="utf-8")
    edited.write_text(text.replace("years_experience: 6", "years_experience: 7"), "utf-8")
    fresh = _report(str(edited))
    assert fresh["candidate"]["candidate_id"] == stored["candidate"]["candidate_id"]
    assert not any("stored" in m["breakdown"] for m in fresh["matches"])


def test_a_report_by_candidate_id_reads_the_stored_matches(
    env: Path, taxonomy: Taxonomy, tmp_path: Path
) -> None:
    from flows.commands.report import write_report
    from flows.settings import load_settings
    from matcher.profile import candidate_id_for

    make_warehouse(env, taxonomy)
    assert runner.invoke(app, ["candidates", "add", "examples/profile.yaml"]).exit_code == 0
    _mark_stored(env)
    cid = candidate_id_for("Ada Example", "ada@example.com")
    path = write_report(load_settings(), cid, tmp_path / "r.json", "json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["matches"] and all("stored" in m["breakdown"] for m in data["matches"])


def test_a_bad_scoring_config_is_refused_naming_the_key(
    env: Path, taxonomy: Taxonomy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_warehouse(env, taxonomy)
    scoring = tmp_path / "scoring.yaml"
    text = Path("scoring.yaml").read_text(encoding="utf-8")
    scoring.write_text(text.replace("{year: 1,", "{year: 0,"), encoding="utf-8")
    monkeypatch.setenv("TPM_MATCH_SCORING_CONFIG_PATH", str(scoring))
    result = runner.invoke(app, ["report", "--profile", "examples/profile.yaml"])
    assert result.exit_code == 2, result.output
    flat = " ".join(result.output.split())
    assert f"{scoring}: key 'salary.period_factors.year': Input should be greater than 0" in flat
