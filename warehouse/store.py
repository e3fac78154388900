"""The published warehouse file, its staging copy, and atomic publishing.

DuckDB lets one process write a file, and while it has the file open no other process can
open it. So a load never writes the file readers use: it copies the published file to
`NAME.staging` beside it (or starts a fresh one), migrates and loads the copy, then
`publish()` checkpoints, closes, fsyncs and `os.replace`s it over the published file and
fsyncs the directory. A reader holding the old file keeps reading the old inode; a load
killed at any point leaves the published file untouched, and the next load replaces the
stale staging file. One load at a time: a lock file (`NAME.lock`, flock) guards staging.

The staging file is written in an explicit DuckDB storage format (`storage_version`), so
older DuckDB builds (the CLI, BI tools) can read the published file. A copy in a newer
format than that is rewritten into a fresh staging file (`COPY FROM DATABASE`): the next
load migrates a published file written by a newer default.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.migrate import apply_migrations, create_views, schema_version
from warehouse.reads import ReadMethods
from warehouse.records import RunRecord, WarehouseError
from warehouse.sqlfiles import latest_version, statement
from warehouse.staging import Staging

#: The oldest storage format the schema needs (lists, JSON, constraints: all DuckDB 1.0);
#: files in it open in DuckDB 1.0 and later. `Settings.warehouse_storage_version` repeats it.
DEFAULT_STORAGE_VERSION = "v1.0.0"
_VERSION_RE = re.compile(r"^v(\d+)\.(\d+)\.(\d+)\+?$")


class Reader(ReadMethods):
    """A read-only connection to the published warehouse."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def tables(self) -> list[str]:
        """The schema's base tables (the allow-list for exports)."""
        return [r[0] for r in self.con.execute(statement("base_tables")).fetchall()]


