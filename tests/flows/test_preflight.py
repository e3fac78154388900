"""The nightly's preflight: the warehouse folder is writable, has room, and is not locked."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.preflight import check_inputs
from flows.settings import Settings
from tests.warehouse.test_store import publish_empty

runner = CliRunner()


@pytest.fixture
def settings(flow_settings: Settings, repo_root: Path) -> Settings:
    return flow_settings.model_copy(update={"sources_path": repo_root / "sources.yaml"})


def test_a_fresh_or_published_warehouse_passes(settings: Settings) -> None:
    assert check_inputs(settings) == []  # the folder does not exist yet: the load makes it
    publish_empty(settings.warehouse_path)
    assert check_inputs(settings) == []


def test_a_folder_that_cannot_be_written_is_refused(settings: Settings) -> None:
    folder = settings.warehouse_path.parent
    folder.write_text("a file where the folder should be", encoding="utf-8")
    (problem,) = check_inputs(settings)
    assert problem.startswith(f"{folder}: not a writable folder")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_a_read_only_folder_is_refused(settings: Settings) -> None:
    settings.warehouse_path.parent.mkdir(mode=0o555)
    (problem,) = check_inputs(settings)
    assert "not a writable folder" in problem


def test_no_room_for_the_staging_copy_is_refused(settings: Settings) -> None:
    settings.warehouse_path.parent.mkdir()
    folder = settings.warehouse_path.parent
    with settings.warehouse_path.open("wb") as sparse:  # big on paper, no blocks used
        sparse.truncate(os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize)
    (problem,) = check_inputs(settings)
    assert "for its staging copy; free some space" in problem and problem.startswith(str(folder))


def test_a_running_load_is_found_before_crawling(settings: Settings) -> None:
    publish_empty(settings.warehouse_path)
    before = settings.warehouse_path.read_bytes()
    lock = os.open(f"{settings.warehouse_path}.lock", os.O_RDWR)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another load holds it
        (problem,) = check_inputs(settings)
        assert "another load is running" in problem
        env = {
            "TPM_MATCH_WAREHOUSE_PATH": str(settings.warehouse_path),
            "TPM_MATCH_TAXONOMY_PATH": str(settings.taxonomy_path),
            "TPM_MATCH_SCORING_CONFIG_PATH": str(settings.scoring_config_path),
            "TPM_MATCH_SOURCES_PATH": str(settings.sources_path),
            "TPM_MATCH_WORK_DIR": str(settings.work_dir),
        }
        result = runner.invoke(app, ["nightly"], env=env)
    finally:
        os.close(lock)
    assert result.exit_code == 2
    assert "another load is running" in " ".join(result.output.split())
    assert not settings.work_dir.exists()  # nothing crawled, no run started
    assert settings.warehouse_path.read_bytes() == before
    assert check_inputs(settings) == []  # free again once the other load ends
