"""One level rule for postings (LevelFinder) and candidates (level_for)."""

from __future__ import annotations

from matcher.levels import LevelFinder, level_for
from matcher.normalize import Normalizer
from matcher.taxonomy import Taxonomy


def test_level_from_title_then_years(taxonomy: Taxonomy, normalizer: Normalizer) -> None:
    assert level_for(taxonomy, "Senior TPM", 2, normalizer) == ("level.senior_tpm", "title")
    assert level_for(taxonomy, "Chief Llama", 4, normalizer) == ("level.tpm", "years")
    assert level_for(taxonomy, None, 12) == ("level.program_director", "years")
    assert level_for(taxonomy, None, None) == (None, "none")


def test_a_candidate_title_and_a_posting_title_get_the_same_level(taxonomy: Taxonomy) -> None:
    title = "Senior Technical Program Manager, Payments"
    assert level_for(taxonomy, title, None) == (LevelFinder(taxonomy).level(title, None), "title")
    assert level_for(taxonomy, title, None)[0] == "level.senior_tpm"
    assert level_for(taxonomy, None, 6) == (LevelFinder(taxonomy).from_years(6), "years")
