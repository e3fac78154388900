"""A task's large input as one pickled blob (`flows.tasks.Packed`)."""

from __future__ import annotations

from dask.tokenize import tokenize

from flows.tasks import Packed
from matcher.models import Posting


def _posting(i: int) -> Posting:
    return Posting(
        id=f"t:{i}",
        source="t",
        company="t",
        title="TPM",
        url=f"https://e.invalid/{i}",
        description_text="Requirements: PMP",
    )


def test_a_packed_value_comes_back_equal() -> None:
    postings = [_posting(i) for i in range(3)]
    assert Packed.of(postings).unpack() == postings


def test_dask_names_a_packed_input_by_its_content() -> None:
    one, same, other = (Packed.of([_posting(i) for i in r]) for r in (range(3), range(3), range(4)))
    assert tokenize(one) == tokenize(same) != tokenize(other)
