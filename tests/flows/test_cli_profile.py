"""A candidate with only a résumé: `profile init` drafts a profile that `candidates add`
takes unchanged, and `report --resume` works without a profile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from matcher.profile import load_profile
from matcher.taxonomy import Taxonomy
from tests.matcher.report_fixtures import make_warehouse
from tests.matcher.resume_fixtures import MARKDOWN_RESUME, two_column_pdf

runner = CliRunner()


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    path = tmp_path / "kim_columns_cv.pdf"
    path.write_bytes(two_column_pdf())
    return path


def test_profile_init_drafts_a_profile_that_candidates_add_takes(
    env: Path, taxonomy: Taxonomy, tmp_path: Path, pdf: Path
) -> None:
    make_warehouse(env, taxonomy)
    out = tmp_path / "drafts" / "kim.yaml"
    result = runner.invoke(app, ["profile", "init", "--resume", str(pdf), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote a draft profile for Kim Columns to {out}" in " ".join(result.stderr.split())
    profile = load_profile(out)  # valid as written
    assert profile.name == "Kim Columns"
    assert {"Jira", "Kanban", "SQL"} <= {
        s if isinstance(s, str) else s.skill for s in profile.skills
    }
    assert profile.certifications == ["Certified ScrumMaster (CSM)"]
    assert profile.years_experience is not None and profile.years_experience > 10
    added = runner.invoke(app, ["candidates", "add", str(out)])
    assert added.exit_code == 0, added.output
    assert "Kim Columns" in added.output


def test_profile_init_does_not_overwrite_without_force(
    env: Path, tmp_path: Path, pdf: Path
) -> None:
    out = tmp_path / "kim.yaml"
    out.write_text("name: Someone Else\n", encoding="utf-8")
    refused = runner.invoke(app, ["profile", "init", "--resume", str(pdf), "--out", str(out)])
    assert refused.exit_code == 2
    assert "exists; pass --force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "name: Someone Else\n"
    forced = runner.invoke(
        app, ["profile", "init", "--resume", str(pdf), "--out", str(out), "--force"]
    )
    assert forced.exit_code == 0, forced.output
    assert load_profile(out).name == "Kim Columns"


def test_profile_init_prints_the_draft_and_takes_a_name(env: Path, tmp_path: Path) -> None:
    cv = tmp_path / "cv.md"
    cv.write_text(MARKDOWN_RESUME, encoding="utf-8")
    result = runner.invoke(app, ["profile", "init", "--resume", str(cv), "--name", "G. Sample"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[3].startswith("name: G. Sample")
    bad = runner.invoke(app, ["profile", "init", "--resume", str(tmp_path / "cv.docx")])
    assert bad.exit_code == 2
    assert "a résumé must be .txt, .md, .pdf" in " ".join(bad.stderr.split())


def _report(*args: str) -> dict:
    result = runner.invoke(app, ["report", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_report_from_a_resume_alone(
    env: Path, taxonomy: Taxonomy, tmp_path: Path, pdf: Path
) -> None:
    make_warehouse(env, taxonomy)
    data = _report("--resume", str(pdf))
    candidate = data["candidate"]
    assert candidate["name"] == "Kim Columns"  # the résumé's first line
    assert {"tool.jira", "credential.csm"} <= {c["id"] for c in candidate["concepts"]}
    assert candidate["years_experience"] > 10  # from the date ranges
    assert data["matches"]
    renamed = _report("--resume", str(pdf), "--name", "Kim C.")
    assert renamed["candidate"]["name"] == "Kim C."
    # no name in the résumé: the file name gives it
    nameless = tmp_path / "lee_nameless-resume.md"
    nameless.write_text("EXPERIENCE\n- 5 years of Jira administration\n", encoding="utf-8")
    assert _report("--resume", str(nameless))["candidate"]["name"] == "Lee Nameless"


def test_report_says_what_it_needs(env: Path, tmp_path: Path) -> None:
    nothing = runner.invoke(app, ["report"])
    assert nothing.exit_code == 2
    assert "give --resume CV" in nothing.stderr and "profile init" in nothing.stderr
    both = runner.invoke(app, ["report", "--profile", "examples/profile.yaml", "--name", "X"])
    assert both.exit_code == 2 and "--name is for a résumé without --profile" in both.stderr
