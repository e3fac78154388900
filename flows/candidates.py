"""Registered candidates: add (validate, store, score at once), list, remove.

A candidate is stored with their validated profile (the YAML as a dict) and the taxonomy
concepts it maps to. Every nightly run rebuilds their `CandidateFacts` from the stored
profile with the current taxonomy and scores them against all open postings. Adding a
candidate also scores them right away against the open postings already in the
warehouse, so their report is ready without waiting for the night. Every write goes
through a staging copy and `publish()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows.settings import Settings
from matcher.models import Match
from matcher.profile import (
    CandidateFacts,
    Profile,
    ProfileError,
    build_facts,
    load_profile,
    parse_profile,
)
from matcher.taxonomy import Taxonomy, load_taxonomy
from warehouse import CandidateRecord, Warehouse, WarehouseError


def _normalizer(taxonomy: Taxonomy) -> Any:
    from matcher.normalize import Normalizer

    return Normalizer(taxonomy)


def profile_facts(
    profile: Profile, taxonomy: Taxonomy, normalizer: Any | None = None
) -> CandidateFacts:
    """The scoring facts of one profile."""
    return build_facts(profile, taxonomy, normalizer or _normalizer(taxonomy))


def candidate_facts(
    records: Sequence[CandidateRecord], taxonomy: Taxonomy
) -> tuple[list[CandidateFacts], list[str]]:
    """Facts for every stored candidate; a profile that no longer validates is reported.

    The stored candidate id is kept (it is what matches and reports refer to).
    """
    if not records:
        return [], []
    normalizer = _normalizer(taxonomy)
    facts: list[CandidateFacts] = []
    errors: list[str] = []
    for record in records:
        try:
            profile = parse_profile(_profile_part(record.profile), origin=f"candidate {record.id}")
        except ProfileError as exc:
            errors.append(
                f"{exc} (fix it with `tpm-match candidates add PROFILE`; skipped tonight)"
            )
            continue
        one = profile_facts(profile, taxonomy, normalizer)
        one.candidate_id = record.id
        facts.append(one)
    return facts, errors


def _profile_part(stored: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in stored.items() if v is not None}


@dataclass(slots=True)
class Registered:
    """What `add_candidate` did."""

    facts: CandidateFacts
    matches: int
    open_postings: int


def add_candidate(
    settings: Settings,
    profile_path: Path,
    *,
    run_id: str | None = None,
) -> Registered:
    """Validate the profile, store the candidate and score them against the open postings.

    Raises ProfileError (bad profile) or WarehouseError (warehouse busy or unusable).
    """
    taxonomy = load_taxonomy(settings.taxonomy_path)
    profile = load_profile(profile_path)
    normalizer = _normalizer(taxonomy)
    facts = profile_facts(profile, taxonomy, normalizer)
    stamp = run_id or f"candidate-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}"
    from matcher.scoring_config import load_scoring_config
    from matcher.scoring_matrix import score_all

    config = load_scoring_config(settings.scoring_config_path)
    wh = Warehouse(settings.warehouse_path, settings.warehouse_storage_version)
    with wh.staging(stamp) as st:
        st.load_concepts(taxonomy)
        st.upsert_candidate(
            facts.candidate_id,
            facts.name,
            profile.model_dump(mode="json", exclude_none=True),
            list(facts.concepts.items()),
            email=facts.email,
        )
        pairs = st.open_postings()
        matches: list[Match] = score_all([facts], pairs, config, settings.top_k, taxonomy=taxonomy)
        st.replace_matches(matches, stamp, candidate_ids=[facts.candidate_id])
        st.publish()
    return Registered(facts, len(matches), len(pairs))


def list_candidates(settings: Settings) -> list[CandidateRecord]:
    """Every registered candidate ([] when there is no warehouse yet)."""
    wh = Warehouse(settings.warehouse_path)
    if not wh.path.exists():
        return []
    with wh.reader() as rd:
        return rd.candidates()


def remove_candidate(settings: Settings, candidate_id: str) -> bool:
    """Remove a candidate with their concepts and matches; False when there was none."""
    wh = Warehouse(settings.warehouse_path, settings.warehouse_storage_version)
    if not wh.path.exists():
        raise WarehouseError(f"no warehouse at {wh.path}; nothing to remove")
    with wh.staging(f"remove-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}") as st:
        removed = st.remove_candidate(candidate_id)
        if removed:
            st.publish()
    return removed
