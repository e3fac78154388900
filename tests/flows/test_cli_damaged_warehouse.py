"""A damaged warehouse file: `report`, `export --parquet` and `candidates add` say so clearly."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from tests.warehouse.test_store import publish_empty

runner = CliRunner()


def _published(path: Path) -> bytes:
    """A real (empty) published warehouse at `path`; its bytes."""
    publish_empty(path)
    return path.read_bytes()


def _random(good: bytes) -> bytes:
    return os.urandom(len(good))


def _truncated(good: bytes) -> bytes:
    return good[: len(good) // 2]


def _scribbled(good: bytes) -> bytes:
    return good[:12288] + os.urandom(20000) + good[12288 + 20000 :]


@pytest.mark.parametrize("damage", [_random, _truncated, _scribbled])
def test_damaged_warehouse_is_named_with_the_right_hint_and_left_as_it_was(
    damage: Callable[[bytes], bytes],
    tmp_path: Path,
    repo_root: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "wh" / "tpm.duckdb"
    path.parent.mkdir()
    damaged = damage(_published(path))
    path.write_bytes(damaged)
    monkeypatch.setenv("TPM_MATCH_WAREHOUSE_PATH", str(path))
    monkeypatch.setenv("TPM_MATCH_TAXONOMY_PATH", str(repo_root / "skills_taxonomy.yaml"))
    monkeypatch.setenv("TPM_MATCH_SCORING_CONFIG_PATH", str(repo_root / "scoring.yaml"))
    monkeypatch.setenv("TPM_MATCH_WORK_DIR", str(tmp_path / "work"))
    profile = str(repo_root / "examples" / "profile.yaml")
    out = tmp_path / "parquet"
    (out / "keep").mkdir(parents=True)  # a folder the user already had
    for args in (
        ["report", "--profile", profile],
        ["export", "--parquet", str(out)],
        ["candidates", "add", profile],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code != 0, args
        assert "Traceback" not in result.output
        message = " ".join(result.output.split())
        assert f"{path}: the file is damaged" in message, (args, message)
        assert "move it aside and run `tpm-match nightly` to rebuild it" in message
        assert "make demo" not in message
    assert sorted(p.name for p in out.iterdir()) == ["keep"]  # no partial Parquet file
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".parquet")]
    assert path.read_bytes() == damaged  # the file is not touched
    assert sorted(p.name for p in path.parent.iterdir()) == ["tpm.duckdb", "tpm.duckdb.lock"]
