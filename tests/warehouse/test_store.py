"""The warehouse file's edges: atomic Parquet export, a staging copy that does not fit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from warehouse import Warehouse, WarehouseError

#: DuckDB's block size, and where its first data block starts (after the file headers).
BLOCK, FIRST_BLOCK = 262_144, 12_288


def publish_empty(path: Path) -> Warehouse:
    """A real published warehouse (schema, no rows) at `path`."""
    wh = Warehouse(path)
    with wh.staging("r1") as stage:
        stage.publish()
    return wh


def test_export_writes_every_table_and_leaves_no_temporary_folder(tmp_path: Path) -> None:
    wh = publish_empty(tmp_path / "tpm.duckdb")
    written = wh.export_parquet(tmp_path / "out")
    assert written and all(p.parent == tmp_path / "out" and p.stat().st_size for p in written)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "tpm.duckdb", "tpm.duckdb.lock"]


#: Runs a load in a child whose files may not grow past argv[2] bytes (a full disk, for
#: this process only): writes past it fail with EFBIG instead of killing the process.
_FULL_DISK_LOAD = """
import resource, signal, sys
from pathlib import Path
from warehouse import Warehouse, WarehouseError
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), resource.RLIM_INFINITY))
try:
    with Warehouse(Path(sys.argv[1])).staging("r2") as stage:
        stage.publish()
except WarehouseError as exc:
    print(exc)
    sys.exit(3)
"""


def test_a_staging_copy_that_does_not_fit_is_removed(tmp_path: Path, repo_root: Path) -> None:
    path = tmp_path / "tpm.duckdb"
    publish_empty(path)
    before = path.read_bytes()
    child = subprocess.run(
        [sys.executable, "-c", _FULL_DISK_LOAD, str(path), str(len(before) // 2)],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == 3, child.stderr
    message = " ".join(child.stdout.split())
    assert f"{path}: cannot make the staging copy tpm.duckdb.staging (File too large)" in message
    assert f"free space in {tmp_path}" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tpm.duckdb", "tpm.duckdb.lock"]
    assert path.read_bytes() == before


def test_a_damaged_block_is_a_clear_error_when_opened_or_when_read(
    demo_wh: Warehouse, tmp_path: Path
) -> None:
    good = demo_wh.path.read_bytes()
    damaged = Warehouse(tmp_path / "damaged.duckdb")
    when: list[str] = []
    for offset in range(FIRST_BLOCK, len(good), BLOCK):
        damaged.path.write_bytes(good[:offset] + os.urandom(4096) + good[offset + 4096 :])
        stage = "open"
        try:
            with damaged.reader() as rd:
                stage = "read"
                for table in rd.tables():
                    rd.con.table(table).fetchall()
            stage = "unused block"
        except WarehouseError as exc:  # never a raw DuckDB error
            assert str(exc).startswith(f"{damaged.path}: the file is damaged (Corrupt database")
        when.append(stage)
    assert {"open", "read"} <= set(when), when  # both ways a damaged block shows up
    with pytest.raises(WarehouseError, match="the file is damaged"):
        damaged.path.write_bytes(good[: len(good) // 3])
        damaged.export_parquet(tmp_path / "out")
    assert not (tmp_path / "out").exists()
