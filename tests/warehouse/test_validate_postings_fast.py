"""postings_table's column-wise path gives exactly the row-by-row table, or steps aside."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from matcher.models import Posting
from tests.warehouse.conftest import make_posting
from warehouse.validate import _columns_if_clean, postings_table, rowwise_postings_table


def _clean_batch() -> list[Posting]:
    return [
        make_posting("lever:acme", 1, salary_min=120000, salary_max=150000.5,
                     salary_currency="USD", salary_period="year", employment_type="full-time"),
        make_posting("lever:acme", 2, remote=None, location=None, posted_at=None),
        make_posting("lever:acme", 3, remote=False, posted_at="2026-11-20T09:00:00.123456+02:00",
                     fetched_at=" 2026-11-21T10:00:00Z "),
        make_posting("greenhouse:beta", 4, posted_at=datetime(2026, 11, 1, 8, 0),
                     fetched_at=datetime(2026, 11, 2, 8, 0, tzinfo=timezone(timedelta(hours=-5)))),
        make_posting("greenhouse:beta", 5, salary_min=0, salary_max=float("inf")),
        make_posting("ashby:gamma", 6, description_text="Ünïcode — text ✓", title=""),
        make_posting("ashby:gamma", 7),  # the same posted_at text as most: parsed once
    ]  # fmt: skip


def test_clean_batch_takes_the_column_path_and_equals_the_row_path() -> None:
    batch = _clean_batch()
    assert _columns_if_clean(batch) is not None
    fast, slow = postings_table(batch), rowwise_postings_table(batch)
    assert fast.table.equals(slow.table)
    assert fast.table.to_pylist() == slow.table.to_pylist()
    assert fast.rejected == slow.rejected == []
    assert fast.seen_ids == slow.seen_ids == [p.id for p in batch]


def test_empty_batch() -> None:
    assert postings_table([]).table.equals(rowwise_postings_table([]).table)


class Text(str):
    """A str subclass: the precise path accepts it, the column path steps aside."""


@pytest.mark.parametrize(
    "change",
    [
        {"id": ""},
        {"id": "  "},
        {"source": " "},
        {"content_hash": ""},
        {"title": None},
        {"title": Text("TPM")},
        {"company": 3},
        {"location": 5},
        {"salary_min": -1.0},
        {"salary_min": float("nan")},
        {"salary_max": True},
        {"salary_max": "100"},
        {"remote": "yes"},
        {"remote": 1},
        {"posted_at": "yesterday"},
        {"fetched_at": 20261120},
        {"id": "ashby:gamma:7"},  # repeats the last posting's id
    ],
)
def test_an_unusual_row_sends_the_batch_down_the_row_path(change: dict[str, Any]) -> None:
    batch = _clean_batch()
    # bypass __post_init__ so a bad value reaches the warehouse as it would from a bad caller
    batch[0] = dataclasses.replace(batch[0])
    for name, value in change.items():
        setattr(batch[0], name, value)
    assert _columns_if_clean(batch) is None
    got, expected = postings_table(batch), rowwise_postings_table(batch)
    assert repr(got.table.to_pylist()) == repr(expected.table.to_pylist())  # NaN != NaN
    assert got.rejected == expected.rejected
    assert got.seen_ids == expected.seen_ids


def test_an_object_without_a_field_goes_down_the_row_path() -> None:
    @dataclasses.dataclass
    class Partial:
        id: str = "lever:acme:9"

    batch: list[Any] = [*_clean_batch(), Partial()]
    assert _columns_if_clean(batch) is None
    got = postings_table(batch)
    assert got.table.num_rows == len(batch) - 1
    assert [r.record_key for r in got.rejected] == ["lever:acme:9"]
