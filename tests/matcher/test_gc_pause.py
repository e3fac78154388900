"""collector_paused: the garbage collector is off inside the block and restored after it."""

from __future__ import annotations

import gc

import pytest

from matcher.gc_pause import collector_paused


def test_the_collector_is_back_on_after_the_block_even_on_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_the_caller_switched_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
