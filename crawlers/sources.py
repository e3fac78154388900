"""`sources.yaml`: the boards to crawl, validated with pydantic.

Format (``api_base`` and ``name`` are optional on every entry)::

    sources:
      - {type: greenhouse, board: stripe}
      - {type: lever, company: palantir, api_base: "https://api.eu.lever.co"}
      - {type: ashby, board: openai, name: OpenAI}
      - {type: jsonld, urls: ["https://example.com/careers"]}
      - {type: workable, account: acme}
      - {type: workday, tenant: acme, site: External, host: acme.wd1.myworkdayjobs.com}

The types and the fields naming each board come from the spider registry
(`crawlers.spiders.registry`): each spider declares its `source_type`, its `board_arg`
and, when a board needs more than one field (Workday), its `extra_args`.
Every problem names the file, the entry (position and key) and the field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from crawlers.spiders import registry

#: The fields a board can be named by (each spider's `board_args()` are among them).
BOARD_FIELDS = ("board", "company", "account", "tenant", "site", "host", "urls")
_HOST_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?")


def board_fields(source_type: str) -> tuple[str, ...]:
    """The sources.yaml fields that name a board of this type (its spider's `board_args()`).

    >>> board_fields("lever"), board_fields("jsonld"), board_fields("workday")
    (('company',), ('urls',), ('tenant', 'site', 'host'))
    """
    return registry()[source_type].board_args()


class SourceError(ValueError):
    """A sources file that cannot be used; the message says where and how to fix it."""


class Source(BaseModel):
    """One board to crawl. `key` (`type:board`) is stable and matches Posting.source_key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str
    board: str | None = None
    company: str | None = None
    account: str | None = None
    tenant: str | None = None
    site: str | None = None
    host: str | None = None
    urls: list[str] | None = None
    api_base: str | None = None
    name: str | None = None

    @field_validator("type")
    @classmethod
    def _type(cls, value: str) -> str:
        if value not in registry():
            known = ", ".join(registry())
            raise ValueError(f"unknown source type {value!r}: use one of {known}")
        return value

    @field_validator("board", "company", "account", "tenant", "site")
    @classmethod
    def _token(cls, value: str | None) -> str | None:
        if value is not None and (not value.strip() or ":" in value or "/" in value):
            raise ValueError(f"{value!r} must be a non-empty board token without ':' or '/'")
        return value.strip() if value else value

    @field_validator("host")
    @classmethod
    def _host(cls, value: str | None) -> str | None:
        if value is not None and not _HOST_RE.fullmatch(value.strip()):
            raise ValueError(
                f"{value!r} must be a host name such as acme.wd1.myworkdayjobs.com (no scheme)"
            )
        return value.strip() if value else value

    @field_validator("api_base")
    @classmethod
    def _base(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in ("http", "https"):
            raise ValueError(f"{value!r} must be an http(s) URL such as https://api.lever.co")
        return value.rstrip("/") if value else value

    @field_validator("urls")
    @classmethod
    def _urls(cls, value: list[str] | None) -> list[str] | None:
        for url in value or []:
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
                raise ValueError(f"{url!r} is not an http(s) URL")
        return value

    @model_validator(mode="after")
    def _check_shape(self) -> Source:
        need = board_fields(self.type)
        missing = [f for f in need if not getattr(self, f)]
        if missing:
            what = " (listing pages or sitemaps)" if missing == ["urls"] else ""
            names = "', '".join(missing)
            raise ValueError(f"a {self.type} source needs '{names}'{what}")
        extra = [f for f in BOARD_FIELDS if f not in need and getattr(self, f)]
        if extra:
            names, others = "', '".join(need), "', '".join(extra)
            raise ValueError(f"a {self.type} source takes '{names}' (not '{others}')")
        return self

    @property
    def board_token(self) -> str:
        """The board part of the key: the token, or a jsonld source's first host name."""
        if self.urls:
            host = urlsplit(self.urls[0]).hostname or "unknown"
            return host.replace(":", "-")  # an IPv6 host must not add a colon to the key
        return registry()[self.type].board_key(self.board_values())

    def board_values(self) -> dict[str, str]:
        """The fields naming this source's board, as spider argument strings."""
        values = {f: getattr(self, f) for f in board_fields(self.type)}
        return {f: ",".join(v) if isinstance(v, list) else str(v) for f, v in values.items()}

    @property
    def is_local(self) -> bool:
        """True when every host of this source is this machine (the demo board, tests).

        >>> Source(type="lever", company="a", api_base="http://127.0.0.1:8000").is_local
        True
        >>> Source(type="lever", company="a").is_local
        False
        """
        urls = [self.api_base] if self.api_base else list(self.urls or [])
        hosts = {urlsplit(url).hostname for url in urls}
        return bool(hosts) and hosts <= {"127.0.0.1", "localhost", "::1"}

    @property
    def posting_keys(self) -> frozenset[str]:
        """Every source key its postings can carry: the key, and for a jsonld source the
        `jsonld:HOST` of each of its URLs and its api_base (a posting's board is its
        page's host).

        >>> sorted(Source(type="jsonld", urls=["https://a.test/j", "https://b.test/j"]).posting_keys)
        ['jsonld:a.test', 'jsonld:b.test']
        """
        urls = [*self.urls, *([self.api_base] if self.api_base else [])] if self.urls else []
        hosts = ((urlsplit(u).hostname or "unknown").replace(":", "-") for u in urls)
        return frozenset({self.key, *(f"{self.type}:{host}" for host in hosts)})

    @property
    def key(self) -> str:
        """`type:board`, e.g. `greenhouse:stripe` (the prefix of every posting id)."""
        return f"{self.type}:{self.board_token}"

    def spider_args(self) -> dict[str, str]:
        """The `-a NAME=VALUE` arguments of this source's spider."""
        args = self.board_values()
        if self.api_base:
            args["api_base"] = self.api_base
        if self.name:
            args["company_name"] = self.name
        return args


def _where(raw: Any, index: int) -> str:
    entry = raw[index] if isinstance(raw, list) and index < len(raw) else None
    if isinstance(entry, dict):
        label = next((entry[f] for f in BOARD_FIELDS if entry.get(f)), None)
        if label:
            return f"entry {index + 1} ({entry.get('type', '?')}: {label})"
    return f"entry {index + 1}"


def parse_sources(raw: Any, *, origin: str = "<sources>") -> list[Source]:
    """Validate parsed YAML (`{sources: [...]}` or a bare list) into Sources."""
    entries = raw.get("sources") if isinstance(raw, dict) else raw
    if not isinstance(entries, list):
        raise SourceError(f"{origin}: expected a top-level 'sources:' list of entries")
    out: list[Source] = []
    problems: list[str] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problems.append(f"{origin}: {_where(entries, index)}: expected a mapping")
            continue
        try:
            out.append(Source.model_validate(entry))
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"])
                what = f"field {field!r}: " if field else ""
                msg = str(err["msg"]).removeprefix("Value error, ")
                problems.append(f"{origin}: {_where(entries, index)}: {what}{msg}")
    keys = [s.key for s in out]
    problems += [
        f"{origin}: source {k!r} is listed twice" for k in sorted(set(keys)) if keys.count(k) > 1
    ]
    if problems:
        raise SourceError("\n".join([*problems, "fix the entries above and run the crawl again"]))
    return out


def load_sources(path: str | Path) -> list[Source]:
    """Read and validate a sources YAML file; raise SourceError naming entry and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceError(f"{path}: cannot read the sources file ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SourceError(f"{path}: not valid YAML: {exc}") from None
    return parse_sources(raw, origin=str(path))


def dump_sources(sources: list[Source]) -> str:
    """The YAML text of `sources` (the inverse of load_sources)."""
    items = [s.model_dump(exclude_none=True) for s in sources]
    return yaml.safe_dump({"sources": items}, sort_keys=False, allow_unicode=True)
