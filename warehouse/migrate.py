"""Bring a read-write warehouse connection up to the current schema version.

Each numbered file under `schema/` is one migration; applying it and recording its
version in `schema_version` happen in one transaction, so a crash never leaves a
half-applied migration. Views hold no data and are re-created on every open.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from warehouse.records import WarehouseError
from warehouse.sqlfiles import latest_version, migrations, statement, views


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The version of the schema in `con` (0 for an empty file)."""
    exists = con.execute(statement("table_exists"), {"name": "schema_version"}).fetchone()
    if not exists or exists[0] == 0:
        return 0
    row = con.execute(statement("schema_version_current")).fetchone()
    return int(row[0]) if row else 0


def apply_migrations(con: duckdb.DuckDBPyConnection, upto: int | None = None) -> list[int]:
    """Apply every migration newer than the file's version (up to `upto`); return those applied."""
    current = schema_version(con)
    target = latest_version() if upto is None else upto
    if current > latest_version():
        raise WarehouseError(
            f"the warehouse has schema version {current} but this code knows only up to "
            f"{latest_version()}; upgrade tpm-match before loading"
        )
    applied: list[int] = []
    for mig in migrations():
        if mig.version <= current or mig.version > target:
            continue
        con.begin()
        try:
            con.execute(mig.sql)
            con.execute(
                statement("record_migration"),
                {
                    "version": mig.version,
                    "name": mig.name,
                    "applied_at": datetime.now(UTC).replace(tzinfo=None),
                },
            )
        except duckdb.Error as exc:
            con.rollback()
            raise WarehouseError(
                f"migration {mig.version:03d}_{mig.name}.sql failed: {exc}"
            ) from exc
        con.commit()
        applied.append(mig.version)
    return applied


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re-)create every view under `views/`."""
    for name, sql in views():
        try:
            con.execute(sql)
        except duckdb.Error as exc:
            raise WarehouseError(f"views/{name}.sql failed: {exc}") from exc
