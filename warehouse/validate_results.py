"""Validate extractions and matches into Arrow tables, setting bad rows aside with a reason.

A bad requirement rejects its whole extraction (a partial list of requirements would
mislead the scorer); a bad match rejects that match only.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from matcher.models import Extraction, Match
from warehouse.validate import (
    NUMBER,
    Rejected,
    RowError,
    check_bool,
    check_number,
    to_arrow,
    to_json,
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
        ("alt_group", pa.int32()),
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
    if not _is_group(r.group):
        return f"{where} field 'group': expected a positive integer or null"
    return f"{where} field 'years': expected a non-negative number"


def _is_group(value: Any) -> bool:
    """An alternative group number: None, or an integer from 1 (not a bool)."""
    return value is None or (type(value) is int and value >= 1)


def _requirement_rows(ext: Extraction) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    pid = ext.id
    for seq, r in enumerate(ext.requirements):
        try:
            cid, name, kind, required, evidence = r.id, r.name, r.kind, r.required, r.evidence
            start, end, years, group = r.start, r.end, r.years, r.group
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
            and (years is None or (type(years) in NUMBER and years >= 0))
            and _is_group(group)
        ):
            raise RowError(_describe_requirement(seq, r))
        out.append((pid, seq, cid, name, kind, required, years, evidence, start, end, group))
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
        "min_years_experience": check_number(ext.min_years_experience, "min_years_experience"),
        "degree_level": degree.level if degree else None,
        "degree_fields": json.dumps(list(degree.fields)) if degree else None,
        "degree_required": check_bool(degree.required, "degree.required") if degree else None,
        "degree_or_equivalent": check_bool(degree.or_equivalent, "degree.or_equivalent")
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
    req_table = to_arrow(flat, REQUIREMENT_SCHEMA)
    return ext_table, req_table, rejected


def _str_list(value: Any, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RowError(f"field {name!r}: expected a list of texts")
    return value


#: json.dumps(value, sort_keys=True) without building a new encoder for every call
_breakdown_json = json.JSONEncoder(sort_keys=True).encode
_MATCH_NAMES = MATCH_SCHEMA.names
_STR_ONLY = frozenset({str})


def _checked_match_row(m: Any, cid: Any, pid: Any) -> tuple[Any, ...]:
    """The slow, precise path: raise RowError (or TypeError) naming the bad field."""
    if not isinstance(cid, str) or not cid or not isinstance(pid, str) or not pid:
        raise RowError("fields 'candidate_id' and 'posting_id': expected non-empty text")
    score = check_number(m.score, "score")
    if score is None or score > 100:
        raise RowError(f"field 'score': expected 0-100, got {m.score!r}")
    rank = m.rank
    if rank is not None and (isinstance(rank, bool) or not isinstance(rank, int)):
        raise RowError("field 'rank': expected an integer")
    if rank is not None and rank < 1:
        raise RowError(f"field 'rank': expected 1 or more, got {rank}")
    return (
        cid,
        pid,
        score,
        _breakdown_json(m.breakdown),
        _str_list(m.matched, "matched"),
        _str_list(m.missing_required, "missing_required"),
        _str_list(m.missing_preferred, "missing_preferred"),
        rank,
    )


def _match_row(m: Any, cid: Any, pid: Any) -> tuple[Any, ...]:
    """One match as a tuple in MATCH_SCHEMA order (fast path; falls back to name the field)."""
    score, rank = m.score, m.rank
    matched, miss_req, miss_pref = m.matched, m.missing_required, m.missing_preferred
    if (
        type(cid) is str
        and cid
        and type(pid) is str
        and pid
        and (type(score) is float or type(score) is int)
        and 0 <= score <= 100
        and (rank is None or (type(rank) is int and rank >= 1))
        and type(matched) is list
        and type(miss_req) is list
        and type(miss_pref) is list
        and set(map(type, matched)) <= _STR_ONLY
        and set(map(type, miss_req)) <= _STR_ONLY
        and set(map(type, miss_pref)) <= _STR_ONLY
    ):
        return (
            cid,
            pid,
            float(score),
            _breakdown_json(m.breakdown),
            matched,
            miss_req,
            miss_pref,
            rank,
        )
    return _checked_match_row(m, cid, pid)


def matches_table(matches: list[Match]) -> tuple[pa.Table, list[Rejected]]:
    """Validate matches (score 0-100, ids as text); a repeated pair keeps its last row."""
    rows: dict[tuple[str, str], tuple[Any, ...]] = {}
    rejected: list[Rejected] = []
    for m in matches:
        cid, pid = getattr(m, "candidate_id", None), getattr(m, "posting_id", None)
        try:
            row = _match_row(m, cid, pid)
        except (RowError, TypeError) as exc:
            rejected.append(Rejected("matches", f"{cid}|{pid}", str(exc), to_json(m)))
            continue
        if (cid, pid) in rows:
            reason = "candidate/posting pair repeated; the later row was loaded"
            earlier = dict(zip(_MATCH_NAMES, rows[(cid, pid)], strict=True))
            rejected.append(Rejected("matches", f"{cid}|{pid}", reason, to_json(earlier)))
        rows[(cid, pid)] = row
    return to_arrow(list(rows.values()), MATCH_SCHEMA), rejected