def _fsync_path(path: Path, *, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def version_tuple(version: str) -> tuple[int, ...]:
    """A storage version ('v1.1.0') or format tag ('v1.0.0+') as numbers, for comparing.

    >>> version_tuple("v1.0.0+") < version_tuple("v1.1.0") < version_tuple("v2.0.0+")
    True
    """
    found = _VERSION_RE.match(version)
    if not found:
        raise WarehouseError(
            f"storage version {version!r}: expected vMAJOR.MINOR.PATCH, e.g. v1.0.0"
        )
    return tuple(int(part) for part in found.groups())


def storage_format(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """The storage format of attached database `name`, e.g. 'v1.0.0+' (None if not told)."""
    row = con.execute(statement("database_storage_version"), {"name": name}).fetchone()
    return row[0] if row and row[0] else None


class Warehouse:
    """The DuckDB warehouse at `path` (no I/O until a method is called)."""

    def __init__(self, path: Path, storage_version: str = DEFAULT_STORAGE_VERSION) -> None:
        self.path = Path(path)
        self.storage_version = storage_version
        self.staging_path = self.path.with_name(self.path.name + ".staging")
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        # a copy of a published file in a newer storage format, while it is rewritten
        self.rewrite_path = self.path.with_name(self.path.name + ".staging-source")

    def _wal(self, path: Path) -> Path:
        return path.with_name(path.name + ".wal")

    @contextmanager
    def _load_lock(self) -> Iterator[None]:
        fd = os.open(self.lock_path, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise WarehouseError(
                    f"{self.path}: another load is running (it holds {self.lock_path}); "
                    "wait for it to finish"
                ) from None
            yield
        finally:
            os.close(fd)  # closing releases the flock

    def _clear_staging(self) -> None:
        _remove(self.staging_path)
        _remove(self._wal(self.staging_path))
        _remove(self.rewrite_path)

    @contextmanager
    def staging(self, run_id: str) -> Iterator[Staging]:
        """A read-write copy of the published warehouse, migrated to the current schema.

        Call `publish()` on it to swap it in; leaving the block without publishing (or
        with an exception) discards it and the published file is untouched.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._load_lock():
            self._clear_staging()
            if self._wal(self.path).exists():
                raise WarehouseError(
                    f"{self._wal(self.path)} exists: something wrote the published file "
                    "directly; open it once with `duckdb` (read-write) to checkpoint, then retry"
                )
            try:
                con = self._open_staging()
            except duckdb.Error as exc:
                self._clear_staging()
                raise WarehouseError(
                    f"{self.path}: cannot open a staging copy ({exc}); if the file is damaged, "
                    "move it aside and run a full load"
                ) from exc
            stage: Staging | None = None
            try:
                apply_migrations(con)
                create_views(con)
                stage = Staging(con, run_id, lambda: self._publish(con))
                yield stage
            finally:
                if stage is None or not stage.published:
                    con.close()
                    self._clear_staging()

    def _open_staging(self) -> duckdb.DuckDBPyConnection:
        """A connection whose current database is the staging file, in `storage_version`.

        The published file is copied byte for byte (DuckDB never opens it here, so no
        reader's lock can stop a load). A copy in a format no newer than `storage_version`
        is used as is (attaching raises an older one); a newer one is rewritten into a
        fresh staging file.
        """
        wanted = version_tuple(self.storage_version)  # a clear error for a malformed setting
        con = duckdb.connect()
        try:
            source: Path | None = None
            if self.path.exists():
                shutil.copyfile(self.path, self.staging_path)
                con.execute(statement("attach_read_only"), {"path": str(self.staging_path)})
                found = storage_format(con, "published")
                con.execute(statement("detach_published"))
                if found is None or version_tuple(found) > wanted:
                    source = self.rewrite_path
                    os.replace(self.staging_path, source)
            con.execute(
                statement("attach_staging"),
                {"path": str(self.staging_path), "storage_version": self.storage_version},
            )
            if source is not None:
                con.execute(statement("attach_read_only"), {"path": str(source)})
                con.execute(statement("copy_published_to_staging"))
                con.execute(statement("detach_published"))
                _remove(source)
            con.execute(statement("use_staging"))
        except BaseException:
            con.close()
            raise
        return con

    def _publish(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute(statement("checkpoint"))
        con.close()
        if self._wal(self.staging_path).exists():
            raise WarehouseError(f"{self.staging_path}: a write-ahead log remained after close")
        _fsync_path(self.staging_path)
        os.replace(self.staging_path, self.path)
        _fsync_path(self.path.parent, directory=True)

    @contextmanager
    def reader(self) -> Iterator[Reader]:
        """A read-only connection to the published file; works while a load runs."""
        if not self.path.exists():
            raise WarehouseError(
                f"no warehouse at {self.path}; run a load first (`tpm-match nightly`)"
            )
        # ATTACH into a private in-memory database rather than duckdb.connect(path): DuckDB
        # caches database instances by path within a process, so a plain connect after a
        # publish could be handed the instance of the replaced file.
        con = duckdb.connect()
        try:
            con.execute(statement("attach_read_only"), {"path": str(self.path)})
            con.execute(statement("use_published"))
        except duckdb.Error as exc:
            con.close()
            raise WarehouseError(f"{self.path}: cannot open read-only: {exc}") from exc
        try:
            version = schema_version(con)
            if version < latest_version():
                raise WarehouseError(
                    f"{self.path} has schema version {version}, this code expects "
                    f"{latest_version()}; the next load migrates it"
                )
            yield Reader(con)
        finally:
            con.close()

    def record_run(self, run: RunRecord) -> None:
        """Record (or update) a run in its own small load, e.g. for a run that failed early."""
        with self.staging(run.run_id) as st:
            st.record_run(run)
            st.publish()

    def export_parquet(self, directory: Path) -> list[Path]:
        """Write every table of the published warehouse as `DIR/TABLE.parquet`; return the paths."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        with self.reader() as rd:
            for table in rd.tables():  # the allow-list: the schema's own tables
                target = directory / f"{table}.parquet"
                rd.con.table(table).write_parquet(str(target))
                written.append(target)
        return written
