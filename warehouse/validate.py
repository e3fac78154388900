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
(1, ["field 'id': String should have at least 1 character, got str ''"])
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from matcher.models import Posting
from matcher.wire import WireError, check

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


def parse_timestamp(value: str | None) -> datetime | None:
    """A checked ISO-8601 text as a naive UTC datetime; the warehouse stores UTC.

    >>> parse_timestamp("2026-11-25T10:00:00+01:00")
    datetime.datetime(2026, 11, 25, 9, 0)
    """
    if value is None:
        return None
    stamp = datetime.fromisoformat(value.strip())
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    return stamp


def _posting_row(p: Posting) -> tuple[Any, ...]:
    """A checked posting as a row in POSTING_SCHEMA order."""
    values = {name: getattr(p, name) for name in _NAMES if name != "source_key"}
    values["source_key"] = p.source_key
    for name in ("posted_at", "fetched_at"):
        values[name] = parse_timestamp(values[name])
    return tuple(values[name] for name in _NAMES)


_NAMES = POSTING_SCHEMA.names


def postings_table(postings: list[Posting]) -> Batch:
    """Check postings (`matcher.wire`); a repeated id keeps its last row, rejecting the earlier."""
    rows: dict[str, tuple[Any, ...]] = {}
    rejected: list[Rejected] = []
    seen: dict[str, None] = {}
    for posting in postings:
        raw_id = getattr(posting, "id", None)
        key = raw_id if isinstance(raw_id, str) and raw_id.strip() else None
        if key is not None:
            seen[key] = None
        try:
            row = _posting_row(check(posting))
        except WireError as exc:
            rejected.append(Rejected("postings", key, str(exc), to_json(posting)))
            continue
        if row[0] in rows:
            reason = "id repeated in the same batch; the later row was loaded"
            earlier = dict(zip(_NAMES, rows[row[0]], strict=True))
            rejected.append(Rejected("postings", row[0], reason, to_json(earlier)))
        rows[row[0]] = row
    table = to_arrow(list(rows.values()), POSTING_SCHEMA)
    return Batch(table, rejected, list(seen))
