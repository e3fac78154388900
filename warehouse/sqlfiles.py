"""Find and read the warehouse's `.sql` files: migrations, views, statements, saved queries.

Every SQL statement the warehouse runs lives in a file under this package; Python only
loads them by name and binds parameters (`$name`), never formats values in.

Saved queries (`queries/NAME.sql`) start with a comment header::

    -- Open postings of one company, newest first.
    -- param company: the company name, exactly as in postings.company

and bind each declared parameter as `$company`. A declared parameter the SQL never uses,
or a `$name` that is not declared, is an error naming the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from warehouse.records import SavedQuery, WarehouseError

SQL_ROOT = Path(__file__).resolve().parent
_MIGRATION_RE = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")
_PARAM_DECL_RE = re.compile(r"^--\s*param\s+([a-z_][a-z0-9_]*)\s*:\s*(.+)$")
_PARAM_USE_RE = re.compile(r"\$([a-z_][a-z0-9_]*)")
_STRING_RE = re.compile(r"'(?:[^']|'')*'")
_COMMENT_RE = re.compile(r"--[^\n]*")


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered schema file; its number is the schema version it brings the file to."""

    version: int
    name: str
    sql: str


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise WarehouseError(f"{path}: cannot read SQL file ({exc.strerror})") from None


@cache
def statement(name: str) -> str:
    """The text of `statements/NAME.sql`.

    >>> "CHECKPOINT" in statement("checkpoint")
    True
    """
    return _read(SQL_ROOT / "statements" / f"{name}.sql")


@cache
def migrations() -> tuple[Migration, ...]:
    """Every `schema/NNN_name.sql`, in version order; numbers must run 1, 2, 3, ... without gaps."""
    found: list[Migration] = []
    for path in sorted((SQL_ROOT / "schema").glob("*.sql")):
        m = _MIGRATION_RE.match(path.name)
        if not m:
            raise WarehouseError(f"{path}: migration files are named NNN_snake_name.sql")
        found.append(Migration(int(m.group(1)), m.group(2), _read(path)))
    for expected, mig in enumerate(found, start=1):
        if mig.version != expected:
            raise WarehouseError(
                f"{SQL_ROOT / 'schema'}: migration {mig.version:03d}_{mig.name}.sql found where "
                f"version {expected:03d} was expected; number migrations without gaps"
            )
    return tuple(found)


def latest_version() -> int:
    """The schema version this code writes (the highest migration number)."""
    return migrations()[-1].version


@cache
def views() -> tuple[tuple[str, str], ...]:
    """(view name, CREATE OR REPLACE VIEW text) for every `views/*.sql`, by name."""
    return tuple((path.stem, _read(path)) for path in sorted((SQL_ROOT / "views").glob("*.sql")))


def _params_used(sql: str) -> set[str]:
    body = _COMMENT_RE.sub("", _STRING_RE.sub("''", sql))
    return set(_PARAM_USE_RE.findall(body))


def parse_saved_query(path: Path) -> SavedQuery:
    """Read one saved query and check its declared parameters against the ones it binds."""
    text = _read(path)
    description_lines: list[str] = []
    params: dict[str, str] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("--"):
            break
        decl = _PARAM_DECL_RE.match(stripped)
        if decl:
            params[decl.group(1)] = decl.group(2).strip()
        else:
            description_lines.append(stripped.lstrip("-").strip())
    used = _params_used(text)
    undeclared = sorted(used - params.keys())
    unused = sorted(params.keys() - used)
    if undeclared:
        raise WarehouseError(
            f"{path}: binds {', '.join('$' + p for p in undeclared)} without a "
            "'-- param NAME: description' header line; declare it"
        )
    if unused:
        raise WarehouseError(f"{path}: declares parameter(s) {', '.join(unused)} it never binds")
    description = " ".join(line for line in description_lines if line)
    return SavedQuery(name=path.stem, description=description, params=params, sql=text)


@cache
def saved_queries() -> dict[str, SavedQuery]:
    """Every saved query under `queries/`, by name."""
    return {q.name: q for q in map(parse_saved_query, sorted((SQL_ROOT / "queries").glob("*.sql")))}


def bind_saved_query(name: str, params: dict[str, str]) -> tuple[SavedQuery, dict[str, str]]:
    """Look up a saved query and check `params` names exactly its parameters.

    The error lists the query's parameters, e.g. for a missing one::

        query 'postings_requiring' needs --param concept=... (parameters: concept: ...)
    """
    queries = saved_queries()
    query = queries.get(name)
    if query is None:
        raise WarehouseError(
            f"no saved query named {name!r}; known queries: {', '.join(sorted(queries))} "
            "(see `tpm-match query --list`)"
        )
    declared = "; ".join(f"{k}: {v}" for k, v in query.params.items()) or "none"
    unknown = sorted(params.keys() - query.params.keys())
    missing = [k for k in query.params if k not in params]
    if unknown:
        raise WarehouseError(
            f"query {name!r} has no parameter(s) {', '.join(unknown)} (parameters: {declared})"
        )
    if missing:
        needed = " ".join(f"--param {k}=..." for k in missing)
        raise WarehouseError(f"query {name!r} needs {needed} (parameters: {declared})")
    return query, {k: params[k] for k in query.params}
