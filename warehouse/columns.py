"""Turn DuckDB results into Python values column by column (the fast path for big reads).

`fetchall()` makes one Python object per cell; reading 200,000 requirement rows that way
costs about a second, most of it spent creating the same few hundred texts again and
again (and in the garbage collector, which runs every 700 new tuples). Here a result
comes out as an Arrow table instead, and each column becomes a Python list in which
equal values are one shared object: a column is dictionary-encoded in Arrow (C++), only
its distinct values are converted, and the list is gathered from them with numpy. The
values are the same as `fetchall()` gives (same types, equal values).

>>> import pyarrow as pa
>>> shared_values(pa.chunked_array([["a", None, "a"], ["b"]]))
['a', None, 'a', 'b']
>>> runs([4, 4, 7, 7, 7, 2])
[(0, 2), (2, 5), (5, 6)]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def arrow_table(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    """The whole result of `sql` (a statement without parameters) as an Arrow table.

    A relation (`con.sql`) refuses to run while an earlier `execute()` result is unread
    (e.g. after a `fetchone()`); `complete()` finishes that result first, which is what
    the next `execute()` would do anyway.
    """
    con.complete()
    return con.sql(sql).to_arrow_table()


def _combined(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def shared_values(
    column: pa.ChunkedArray | pa.Array, convert: Callable[[Any], Any] | None = None
) -> list[Any]:
    """The column as a Python list in which equal values are one object (nulls are None).

    `convert`, when given, is applied once per distinct non-null value (e.g. a timestamp
    to its ISO text). Use it for columns with few distinct values.

    >>> import pyarrow as pa
    >>> shared_values(pa.array([1.5, None, 1.5]), convert=lambda v: v * 2)
    [3.0, None, 3.0]
    """
    encoded = pc.dictionary_encode(_combined(column), null_encoding="encode")
    distinct = encoded.dictionary.to_pylist()
    if convert is not None:
        distinct = [None if v is None else convert(v) for v in distinct]
    lookup = np.empty(len(distinct), dtype=object)
    lookup[:] = distinct
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    return lookup[indices].tolist()  # type: ignore[no-any-return]


def plain_values(column: pa.ChunkedArray | pa.Array) -> list[Any]:
    """The column as a Python list, one object per row (for mostly distinct values).

    >>> import pyarrow as pa
    >>> plain_values(pa.array([3, 1], type=pa.int32())), plain_values(pa.array([1, None]))
    ([3, 1], [1, None])
    """
    array = _combined(column)
    if array.null_count == 0 and (
        pa.types.is_integer(array.type) or pa.types.is_boolean(array.type)
    ):
        return array.to_numpy(zero_copy_only=False).tolist()  # type: ignore[no-any-return]
    return array.to_pylist()


def runs(keys: Sequence[Any] | np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of equal neighbouring keys, in order."""
    array = np.asarray(keys)
    if array.size == 0:
        return []
    cuts = (np.flatnonzero(array[1:] != array[:-1]) + 1).tolist()
    return list(zip([0, *cuts], [*cuts, int(array.size)], strict=True))


def key_runs(column: pa.ChunkedArray | pa.Array) -> list[tuple[Any, int, int]]:
    """(key, start, end) of each run of equal neighbouring values of a non-null column.

    >>> import pyarrow as pa
    >>> key_runs(pa.array(["a", "a", "b"]))
    [('a', 0, 2), ('b', 2, 3)]
    """
    encoded = pc.dictionary_encode(_combined(column))
    distinct = encoded.dictionary.to_pylist()
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    return [(distinct[indices[start]], start, end) for start, end in runs(indices)]
