"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.taxonomy import Taxonomy, load_taxonomy

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def taxonomy_path() -> Path:
    return REPO_ROOT / "skills_taxonomy.yaml"


@pytest.fixture(scope="session")
def taxonomy(taxonomy_path: Path) -> Taxonomy:
    return load_taxonomy(taxonomy_path)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (third-party postings); a test that needs it fails loudly without it."""
    if not SHARED_DATA.is_dir():
        pytest.fail(
            f"{SHARED_DATA} is missing: tests read real postings from ../shared/data "
            "beside the repository (see its README); check out the workspace's shared/ folder"
        )
    return SHARED_DATA
