"""Turn typed inputs into Arrow tables for bulk loads, setting bad rows aside with a reason.

A row with a missing key or a value of the wrong type is not loaded: it becomes a
`Rejected` (later written to the `rejected_rows` table) and every other row still loads.

>>> from matcher.models import Posting
>>> good = Posting(id="lever:acme:1", source="lever", company="Acme", title="TPM",
...                url="https://x", description_text="d")
>>> bad = Posting(id="", source="lever", company="Acme", title="TPM", url="u",
...               description_text="d")
>>> batch = postings_table([good, bad])
>>> batch.table.num_rows, [r.reason for r in batch.rejected]
(1, ["field 'id': missing (empty)"])
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any

import pyarrow as pa

from matcher.models import Posting

_REQUIRED_STR = ("id", "source", "company", "title", "url", "description_text", "content_hash")
_OPTIONAL_STR = ("location", "employment_type", "salary_currency", "salary_period")
_OPTIONAL_NUM = ("salary_min", "salary_max")
_TIMESTAMPS = ("posted_at", "fetched_at")

POSTING_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("source", pa.string()),
        ("source_key", pa.string()),
        ("company", pa.string()),
        ("title", pa.string()),
        ("url", pa.string()),
        ("location", pa.string()),
        ("remote", pa.bool_()),
        ("employment_type", pa.string()),
        ("salary_min", pa.float64()),
        ("salary_max", pa.float64()),
        ("salary_currency", pa.string()),
        ("salary_period", pa.string()),
        ("posted_at", pa.timestamp("us")),
        ("fetched_at", pa.timestamp("us")),
        ("description_text", pa.string()),
        ("content_hash", pa.string()),
    ]
)

REJECTED_SCHEMA = pa.schema(
    [
        ("table_name", pa.string()),
        ("record_key", pa.string()),
        ("reason", pa.string()),
        ("raw", pa.string()),
    ]
)


class RowError(ValueError):
    """One field of one row is unusable; the message names the field."""


@dataclass(slots=True)
class Rejected:
    """A row that was not loaded, why, and the row itself (as JSON text)."""

    table_name: str
    record_key: str | None
    reason: str
    raw: str


@dataclass(slots=True)
class Batch:
    """Rows ready for a bulk insert plus the rows set aside."""

    table: pa.Table
    rejected: list[Rejected] = field(default_factory=list)
    #: every usable id seen in the input, loaded or rejected (a rejected row was still crawled)
    seen_ids: list[str] = field(default_factory=list)


def to_json(value: Any) -> str:
    """JSON text of a dataclass-ish row, never failing (unknown types become strings)."""
    if hasattr(value, "to_dict"):
        try:
            value = value.to_dict()
        except Exception:  # a broken row must still be recorded
            value = repr(value)
    return json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)


def rejected_table(rows: list[Rejected]) -> pa.Table:
    """The `incoming_rejected` Arrow table."""
    return pa.Table.from_pylist(
        [
            {
                "table_name": r.table_name,
                "record_key": r.record_key,
                "reason": r.reason,
                "raw": r.raw,
            }
            for r in rows
        ],
        schema=REJECTED_SCHEMA,
    )


def to_arrow(rows: list[tuple[Any, ...]], schema: pa.Schema) -> pa.Table:
    """Rows of tuples (in schema order) as an Arrow table, one column at a time."""
    arrays = [pa.array([row[i] for row in rows], type=f.type) for i, f in enumerate(schema)]
    return pa.Table.from_arrays(arrays, schema=schema)


def _str(row: Any, name: str, *, required: bool) -> str | None:
    value = getattr(row, name, None)
    if value is None:
        if required:
            raise RowError(f"field {name!r}: missing")
        return None
    if not isinstance(value, str):
        raise RowError(f"field {name!r}: expected text, got {type(value).__name__} {value!r:.60}")
    if required and name in ("id", "source", "content_hash") and not value.strip():
        raise RowError(f"field {name!r}: missing (empty)")
    return value


def check_number(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RowError(
            f"field {name!r}: expected a number, got {type(value).__name__} {value!r:.60}"
        )
    if value < 0:
        raise RowError(f"field {name!r}: must not be negative, got {value!r}")
    return float(value)


def check_bool(value: Any, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise RowError(f"field {name!r}: expected true/false, got {type(value).__name__} {value!r:.60}")


def parse_timestamp(value: Any, name: str) -> datetime | None:
    """An ISO-8601 text (or datetime) as a naive UTC datetime; the warehouse stores UTC.

    >>> parse_timestamp("2026-11-25T10:00:00+01:00", "posted_at")
    datetime.datetime(2026, 11, 25, 9, 0)
    """
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise RowError(
                f"field {name!r}: {value!r:.60} is not an ISO-8601 date/time "
                "(e.g. 2026-11-25T10:00:00Z)"
            ) from None
    if not isinstance(value, datetime):
        raise RowError(f"field {name!r}: expected an ISO-8601 text, got {type(value).__name__}")
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


NUMBER = (int, float)
_NAMES = POSTING_SCHEMA.names


def _checked_posting_row(p: Any) -> dict[str, Any]:
    """One posting's row, checked field by field: raise RowError naming the first bad one.

    The row-by-row path; a plainly clean batch goes through `_columns_if_clean` instead.
    """
    row: dict[str, Any] = {}
    for name in _REQUIRED_STR:
        row[name] = _str(p, name, required=True)
    for name in _OPTIONAL_STR:
        row[name] = _str(p, name, required=False)
    for name in _OPTIONAL_NUM:
        row[name] = check_number(getattr(p, name, None), name)
    for name in _TIMESTAMPS:
        row[name] = parse_timestamp(getattr(p, name, None), name)
    row["remote"] = check_bool(getattr(p, "remote", None), "remote")
    row["source_key"] = ":".join(row["id"].split(":", 2)[:2])
    return row


_NONE = type(None)
_STR = frozenset({str})
_OPT_STR = frozenset({str, _NONE})
_OPT_NUM = frozenset({int, float, _NONE})
_OPT_BOOL = frozenset({bool, _NONE})


def _types_within(values: list[Any], allowed: frozenset[type]) -> bool:
    return set(map(type, values)) <= allowed


def _timestamps(values: list[Any], name: str) -> list[datetime | None]:
    """parse_timestamp of every value, parsing each distinct text once (raises RowError)."""
    parsed: dict[str, datetime | None] = {}
    out: list[datetime | None] = []
    for value in values:
        if type(value) is str:
            stamp = parsed.get(value)
            if stamp is None:
                stamp = parsed[value] = parse_timestamp(value, name)
            out.append(stamp)
        else:
            out.append(parse_timestamp(value, name))
    return out


def _columns_if_clean(postings: list[Posting]) -> pa.Table | None:
    """The whole batch as columns when every row is plainly valid and every id is new.

    The common night: checks run per column (types of all values at once) instead of per
    row, and each distinct timestamp text is parsed once. Anything unusual (a bad field,
    a repeated id, a subclass of str, a NaN) returns None and the row-by-row path, which
    names the bad field, decides.
    """
    try:
        columns = {name: list(map(attrgetter(name), postings)) for name in _POSTING_FIELDS}
    except AttributeError:
        return None
    ids = columns["id"]
    if len(set(ids)) != len(ids):
        return None
    for name in _REQUIRED_STR:
        if not _types_within(columns[name], _STR):
            return None
    for name in ("id", "source", "content_hash"):
        if not all(map(str.strip, columns[name])):
            return None
    for name in _OPTIONAL_STR:
        if not _types_within(columns[name], _OPT_STR):
            return None
    for name in _OPTIONAL_NUM:
        values = columns[name]
        if not _types_within(values, _OPT_NUM) or not all(v >= 0 for v in values if v is not None):
            return None
        if int in set(map(type, values)):
            columns[name] = [None if v is None else float(v) for v in values]
    if not _types_within(columns["remote"], _OPT_BOOL):
        return None
    try:
        for name in _TIMESTAMPS:
            columns[name] = _timestamps(columns[name], name)
    except RowError:
        return None
    columns["source_key"] = [":".join(pid.split(":", 2)[:2]) for pid in ids]
    arrays = [pa.array(columns[f.name], type=f.type) for f in POSTING_SCHEMA]
    return pa.Table.from_arrays(arrays, schema=POSTING_SCHEMA)


_POSTING_FIELDS = (*_REQUIRED_STR, *_OPTIONAL_STR, *_OPTIONAL_NUM, *_TIMESTAMPS, "remote")


def postings_table(postings: list[Posting]) -> Batch:
    """Validate postings; a repeated id keeps its last row and rejects the earlier ones."""
    clean = _columns_if_clean(postings)
    if clean is not None:
        return Batch(clean, [], [p.id for p in postings])
    return rowwise_postings_table(postings)


def rowwise_postings_table(postings: list[Posting]) -> Batch:
    """postings_table row by row: names each bad row's field and handles repeated ids."""
    rows: dict[str, tuple[Any, ...]] = {}
    rejected: list[Rejected] = []
    seen: dict[str, None] = {}
    for index, posting in enumerate(postings):
        raw_id = getattr(posting, "id", None)
        key = raw_id if isinstance(raw_id, str) and raw_id.strip() else None
        if key is not None:
            seen[key] = None
        try:
            checked = _checked_posting_row(posting)
            row = tuple(checked[name] for name in _NAMES)
        except RowError as exc:
            rejected.append(Rejected("postings", key, f"{exc}", to_json(posting)))
            continue
        except Exception as exc:  # anything else about a row is still that row's problem
            reason = f"row {index}: unusable ({type(exc).__name__}: {exc})"
            rejected.append(Rejected("postings", key, reason, to_json(posting)))
            continue
        if row[0] in rows:
            reason = "id repeated in the same batch; the later row was loaded"
            earlier = dict(zip(_NAMES, rows[row[0]], strict=True))
            rejected.append(Rejected("postings", row[0], reason, to_json(earlier)))
        rows[row[0]] = row
    table = to_arrow(list(rows.values()), POSTING_SCHEMA)
    return Batch(table, rejected, list(seen))
