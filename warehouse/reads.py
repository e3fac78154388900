"""Read methods shared by the staging connection and the read-only reader."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from matcher.models import Degree, Extraction, Match, Posting, Requirement
from matcher.scoring.topk import StoredMatch
from warehouse.columns import arrow_table, key_runs, plain_values, shared_values
from warehouse.events import EventReads
from warehouse.records import (
    CandidateRecord,
    MatchRecord,
    RunRecord,
    SavedQuery,
    SkillDemandRow,
    WarehouseError,
)
from warehouse.sqlfiles import bind_saved_query, saved_queries, statement


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _isoformat(value: datetime) -> str:
    return value.isoformat()


def _posting(row: tuple[Any, ...]) -> Posting:
    """Posting from the first 16 columns of select_open_postings / select_matches_for."""
    (pid, source, company, title, url, text, location, remote, employment_type) = row[:9]
    (smin, smax, currency, period, posted_at, fetched_at, chash) = row[9:16]
    return Posting(
        id=pid,
        source=source,
        company=company,
        title=title,
        url=url,
        description_text=text,
        location=location,
        remote=remote,
        employment_type=employment_type,
        salary_min=smin,
        salary_max=smax,
        salary_currency=currency,
        salary_period=period,
        posted_at=_iso(posted_at),
        fetched_at=_iso(fetched_at),
        content_hash=chash,
    )


def _match(row: tuple[Any, ...]) -> Match:
    """Match from the first 8 columns of select_matches_for / select_stored_matches."""
    cid, pid, score, breakdown, matched, miss_req, miss_pref, rank = row[:8]
    return Match(
        candidate_id=cid,
        posting_id=pid,
        score=score,
        breakdown=json.loads(breakdown),
        matched=list(matched),
        missing_required=list(miss_req),
        missing_preferred=list(miss_pref),
        rank=rank,
    )


def _run(row: tuple[Any, ...] | None) -> RunRecord | None:
    if row is None:
        return None
    run_id, started, finished, status, stages, sources, errors, failing, held = row
    return RunRecord(
        run_id=run_id,
        started_at=started,
        finished_at=finished,
        status=status,
        stage_counts=json.loads(stages),
        source_counts=json.loads(sources),
        source_errors=json.loads(errors),
        failing_sources=json.loads(failing),
        held_sources=json.loads(held),
    )


def _requirements_by_posting(table: pa.Table) -> dict[str, list[Requirement]]:
    """Requirements of select_open_requirements (ordered by posting, seq), by posting id."""
    col = table.column
    built = list(
        map(
            Requirement,
            shared_values(col("concept_id")),
            shared_values(col("name")),
            shared_values(col("kind")),
            plain_values(col("required")),
            shared_values(col("evidence")),
            plain_values(col("start_offset")),
            plain_values(col("end_offset")),
            shared_values(col("years")),
            shared_values(col("alt_group")),
        )
    )
    out: dict[str, list[Requirement]] = {}
    for pid, start, end in key_runs(col("posting_id")):
        if pid in out:  # only if the statement stopped ordering by posting
            out[pid].extend(built[start:end])
        else:
            out[pid] = built[start:end]
    return out


def _degree_fields() -> Callable[[str | None], Any]:
    """json.loads of degree_fields ([] when empty), parsing each distinct text once."""
    parsed: dict[str, Any] = {}

    def load(text: str | None) -> Any:
        if not text:
            return []
        value = parsed.get(text)
        if value is None:
            value = parsed[text] = json.loads(text)
        if isinstance(value, list) and all(type(v) is str for v in value):
            return list(value)  # a fresh list per degree: callers may change it
        return json.loads(text)

    return load


def _postings_with_extractions(
    table: pa.Table, reqs: dict[str, list[Requirement]], *, with_text: bool
) -> list[tuple[Posting, Extraction]]:
    """Pairs from the columns of select_open_postings (or its `_without_text` variant)."""
    col = table.column
    text = col("description_text")
    texts = plain_values(text) if with_text else shared_values(text)  # '' in every row
    postings = [
        Posting(
            id=pid,
            source=source,
            company=company,
            title=title,
            url=url,
            description_text=description,
            location=location,
            remote=remote,
            employment_type=employment_type,
            salary_min=smin,
            salary_max=smax,
            salary_currency=currency,
            salary_period=period,
            posted_at=posted_at,
            fetched_at=fetched_at,
            content_hash=chash,
        )
        for (
            pid, source, company, title, url, description, location, remote, employment_type,
            smin, smax, currency, period, posted_at, fetched_at, chash,
        ) in zip(
            plain_values(col("id")),
            shared_values(col("source")),
            shared_values(col("company")),
            plain_values(col("title")),
            plain_values(col("url")),
            texts,
            shared_values(col("location")),
            shared_values(col("remote")),
            shared_values(col("employment_type")),
            shared_values(col("salary_min")),
            shared_values(col("salary_max")),
            shared_values(col("salary_currency")),
            shared_values(col("salary_period")),
            shared_values(col("posted_at"), _isoformat),
            shared_values(col("fetched_at"), _isoformat),
            plain_values(col("content_hash")),
            strict=True,
        )
    ]  # fmt: skip
    load_fields = _degree_fields()
    out: list[tuple[Posting, Extraction]] = []
    for posting, min_years, dlevel, dfields, dreq, dequiv, level in zip(
        postings,
        shared_values(col("min_years_experience")),
        shared_values(col("degree_level")),
        shared_values(col("degree_fields")),
        shared_values(col("degree_required")),
        shared_values(col("degree_or_equivalent")),
        shared_values(col("level")),
        strict=True,
    ):
        degree = (
            Degree(dlevel, load_fields(dfields), bool(dreq), bool(dequiv))
            if dreq is not None  # stored only when the extraction had a degree
            else None
        )
        ext = Extraction(posting.id, reqs.get(posting.id, []), min_years, degree, level)
        out.append((posting, ext))
    return out


class ReadMethods(EventReads):
    """Queries that work on any open warehouse connection (`self.con`)."""

    con: duckdb.DuckDBPyConnection

    def open_postings(self, *, with_text: bool = True) -> list[tuple[Posting, Extraction]]:
        """Open canonical (non-duplicate) postings, each with its stored extraction, by id.

        `with_text=False` leaves `description_text` empty (scoring and dedup do not read
        it), which saves moving every description out of the warehouse. Both results are
        read as Arrow columns (warehouse/columns.py), not row by row.
        """
        name = "select_open_postings" if with_text else "select_open_postings_without_text"
        postings = arrow_table(self.con, statement(name))
        requirements = arrow_table(self.con, statement("select_open_requirements"))
        reqs = _requirements_by_posting(requirements)
        return _postings_with_extractions(postings, reqs, with_text=with_text)

    def candidates(self) -> list[CandidateRecord]:
        """Every registered candidate, by id."""
        return [
            CandidateRecord(cid, name, email, json.loads(profile), added)
            for cid, name, email, profile, added in self.con.execute(
                statement("select_candidates")
            ).fetchall()
        ]

    def known_hashes(self) -> dict[str, str]:
        """Posting id -> the content_hash whose extraction is stored (only extracted postings).

        A crawled posting whose content_hash differs from (or is missing in) this map needs
        extracting; one whose hash is equal does not.
        """
        return dict(self.con.execute(statement("known_hashes")).fetchall())

    def matches_for(self, candidate_id: str, top: int = 20) -> list[MatchRecord]:
        """A candidate's best `top` matches to open postings (rank 1 first), with their URLs."""
        rows = self.con.execute(
            statement("select_matches_for"), {"candidate_id": candidate_id, "top": top}
        ).fetchall()
        return [
            MatchRecord(_match(row), _posting(row[9:25]), list(row[25]), row[8]) for row in rows
        ]

    def stored_matches(
        self, context_hash: str, candidate_id: str | None = None
    ) -> list[StoredMatch]:
        """Stored matches explained under `context_hash`, with the digests of their inputs.

        Every candidate's, or only `candidate_id`'s; matcher/scoring/topk.py decides which
        of them are still valid.
        """
        rows = self.con.execute(
            statement("select_stored_matches"),
            {"context_hash": context_hash, "candidate_id": candidate_id},
        ).fetchall()
        return [StoredMatch(_match(row), *row[8:11]) for row in rows]

    def run(self, run_id: str) -> RunRecord | None:
        """The record of one run, or None."""
        return _run(self.con.execute(statement("select_run"), {"run_id": run_id}).fetchone())

    def latest_run(self) -> RunRecord | None:
        """The most recently started run, or None."""
        return _run(self.con.execute(statement("select_latest_run")).fetchone())

    def failed_nights(self) -> dict[str, int]:
        """Per source key of past runs: how many of its latest runs in a row failed it."""
        rows = self.con.execute(statement("select_failed_nights")).fetchall()
        return {key: int(nights) for key, nights in rows}

    def skill_demand(self) -> list[SkillDemandRow]:
        """Rows of `v_skill_demand`: per ISO week and concept, required vs preferred counts."""
        return [
            SkillDemandRow(*row)
            for row in self.con.execute(statement("select_skill_demand")).fetchall()
        ]

    def demand_totals(self) -> dict[str, tuple[str, int]]:
        """Open postings asking for each concept, all weeks together: {id: (name, count)}.

        The same counts as summing `skill_demand()` over its weeks, in one cheaper query.
        """
        rows = self.con.execute(statement("select_demand_totals")).fetchall()
        return {cid: (name, int(count)) for cid, name, count in rows}

    def list_queries(self) -> list[SavedQuery]:
        """Every saved query, by name."""
        return [saved_queries()[name] for name in sorted(saved_queries())]

    def query(self, name: str, params: dict[str, str]) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run a saved query with its parameters bound; return (column names, rows).

        Raises WarehouseError naming the query's parameters when `params` has unknown or
        missing keys.
        """
        saved, bound = bind_saved_query(name, params)
        try:
            cursor = self.con.execute(saved.sql, bound)
        except duckdb.Error as exc:
            raise WarehouseError(f"query {name!r} failed: {exc}") from exc
        columns = [d[0] for d in cursor.description or []]
        return columns, cursor.fetchall()
