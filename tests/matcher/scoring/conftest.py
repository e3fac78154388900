"""Shared fixtures of the scoring tests: the repository's scoring config and a random sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.scoring.config import ScoringConfig, load_scoring_config
from matcher.taxonomy import Taxonomy
from tests.matcher.scoring_fixtures import random_sample


@pytest.fixture(scope="module")
def config(repo_root: Path) -> ScoringConfig:
    return load_scoring_config(repo_root / "scoring.yaml")


@pytest.fixture(scope="module")
def sample(taxonomy: Taxonomy):
    return random_sample(taxonomy, n_postings=160, n_candidates=25, seed=11)
