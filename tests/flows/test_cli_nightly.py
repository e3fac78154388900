"""`tpm-match nightly` as a user runs it (a subprocess): board text in its summary is
printed as text, and a bad scoring config is refused before anything is crawled."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from warehouse import Warehouse


def _env(tmp_path: Path, repo_root: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "TPM_MATCH_WAREHOUSE_PATH": str(tmp_path / "wh" / "tpm.duckdb"),
        "TPM_MATCH_WORK_DIR": str(tmp_path / "work"),
        "TPM_MATCH_TAXONOMY_PATH": str(repo_root / "skills_taxonomy.yaml"),
        "TPM_MATCH_SCORING_CONFIG_PATH": str(repo_root / "scoring.yaml"),
        "TPM_MATCH_CRAWL_RETRIES": "0",
        "COLUMNS": "300",
        **extra,
    }


@pytest.mark.slow  # a temporary Prefect server and a Scrapy crawl process
def test_markup_in_board_errors_does_not_fail_a_published_night(
    hostile_sources: Path, tmp_path: Path, repo_root: Path
) -> None:
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("tpm-match")),
            "nightly",
            "--sources",
            str(hostile_sources),
        ],
        cwd=repo_root,
        env=_env(tmp_path, repo_root),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "greenhouse:shape" in run.stderr and "got ['[/]']" in run.stderr
    with Warehouse(tmp_path / "wh" / "tpm.duckdb").reader() as rd:
        status = rd.con.execute("SELECT status FROM runs").fetchall()
        titles = rd.con.execute("SELECT title FROM postings").fetchall()
    assert status == [("partial",)] and len(titles) == 1 and "[/]" in titles[0][0]


def test_a_bad_scoring_config_is_refused_before_crawling(tmp_path: Path, repo_root: Path) -> None:
    scoring = tmp_path / "scoring.yaml"
    text = (repo_root / "scoring.yaml").read_text(encoding="utf-8")
    scoring.write_text(text.replace("required: 45", "required: .inf"), encoding="utf-8")
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - {type: greenhouse, board: acme}\n", encoding="utf-8")
    env = _env(tmp_path, repo_root, TPM_MATCH_SCORING_CONFIG_PATH=str(scoring))
    result = CliRunner().invoke(app, ["nightly", "--sources", str(sources)], env=env)
    assert result.exit_code == 2, result.output
    flat = " ".join(result.output.split())
    assert f"{scoring}: key 'components.required': Input should be a finite number" in flat
    assert not (tmp_path / "work").exists() and not (tmp_path / "wh").exists()
