"""Fixtures shared by the matcher tests."""

from __future__ import annotations

import pytest

from matcher.normalize import Normalizer
from matcher.taxonomy import Taxonomy


@pytest.fixture(scope="module")
def normalizer(taxonomy: Taxonomy) -> Normalizer:
    """The skill normalizer over the repository's taxonomy."""
    return Normalizer(taxonomy)
