"""A task's large input as one pickled blob (`flows.tasks.Packed`)."""

from __future__ import annotations

from dask.tokenize import tokenize

from flows.tasks import Packed
from tests.warehouse.conftest import make_posting


def test_a_packed_value_comes_back_equal() -> None:
    postings = [make_posting("lever:acme", i) for i in range(3)]
    assert Packed.of(postings).unpack() == postings


def test_dask_names_a_packed_input_by_its_content() -> None:
    one, same, other = (
        Packed.of([make_posting("lever:acme", i) for i in r])
        for r in (range(3), range(3), range(4))
    )
    assert tokenize(one) == tokenize(same) != tokenize(other)
