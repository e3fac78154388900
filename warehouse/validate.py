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
from typing import Any

import pyarrow as pa

from matcher.models import Extraction, Match, Posting

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

REQUIREMENT_SCHEMA = pa.schema(
    [
        ("posting_id", pa.string()),
        ("seq", pa.int32()),
        ("concept_id", pa.string()),
        ("name", pa.string()),
        ("kind", pa.string()),
        ("required", pa.bool_()),
        ("years", pa.float64()),
        ("evidence", pa.string()),
        ("start_offset", pa.int32()),
        ("end_offset", pa.int32()),
    ]
)

EXTRACTION_SCHEMA = pa.schema(
    [
        ("posting_id", pa.string()),
        ("min_years_experience", pa.float64()),
        ("degree_level", pa.string()),
        ("degree_fields", pa.string()),
        ("degree_required", pa.bool_()),
        ("degree_or_equivalent", pa.bool_()),
        ("level", pa.string()),
    ]
)

MATCH_SCHEMA = pa.schema(
    [
        ("candidate_id", pa.string()),
        ("posting_id", pa.string()),
        ("score", pa.float64()),
        ("breakdown", pa.string()),
        ("matched", pa.list_(pa.string())),
        ("missing_required", pa.list_(pa.string())),
        ("missing_preferred", pa.list_(pa.string())),
        ("rank", pa.int32()),
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


def _arrow(rows: list[tuple[Any, ...]], schema: pa.Schema) -> pa.Table:
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


def _num(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RowError(
            f"field {name!r}: expected a number, got {type(value).__name__} {value!r:.60}"
        )
    if value < 0:
        raise RowError(f"field {name!r}: must not be negative, got {value!r}")
    return float(value)


def _bool(value: Any, name: str) -> bool | None:
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


_NUMBER = (int, float)
_NAMES = POSTING_SCHEMA.names


def _checked_posting_row(p: Any) -> dict[str, Any]:
    """The slow, precise path: raise RowError naming the first bad field."""
    row: dict[str, Any] = {}
    for name in _REQUIRED_STR:
        row[name] = _str(p, name, required=True)
    for name in _OPTIONAL_STR:
        row[name] = _str(p, name, required=False)
    for name in _OPTIONAL_NUM:
        row[name] = _num(getattr(p, name, None), name)
    for name in _TIMESTAMPS:
        row[name] = parse_timestamp(getattr(p, name, None), name)
    row["remote"] = _bool(getattr(p, "remote", None), "remote")
    row["source_key"] = ":".join(row["id"].split(":", 2)[:2])
    return row


def _opt_str(value: Any) -> bool:
    return value is None or type(value) is str


def _opt_num(value: Any) -> bool:
    return value is None or (type(value) in _NUMBER and value >= 0)


def _posting_row(p: Any) -> tuple[Any, ...]:
    """One posting as a tuple in POSTING_SCHEMA order (fast path; falls back to name the field)."""
    try:
        pid, source, company, title, url = p.id, p.source, p.company, p.title, p.url
        text, chash, location, etype = (
            p.description_text,
            p.content_hash,
            p.location,
            p.employment_type,
        )
        smin, smax, currency, period = (
            p.salary_min,
            p.salary_max,
            p.salary_currency,
            p.salary_period,
        )
        remote, posted, fetched = p.remote, p.posted_at, p.fetched_at
        fast = (
            type(pid) is str
            and pid.strip() != ""
            and type(source) is str
            and source.strip() != ""
            and type(chash) is str
            and chash.strip() != ""
            and type(company) is str
            and type(title) is str
            and type(url) is str
            and type(text) is str
            and _opt_str(location)
            and _opt_str(etype)
            and _opt_str(currency)
            and _opt_str(period)
            and _opt_num(smin)
            and _opt_num(smax)
            and (remote is None or type(remote) is bool)
        )
    except AttributeError:
        fast = False
    if not fast:
        row = _checked_posting_row(p)
        return tuple(row[name] for name in _NAMES)
    return (
        pid,
        source,
        ":".join(pid.split(":", 2)[:2]),
        company,
        title,
        url,
        location,
        remote,
        etype,
        None if smin is None else float(smin),
        None if smax is None else float(smax),
        currency,
        period,
        parse_timestamp(posted, "posted_at"),
        parse_timestamp(fetched, "fetched_at"),
        text,
        chash,
    )


def postings_table(postings: list[Posting]) -> Batch:
    """Validate postings; a repeated id keeps its last row and rejects the earlier ones."""
    rows: dict[str, tuple[Any, ...]] = {}
    rejected: list[Rejected] = []
    seen: dict[str, None] = {}
    for index, posting in enumerate(postings):
        raw_id = getattr(posting, "id", None)
        key = raw_id if isinstance(raw_id, str) and raw_id.strip() else None
        if key is not None:
            seen[key] = None
        try:
            row = _posting_row(posting)
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
    table = _arrow(list(rows.values()), POSTING_SCHEMA)
    return Batch(table, rejected, list(seen))


def _describe_requirement(seq: int, r: Any) -> str:
    where = f"requirements[{seq}]"
    for name in ("id", "name", "kind", "evidence"):
        if not isinstance(getattr(r, name, None), str):
            return f"{where} field {name!r}: expected text"
    if not isinstance(getattr(r, "required", None), bool):
        return f"{where} field 'required': expected true/false"
    for name in ("start", "end"):
        value = getattr(r, name, None)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return f"{where} field {name!r}: expected a non-negative integer"
    if r.end < r.start:
        return f"{where}: end {r.end} is before start {r.start}"
    return f"{where} field 'years': expected a non-negative number"


def _requirement_rows(ext: Extraction) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    pid = ext.id
    for seq, r in enumerate(ext.requirements):
        try:
            cid, name, kind, required, evidence = r.id, r.name, r.kind, r.required, r.evidence
            start, end, years = r.start, r.end, r.years
        except AttributeError:
            raise RowError(f"requirements[{seq}]: not a requirement ({type(r).__name__})") from None
        if not (
            type(cid) is str
            and type(name) is str
            and type(kind) is str
            and type(evidence) is str
            and type(required) is bool
            and type(start) is int
            and type(end) is int
            and 0 <= start <= end
            and (years is None or (type(years) in _NUMBER and years >= 0))
        ):
            raise RowError(_describe_requirement(seq, r))
        out.append((pid, seq, cid, name, kind, required, years, evidence, start, end))
    return out


def _extraction_row(ext: Extraction) -> dict[str, Any]:
    degree = ext.degree
    if degree is not None and (
        not isinstance(degree.fields, list) or not all(isinstance(f, str) for f in degree.fields)
    ):
        raise RowError("field 'degree.fields': expected a list of texts")
    level = ext.level
    if level is not None and not isinstance(level, str):
        raise RowError("field 'level': expected text")
    return {
        "posting_id": ext.id,
        "min_years_experience": _num(ext.min_years_experience, "min_years_experience"),
        "degree_level": degree.level if degree else None,
        "degree_fields": json.dumps(list(degree.fields)) if degree else None,
        "degree_required": _bool(degree.required, "degree.required") if degree else None,
        "degree_or_equivalent": _bool(degree.or_equivalent, "degree.or_equivalent")
        if degree
        else None,
        "level": level,
    }


def extractions_tables(
    extractions: list[Extraction], known_ids: set[str] | None = None
) -> tuple[pa.Table, pa.Table, list[Rejected]]:
    """(extractions, requirements, rejected): a bad requirement rejects its whole extraction.

    `known_ids`, when given, are the posting ids that exist; other extractions are rejected.
    """
    ext_rows: dict[str, dict[str, Any]] = {}
    req_rows: dict[str, list[tuple[Any, ...]]] = {}
    rejected: list[Rejected] = []
    for ext in extractions:
        key = ext.id if isinstance(getattr(ext, "id", None), str) and ext.id else None
        try:
            if key is None:
                raise RowError("field 'id': missing")
            if known_ids is not None and key not in known_ids:
                raise RowError("no posting with this id in the warehouse; load the posting first")
            row = _extraction_row(ext)
            reqs = _requirement_rows(ext)
        except RowError as exc:
            rejected.append(Rejected("posting_requirements", key, str(exc), to_json(ext)))
            continue
        except Exception as exc:
            reason = f"unusable extraction ({type(exc).__name__}: {exc})"
            rejected.append(Rejected("posting_requirements", key, reason, to_json(ext)))
            continue
        ext_rows[key] = row
        req_rows[key] = reqs
    ext_table = pa.Table.from_pylist(list(ext_rows.values()), schema=EXTRACTION_SCHEMA)
    flat = [row for rows in req_rows.values() for row in rows]
    req_table = _arrow(flat, REQUIREMENT_SCHEMA)
    return ext_table, req_table, rejected


def _str_list(value: Any, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RowError(f"field {name!r}: expected a list of texts")
    return value


def matches_table(matches: list[Match]) -> tuple[pa.Table, list[Rejected]]:
    """Validate matches (score 0-100, ids as text); a repeated pair keeps its last row."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    rejected: list[Rejected] = []
    for m in matches:
        cid, pid = getattr(m, "candidate_id", None), getattr(m, "posting_id", None)
        key = f"{cid}|{pid}"
        try:
            if not isinstance(cid, str) or not cid or not isinstance(pid, str) or not pid:
                raise RowError("fields 'candidate_id' and 'posting_id': expected non-empty text")
            score = _num(m.score, "score")
            if score is None or score > 100:
                raise RowError(f"field 'score': expected 0-100, got {m.score!r}")
            rank = m.rank
            if rank is not None and (isinstance(rank, bool) or not isinstance(rank, int)):
                raise RowError("field 'rank': expected an integer")
            if rank is not None and rank < 1:
                raise RowError(f"field 'rank': expected 1 or more, got {rank}")
            row = {
                "candidate_id": cid,
                "posting_id": pid,
                "score": score,
                "breakdown": json.dumps(m.breakdown, sort_keys=True),
                "matched": _str_list(m.matched, "matched"),
                "missing_required": _str_list(m.missing_required, "missing_required"),
                "missing_preferred": _str_list(m.missing_preferred, "missing_preferred"),
                "rank": rank,
            }
        except (RowError, TypeError) as exc:
            rejected.append(Rejected("matches", key, str(exc), to_json(m)))
            continue
        if (cid, pid) in rows:
            reason = "candidate/posting pair repeated; the later row was loaded"
            rejected.append(Rejected("matches", key, reason, to_json(rows[(cid, pid)])))
        rows[(cid, pid)] = row
    return pa.Table.from_pylist(list(rows.values()), schema=MATCH_SCHEMA), rejected
