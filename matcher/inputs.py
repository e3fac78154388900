"""Reading files a user hands us (profiles, résumés) with bounds and clear errors.

Every helper here raises `InputError` naming the file and what to do, never a traceback:
a file over its size limit, text that is not UTF-8, YAML with anchors/aliases (an
"alias bomb" of a few hundred bytes expands to gigabytes) or nested too deeply. Values
echoed back in messages are cut (`shorten`), so a hostile input cannot flood the terminal.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process

#: How much of a value an error message shows.
ECHO_CHARS = 80

_REPR = reprlib.Repr()
_REPR.maxstring = ECHO_CHARS
_REPR.maxother = ECHO_CHARS
_REPR.maxlist = _REPR.maxdict = 4
_REPR.maxlevel = 2


class InputError(ValueError):
    """A file that cannot be read as asked; the message names the file and the fix."""


def shorten(value: Any, limit: int = ECHO_CHARS) -> str:
    """`repr(value)` cut to about `limit` characters (big lists and texts stay small).

    >>> shorten("x" * 500)[:10], len(shorten("x" * 500)) <= 80
    ("'xxxxxxxxx", True)
    >>> shorten(list(range(100000)))
    '[0, 1, 2, 3, ...]'
    """
    text = _REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_bounded(path: Path, limit: int, what: str) -> bytes:
    """The bytes of `path`, refused when larger than `limit` bytes (read no further)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {what} ({exc.strerror})") from None
    if len(data) > limit:
        raise InputError(
            f"{path}: the {what} is larger than {limit:,} bytes; is it the right file?"
        )
    return data


def decode_utf8(data: bytes, path: Path, what: str) -> str:
    """`data` as UTF-8 text (a byte-order mark is dropped), or an error naming the offset.

    >>> decode_utf8(b"caf\\xe9", Path("p.yaml"), "profile")
    Traceback (most recent call last):
    ...
    matcher.inputs.InputError: p.yaml: the profile is not UTF-8 text (byte 0xe9 at offset 3); \
save it as UTF-8
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start]
        raise InputError(
            f"{path}: the {what} is not UTF-8 text (byte {bad:#04x} at offset {exc.start}); "
            "save it as UTF-8"
        ) from None


class _NoAliasLoader(yaml.SafeLoader):
    """YAML's safe loader without anchors (`&a`) and aliases (`*a`)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None,
                None,
                "anchors and aliases (&name, *name) are not allowed; write the values out",
                event.start_mark,
            )
        return super().compose_node(parent, index)


def load_yaml(text: str, path: Path, what: str) -> Any:
    """Parse YAML without anchors/aliases; raise InputError naming the file and line.

    >>> load_yaml("a: &x [1]\\nb: *x", Path("p.yaml"), "profile")
    Traceback (most recent call last):
    ...
    matcher.inputs.InputError: p.yaml: not valid YAML: anchors and aliases \
(&name, *name) are not allowed; write the values out (line 1, column 4)
    """
    try:
        return yaml.load(text, Loader=_NoAliasLoader)
    except yaml.MarkedYAMLError as exc:
        where = exc.problem_mark or exc.context_mark
        at = f" (line {where.line + 1}, column {where.column + 1})" if where else ""
        raise InputError(f"{path}: not valid YAML: {exc.problem}{at}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML: {shorten(str(exc))}") from None
    except RecursionError:
        raise InputError(f"{path}: the {what} is nested too deeply to be a {what}") from None


def nearest(name: object, choices: Iterable[str]) -> str | None:
    """The valid name closest to a misspelt one (rapidfuzz), or None when none is close.

    >>> nearest("desired_salary", ["name", "salary", "skills"]), nearest("zzz", ["name"])
    ('salary', None)
    """
    hit = process.extractOne(str(name)[:ECHO_CHARS], list(choices), scorer=fuzz.WRatio)
    return hit[0] if hit is not None and hit[1] >= 75 else None
