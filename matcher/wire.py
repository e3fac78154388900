"""The wire format: Posting, Extraction and Match to and from JSON, checked at the boundary.

The dataclasses in `matcher.models` declare each field's wire type (strict: a number is
never read from text, a flag is true/false, ids are non-empty, times are ISO-8601); this
module is the one place that checks them, with pydantic. A bad row raises `WireError`
naming the field; the caller adds the file and line (or the table) and keeps going.

>>> from matcher.models import Posting
>>> line = '{"id": "lever:acme:1", "source": "lever", "company": "Acme", "title": "TPM",'
>>> parse_line(Posting, line + ' "url": "u", "description_text": "d", "salary_min": "lots"}')
Traceback (most recent call last):
...
matcher.wire.WireError: field 'salary_min': expected a number, got str 'lots'
>>> parse_line(Posting, line + ' "url": "u", "description_text": "d", "x": 1}').title
'TPM'
"""

from __future__ import annotations

from dataclasses import asdict
from functools import cache
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from matcher.models import Extraction

T = TypeVar("T")


class WireError(ValueError):
    """One row is not a valid record of its type; the message names the field."""


@cache
def _adapter(cls: type[T]) -> TypeAdapter[T]:
    return TypeAdapter(cls)


def _where(loc: tuple[int | str, ...]) -> str:
    """A pydantic location as a field path: `requirements[0].end`.

    >>> _where(("requirements", 0, "end"))
    'requirements[0].end'
    """
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out


def _reason(exc: ValidationError) -> str:
    """The first problem of a pydantic error in words: field, what was wanted, what came."""
    first = exc.errors(include_url=False)[0]
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "json_invalid":
        return f"not valid JSON ({first['ctx']['error']})"
    if first["type"] == "dataclass_type":
        return f"expected a JSON object, got {type(first['input']).__name__}"
    if first["type"] == "missing":
        return f"field {_where(first['loc'])!r}: missing"
    value = first.get("input")
    got = (
        ""
        if first["type"] in ("value_error", "missing")
        else f", got {type(value).__name__} {value!r:.60}"
    )
    if not first["loc"]:
        return f"{message}{got}"
    return f"field {_where(first['loc'])!r}: {message}{got}"


def _checked(value: T) -> T:
    """Rules that span fields: a requirement's evidence span must not run backwards."""
    if isinstance(value, Extraction):
        for seq, r in enumerate(value.requirements):
            if r.end < r.start:
                raise WireError(f"requirements[{seq}]: end {r.end} is before start {r.start}")
    return value


def load(cls: type[T], data: Any) -> T:
    """A JSON object (dict) as a checked `cls`; unknown keys are ignored."""
    try:
        return _checked(_adapter(cls).validate_python(data))
    except ValidationError as exc:
        raise WireError(_reason(exc)) from None


def parse_line(cls: type[T], line: str | bytes) -> T:
    """One JSON Lines line as a checked `cls` (the caller names the file and line)."""
    try:
        return _checked(_adapter(cls).validate_json(line))
    except ValidationError as exc:
        raise WireError(_reason(exc)) from None


def check(value: T) -> T:
    """A typed object checked against its wire types (a checked copy; the input is untouched)."""
    return load(type(value), value)


def dump(value: Any) -> dict[str, Any]:
    """A record as its JSON object."""
    return asdict(value)
