"""A task's large input that Prefect and Dask pass on without looking inside
(`flows.tasks.Opaque`)."""

from __future__ import annotations

import pickle

from dask.tokenize import tokenize
from prefect.utilities.collections import visit_collection

from flows.tasks import Opaque
from tests.warehouse.conftest import make_posting


def test_a_boxed_value_crosses_a_process_boundary_equal() -> None:
    postings = [make_posting("lever:acme", i) for i in range(3)]
    box = Opaque(postings)
    assert box.value is postings  # in this process: nothing copied
    assert pickle.loads(pickle.dumps(box)).value == postings


def test_prefect_does_not_walk_into_the_box() -> None:
    seen: list[object] = []
    box = Opaque([make_posting("lever:acme", i) for i in range(3)])
    visit_collection({"postings": box}, visit_fn=seen.append)
    assert seen == [{"postings": box}, "postings", box]  # not the list, nor a posting


def test_dask_names_a_box_and_its_copies_alike() -> None:
    box = Opaque([make_posting("lever:acme", i) for i in range(3)])
    copy = pickle.loads(pickle.dumps(box))
    assert tokenize(box) == tokenize(copy) != tokenize(Opaque(box.value))


class _Counted:
    """A value that counts how often it is unpickled."""

    loads = 0

    def __reduce__(self) -> tuple[object, tuple[()]]:
        return _unpickled, ()


def _unpickled() -> _Counted:
    _Counted.loads += 1
    return _Counted()


def test_a_copy_unpickles_its_value_only_when_the_task_reads_it() -> None:
    copy = pickle.loads(pickle.dumps(Opaque(_Counted())))
    again = pickle.loads(pickle.dumps(copy))  # as Dask's scheduler passes a task on
    assert _Counted.loads == 0
    assert isinstance(again.value, _Counted) and _Counted.loads == 1
