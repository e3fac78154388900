"""`tpm-match crawl` and the nightly flow crawl through one API with the same settings."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from crawlers.demo_board import DemoBoard
from flows.cli import app
from flows.crawl_settings import scrapy_settings
from flows.settings import Settings, SettingsError

#: A demo posting the repository's taxonomy filters out (not a TPM title).
EXTRA_TITLE = "Site Reliability Engineer"


def _taxonomy_with_extra_title(repo_root: Path, tmp_path: Path) -> Path:
    data = yaml.safe_load((repo_root / "skills_taxonomy.yaml").read_text(encoding="utf-8"))
    data["role_titles"].append(EXTRA_TITLE.lower())
    path = tmp_path / "taxonomy.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_scrapy_settings_pass_the_configured_taxonomy(repo_root: Path, tmp_path: Path) -> None:
    taxonomy = _taxonomy_with_extra_title(repo_root, tmp_path)
    got = scrapy_settings(Settings(taxonomy_path=taxonomy, work_dir=tmp_path, http_cache=True))
    assert got["TPM_TAXONOMY_PATH"] == str(taxonomy.resolve())
    assert got["HTTPCACHE_ENABLED"] is True
    assert got["HTTPCACHE_DIR"] == str((tmp_path / "httpcache").resolve())
    with pytest.raises(SettingsError, match="does not exist"):
        scrapy_settings(Settings(taxonomy_path=tmp_path / "missing.yaml"))


@pytest.mark.slow
def test_cli_and_nightly_crawl_the_same_with_the_configured_taxonomy(
    repo_root: Path, tmp_path: Path
) -> None:
    from flows.tasks import Opaque, crawl_partition_task

    taxonomy = _taxonomy_with_extra_title(repo_root, tmp_path)
    settings = Settings(taxonomy_path=taxonomy, work_dir=tmp_path / "out", crawl_retries=0)
    with DemoBoard() as board:
        sources = board.sources()
        nightly = crawl_partition_task.fn(settings, Opaque(sources), taxonomy.read_bytes())
        sources_yaml = board.write_sources_yaml(tmp_path / "sources.yaml")
        out = tmp_path / "cli.jsonl"
        env = {
            "TPM_MATCH_TAXONOMY_PATH": str(taxonomy),
            "TPM_MATCH_WORK_DIR": str(tmp_path / "out"),
            "TPM_MATCH_CRAWL_RETRIES": "0",
        }
        cli = CliRunner().invoke(
            app, ["crawl", "--sources", str(sources_yaml), "--out", str(out)], env=env
        )
    assert cli.exit_code == 0, cli.output
    assert all(r.ok for r in nightly.results.values())
    nightly_rows = [asdict(p) for postings in nightly.postings.values() for p in postings]
    cli_rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["id"] for r in cli_rows) == sorted(r["id"] for r in nightly_rows)
    # the configured taxonomy's extra role title kept that posting in both
    assert any(r["title"] == EXTRA_TITLE for r in cli_rows)
