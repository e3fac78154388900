"""The read-write staging copy of the warehouse: every load method, and `publish()`.

A `Staging` is made by `Warehouse.staging(run_id)`; it owns a DuckDB connection to the
staging file. Nothing it does is visible to readers until `publish()` swaps the file in.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from matcher.models import Extraction, Match, Posting
from matcher.taxonomy import Taxonomy, normalize_alias
from warehouse import validate, validate_results
from warehouse.events import EventWrites
from warehouse.lifecycle import DEFAULT_RULES, HeldSource, LifecycleRules, held_sources
from warehouse.reads import ReadMethods
from warehouse.records import LoadCounts, RunRecord, WarehouseError
from warehouse.sqlfiles import statement

CONCEPT_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("name", pa.string()),
        ("kind", pa.string()),
        ("category", pa.string()),
        ("description", pa.string()),
        ("extension", pa.bool_()),
        ("source_article", pa.string()),
        ("source_section", pa.string()),
        ("taxonomy_hash", pa.string()),
    ]
)
ALIAS_SCHEMA = pa.schema(
    [
        ("normalized", pa.string()),
        ("alias", pa.string()),
        ("concept_id", pa.string()),
        ("is_name", pa.bool_()),
    ]
)
CANDIDATE_CONCEPT_SCHEMA = pa.schema([("concept_id", pa.string()), ("years", pa.float64())])
DUPLICATE_SCHEMA = pa.schema([("id", pa.string()), ("duplicate_of", pa.string())])
ID_SCHEMA = pa.schema([("id", pa.string())])
PROFILE_HASH_SCHEMA = pa.schema([("candidate_id", pa.string()), ("profile_hash", pa.string())])


def _utc_naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Staging(EventWrites, ReadMethods):
    """Loads into the staging file; `publish()` makes them the warehouse readers see."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, run_id: str, publish: Callable[[], None]
    ) -> None:
        self.con = con
        self.run_id = run_id
        self._publish = publish
        self.published = False

    # -- helpers ------------------------------------------------------------------------
    @contextmanager
    def _registered(self, **tables: pa.Table) -> Iterator[None]:
        for name, table in tables.items():
            self.con.register(name, table)
        try:
            yield
        finally:
            for name in tables:
                self.con.unregister(name)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.con.begin()
        try:
            yield
        except BaseException:
            self.con.rollback()
            raise
        self.con.commit()

    def _count(self, name: str, params: dict[str, Any] | None = None) -> int:
        row = self.con.execute(statement(name), params or {}).fetchone()
        return int(row[0]) if row else 0

    def _reject(self, rows: list[validate.Rejected]) -> None:
        if not rows:
            return
        with self._registered(incoming_rejected=validate.rejected_table(rows)):
            self.con.execute(
                statement("insert_rejected_rows"), {"run_id": self.run_id, "rejected_at": _now()}
            )

    def _unknown_ids(self, ids: Iterable[str]) -> set[str]:
        table = pa.Table.from_pydict({"id": list(dict.fromkeys(ids))}, schema=ID_SCHEMA)
        with self._registered(incoming_ids=table):
            return {r[0] for r in self.con.execute(statement("unknown_posting_ids")).fetchall()}

    # -- taxonomy -----------------------------------------------------------------------
    def load_concepts(self, taxonomy: Taxonomy) -> None:
        """Replace the concepts and concept_aliases tables with this taxonomy."""
        concepts = [
            {
                "id": c.id,
                "name": c.name,
                "kind": c.kind,
                "category": c.category,
                "description": c.description,
                "extension": c.extension,
                "source_article": c.source.article,
                "source_section": c.source.section,
                "taxonomy_hash": taxonomy.content_hash,
            }
            for c in taxonomy.concepts
        ]
        aliases = [
            {
                "normalized": normalize_alias(form),
                "alias": form,
                "concept_id": c.id,
                "is_name": i == 0,
            }
            for c in taxonomy.concepts
            for i, form in enumerate(c.surface_forms)
        ]
        with (
            self._transaction(),
            self._registered(
                incoming_concepts=pa.Table.from_pylist(concepts, schema=CONCEPT_SCHEMA),
                incoming_aliases=pa.Table.from_pylist(aliases, schema=ALIAS_SCHEMA),
            ),
        ):
            for name in ("delete_concept_aliases", "delete_concepts"):
                self.con.execute(statement(name))
            self.con.execute(statement("insert_concepts"))
            self.con.execute(statement("insert_concept_aliases"))

    # -- postings -----------------------------------------------------------------------
    def load_postings(
        self,
        postings: list[Posting],
        *,
        crawled_ok: dict[str, bool],
        seen_at: datetime,
        rules: LifecycleRules = DEFAULT_RULES,
    ) -> LoadCounts:
        """Upsert postings in bulk and close those gone, by the rules of warehouse/lifecycle.py.

        Same content_hash: only `last_seen` moves (and a closed posting reopens). New or
        changed content: the row is inserted / rewritten. For every source key mapped to
        True in `crawled_ok`, open postings of that source missing from `postings` get
        `closed_at = seen_at`, unless the source is *held* (it answered with fewer than
        `rules.min_seen_share` of its open postings, and was not held the night before);
        a failed source (False) closes nothing. Postings unseen for
        `rules.close_after_nights` runs, and those of sources absent from
        `rules.source_keys`, close too. Bad rows go to `rejected_rows` with the reason;
        the rest load.
        """
        seen = _utc_naive(seen_at)
        batch = validate.postings_table(postings)
        ok_keys = sorted(k for k, ok in crawled_ok.items() if ok)
        seen_ids = pa.Table.from_pydict({"id": batch.seen_ids}, schema=ID_SCHEMA)
        params = {"seen_at": seen}
        with (
            self._transaction(),
            self._registered(incoming_postings=batch.table, incoming_seen_ids=seen_ids),
        ):
            held = self._held_sources(ok_keys, rules.min_seen_share)
            row = self.con.execute(statement("count_incoming_postings")).fetchone()
            new, changed, unchanged, reopened = (int(v) for v in row) if row else (0, 0, 0, 0)
            self.con.execute(statement("update_changed_postings"), params)
            self.con.execute(statement("touch_unchanged_postings"), params)
            self.con.execute(statement("insert_new_postings"), params)
            closing = [k for k in ok_keys if k not in held]
            closed = self._count(
                "close_missing_postings", {"seen_at": seen, "ok_source_keys": closing}
            )
            unseen = self._count(
                "close_unseen_postings",
                {
                    "seen_at": seen,
                    "held_source_keys": sorted(held),
                    "close_after_nights": rules.close_after_nights,
                },
            )
            removed = 0
            if rules.source_keys is not None:
                removed = self._count(
                    "close_removed_source_postings",
                    {"seen_at": seen, "source_keys": sorted(rules.source_keys)},
                )
            self._reject(batch.rejected)
        return LoadCounts(
            new,
            changed,
            unchanged,
            reopened,
            closed,
            len(batch.rejected),
            held=sum(h.open for h in held.values()),
            closed_unseen=unseen,
            closed_removed=removed,
            held_sources={key: h.as_dict() for key, h in held.items()},
        )

    def _held_sources(self, ok_keys: list[str], min_seen_share: float) -> dict[str, HeldSource]:
        """The sources of `ok_keys` whose open postings stay open tonight (lifecycle.py)."""
        presence = {
            key: (int(open_count), int(seen_count))
            for key, open_count, seen_count in self.con.execute(
                statement("select_source_presence"), {"source_keys": ok_keys}
            ).fetchall()
        }
        rows = self.con.execute(statement("select_held_last_time")).fetchall()
        return held_sources(presence, {key for key, held in rows if held}, min_seen_share)

    def load_extractions(self, extractions: list[Extraction]) -> int:
        """Replace the requirements (and years, degree, level) of these postings; return how many.

        An extraction for a posting the warehouse does not have, or with a malformed
        requirement, goes to `rejected_rows` whole; the others load.
        """
        ids = [e.id for e in extractions if isinstance(getattr(e, "id", None), str)]
        known = set(ids) - self._unknown_ids(ids)
        ext_table, req_table, rejected = validate_results.extractions_tables(extractions, known)
        with (
            self._transaction(),
            self._registered(incoming_extractions=ext_table, incoming_requirements=req_table),
        ):
            self.con.execute(statement("delete_stale_requirements"))
            self.con.execute(statement("insert_requirements"))
            self.con.execute(statement("update_posting_extraction"))
            self._reject(rejected)
        return ext_table.num_rows

    def set_duplicates(self, groups: dict[str, list[str]]) -> None:
        """Record cross-source duplicates: canonical id -> its duplicates' ids.

        `groups` is the complete grouping: postings named nowhere become canonical again.
        A duplicate stays in `postings` (its URL is listed in `v_open_postings.urls`).
        Unknown ids, an id in two groups, or a canonical that is itself a duplicate are
        recorded in `rejected_rows` and skipped.
        """
        pairs: dict[str, str] = {}
        rejected: list[validate.Rejected] = []
        unknown = self._unknown_ids([*groups, *(d for dups in groups.values() for d in dups)])

        def reject(dup: str, canonical: str, reason: str) -> None:
            raw = json.dumps({"canonical": canonical, "duplicate": dup})
            rejected.append(validate.Rejected("postings.duplicate_of", dup, reason, raw))

        for canonical, dups in groups.items():
            for dup in dups:
                if canonical in unknown or dup in unknown:
                    bad = canonical if canonical in unknown else dup
                    reject(dup, canonical, f"unknown posting id {bad!r}")
                elif dup == canonical:
                    reject(dup, canonical, "a posting cannot duplicate itself")
                elif dup in pairs:
                    reject(dup, canonical, f"already a duplicate of {pairs[dup]!r}")
                else:
                    pairs[dup] = canonical
        for dup, canonical in list(pairs.items()):
            if canonical in pairs:  # chains collapse onto one canonical: reject the link
                reject(dup, canonical, f"canonical {canonical!r} is itself a duplicate")
                del pairs[dup]
        table = pa.Table.from_pydict(
            {"id": list(pairs), "duplicate_of": list(pairs.values())}, schema=DUPLICATE_SCHEMA
        )
        with self._transaction(), self._registered(incoming_duplicates=table):
            self.con.execute(statement("clear_duplicates"))
            self.con.execute(statement("set_duplicates"))
            self._reject(rejected)

    # -- candidates and matches ---------------------------------------------------------
    def upsert_candidate(
        self,
        candidate_id: str,
        name: str,
        profile: dict[str, Any],
        concepts: list[tuple[str, float | None]],
        email: str | None = None,
    ) -> None:
        """Add or update a candidate and replace their concepts (a repeated one keeps its last)."""
        if not candidate_id or not isinstance(candidate_id, str):
            raise WarehouseError("candidate id must be non-empty text")
        by_concept = {cid: years for cid, years in concepts}
        table = pa.Table.from_pydict(
            {"concept_id": list(by_concept), "years": list(by_concept.values())},
            schema=CANDIDATE_CONCEPT_SCHEMA,
        )
        params = {"id": candidate_id}
        with self._transaction(), self._registered(incoming_candidate_concepts=table):
            self.con.execute(
                statement("upsert_candidate"),
                {
                    "id": candidate_id,
                    "name": name,
                    "email": email,
                    "profile": json.dumps(profile, default=str, sort_keys=True),
                    "now": _now(),
                },
            )
            self.con.execute(statement("delete_candidate_concepts"), params)
            self.con.execute(statement("insert_candidate_concepts"), params)

    def remove_candidate(self, candidate_id: str) -> bool:
        """Delete a candidate with their concepts and matches; False if there was none."""
        params = {"id": candidate_id}
        with self._transaction():
            self.con.execute(statement("delete_candidate_concepts"), params)
            self.con.execute(statement("delete_candidate_matches"), params)
            return self._count("delete_candidate", params) > 0

    def replace_matches(
        self,
        matches: list[Match],
        run_id: str,
        *,
        candidate_ids: Iterable[str] | None = None,
        context_hash: str | None = None,
        profile_hashes: Mapping[str, str] | None = None,
    ) -> int:
        """Replace stored matches with these; return how many loaded.

        By default every stored match is replaced (a full scoring run). With
        `candidate_ids`, only those candidates' matches are replaced. A missing rank is
        filled per candidate by score (1 = best). Bad rows go to `rejected_rows`. Each row
        stores the digests of its inputs (the posting's `content_hash`, the candidate's
        `profile_hashes` entry, `context_hash`; see matcher/scoring/topk.py) so that the
        next run can reuse its explanation.
        """
        table, rejected = validate_results.matches_table(matches)
        profiles = pa.Table.from_pydict(
            {
                "candidate_id": list((profile_hashes or {}).keys()),
                "profile_hash": list((profile_hashes or {}).values()),
            },
            schema=PROFILE_HASH_SCHEMA,
        )
        with (
            self._transaction(),
            self._registered(incoming_matches=table, incoming_profiles=profiles),
        ):
            scope = None if candidate_ids is None else sorted(set(candidate_ids))
            self.con.execute(statement("delete_replaced_matches"), {"candidate_ids": scope})
            self.con.execute(
                statement("insert_matches"), {"run_id": run_id, "context_hash": context_hash}
            )
            self._reject(rejected)
        return table.num_rows

    def record_run(self, run: RunRecord) -> None:
        """Insert or update the record of a run."""
        try:
            params = {
                "run_id": run.run_id,
                "started_at": _utc_naive(run.started_at),
                "finished_at": _utc_naive(run.finished_at) if run.finished_at else None,
                "status": run.status,
                "stage_counts": json.dumps(run.stage_counts, default=str, sort_keys=True),
                "source_counts": json.dumps(run.source_counts, default=str, sort_keys=True),
                "source_errors": json.dumps(run.source_errors, default=str, sort_keys=True),
                "failing_sources": json.dumps(run.failing_sources, sort_keys=True),
                "held_sources": json.dumps(run.held_sources, sort_keys=True),
            }
            self.con.execute(statement("upsert_run"), params)
        except duckdb.ConstraintException as exc:
            raise WarehouseError(f"run {run.run_id!r} cannot be recorded: {exc}") from exc

    # -- publishing ---------------------------------------------------------------------
    def publish(self) -> None:
        """Checkpoint, close and atomically swap the staging file in; this object is then closed."""
        if self.published:
            raise WarehouseError("this staging copy was already published")
        self._publish()
        self.published = True
