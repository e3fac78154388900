"""Fixtures for the warehouse tests: real DuckDB files under tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from matcher.models import Posting
from warehouse import Warehouse

DAY1 = datetime(2026, 11, 23, 2, 0)
DAY2 = datetime(2026, 11, 24, 2, 0)
DAY3 = datetime(2026, 11, 25, 2, 0)


def make_posting(board: str, n: int, **fields: Any) -> Posting:
    """A small posting on `board` ('lever:acme'); `fields` override the defaults."""
    source = board.split(":", 1)[0]
    values: dict[str, Any] = {
        "id": f"{board}:{n}",
        "source": source,
        "company": board.split(":", 1)[1].title(),
        "title": f"Technical Program Manager {n}",
        "url": f"https://jobs.example.test/{board.replace(':', '/')}/{n}",
        "description_text": f"Posting {n}: drive delivery with Jira and Agile.",
        "location": "Remote",
        "remote": True,
        "posted_at": "2026-11-20T09:00:00Z",
    }
    values.update(fields)
    return Posting(**values)


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "wh" / "tpm.duckdb")


@pytest.fixture
def posting() -> Callable[..., Posting]:
    return make_posting
