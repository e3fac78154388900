"""Validate extractions and matches into Arrow tables, setting bad rows aside with a reason.

A bad requirement rejects its whole extraction (a partial list of requirements would
mislead the scorer); a bad match rejects that match only.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from matcher.models import Extraction, Match
from matcher.wire import WireError, check
from warehouse.validate import Rejected, to_arrow, to_json

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


def _requirement_rows(ext: Extraction) -> list[tuple[Any, ...]]:
    """A checked extraction's requirements as rows in REQUIREMENT_SCHEMA order."""
    return [
        (ext.id, seq, r.id, r.name, r.kind, r.required, r.years, r.evidence, r.start, r.end,
         r.group)
        for seq, r in enumerate(ext.requirements)
    ]  # fmt: skip


def _extraction_row(ext: Extraction) -> dict[str, Any]:
    """A checked extraction as a row of EXTRACTION_SCHEMA."""
    degree = ext.degree
    return {
        "posting_id": ext.id,
        "min_years_experience": ext.min_years_experience,
        "degree_level": degree.level if degree else None,
        "degree_fields": json.dumps(degree.fields) if degree else None,
        "degree_required": degree.required if degree else None,
        "degree_or_equivalent": degree.or_equivalent if degree else None,
        "level": ext.level,
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
            checked = check(ext)
            if known_ids is not None and checked.id not in known_ids:
                raise WireError("no posting with this id in the warehouse; load the posting first")
        except WireError as exc:
            rejected.append(Rejected("posting_requirements", key, str(exc), to_json(ext)))
            continue
        ext_rows[checked.id] = _extraction_row(checked)
        req_rows[checked.id] = _requirement_rows(checked)
    ext_table = pa.Table.from_pylist(list(ext_rows.values()), schema=EXTRACTION_SCHEMA)
    flat = [row for rows in req_rows.values() for row in rows]
    req_table = to_arrow(flat, REQUIREMENT_SCHEMA)
    return ext_table, req_table, rejected


#: json.dumps(value, sort_keys=True) without building a new encoder for every call
_breakdown_json = json.JSONEncoder(sort_keys=True).encode
_MATCH_NAMES = MATCH_SCHEMA.names


def _match_row(m: Match) -> tuple[Any, ...]:
    """A checked match as a row in MATCH_SCHEMA order."""
    return (
        m.candidate_id,
        m.posting_id,
        float(m.score),
        _breakdown_json(m.breakdown),
        m.matched,
        m.missing_required,
        m.missing_preferred,
        m.rank,
    )


def matches_table(matches: list[Match]) -> tuple[pa.Table, list[Rejected]]:
    """Check matches (`matcher.wire`); a repeated pair keeps its last row."""
    rows: dict[tuple[str, str], tuple[Any, ...]] = {}
    rejected: list[Rejected] = []
    for m in matches:
        cid, pid = getattr(m, "candidate_id", None), getattr(m, "posting_id", None)
        try:
            row = _match_row(check(m))
        except WireError as exc:
            rejected.append(Rejected("matches", f"{cid}|{pid}", str(exc), to_json(m)))
            continue
        if (cid, pid) in rows:
            reason = "candidate/posting pair repeated; the later row was loaded"
            earlier = dict(zip(_MATCH_NAMES, rows[(cid, pid)], strict=True))
            rejected.append(Rejected("matches", f"{cid}|{pid}", reason, to_json(earlier)))
        rows[(cid, pid)] = row
    return to_arrow(list(rows.values()), MATCH_SCHEMA), rejected
