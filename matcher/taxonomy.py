"""The skills taxonomy: a validated, typed view of `skills_taxonomy.yaml`.

The taxonomy is data; this module only knows its *shape*. No concept name appears
here. Loading validates the file with pydantic and turns every problem into a
`TaxonomyError` that names the entry (by id, or by position when the id is missing)
and the field, e.g.::

    skills_taxonomy.yaml: concept 'tool.acme_tracker' (entry 12), field 'kind':
    Input should be 'skill', 'method', ... -- fix the value and run `tpm-match taxonomy check`
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from matcher.text import normalize_alias

Kind = Literal["skill", "method", "tool", "credential", "degree", "domain", "level"]
KINDS: tuple[str, ...] = get_args(Kind)
#: The degree levels (the one list), lowest first; an MBA ranks with a master's.
DEGREE_LEVEL_ORDER: dict[str, int] = {
    "associate": 0,
    "bachelor": 1,
    "master": 2,
    "mba": 2,
    "doctorate": 3,
}
DegreeLevel = Literal[tuple(DEGREE_LEVEL_ORDER)]  # type: ignore[valid-type]

_ID_RE = re.compile(r"^[a-z]+\.[a-z0-9_]+$")


class TaxonomyError(ValueError):
    """A taxonomy file that cannot be used; the message says where and how to fix it."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Article(_Strict):
    id: str
    title: str
    file: str
    author: str | None = None


class TitleRules(_Strict):
    """The title filter's rule beyond `role_titles` (see crawlers/titles.py).

    A title also names a TPM role when it has every word of one of `functions` and one of
    `leaders` (in any order: "Head of Technical Programs", "Principal TPM", "Lead,
    Engineering Programs"). Any title is dropped when it holds one of `other_functions`
    (as consecutive words) outside the role it matched ("Infrastructure Engineer (Scrum
    Master)", "Principal Engineer - Project Technical Lead").
    """

    functions: list[str] = Field(default_factory=list)
    leaders: list[str] = Field(default_factory=list)
    other_functions: list[str] = Field(default_factory=list)


class Source(_Strict):
    """Where a concept comes from: an article id and its section, or an extension note."""

    article: str | None = None
    section: str
    quote: str | None = None


class Ambiguity(_Strict):
    """How an ambiguous surface form must appear to count.

    `aliases` names the ambiguous forms (default: the name and every alias). A hit on one
    of them counts only if every rule holds: exact case when `case_sensitive`; the next
    word is not in `not_followed_by`; the previous word is not in `not_preceded_by`; and,
    when `requires_context` is given, one of those words or phrases is in the same
    sentence. Example: Slack is case-sensitive and not followed by "in", so "slack in the
    schedule" and "Slack in the schedule" do not count, while "Slack and Zoom" does.
    """

    aliases: list[str] | None = None
    case_sensitive: bool = False
    not_followed_by: list[str] = Field(default_factory=list)
    not_preceded_by: list[str] = Field(default_factory=list)
    requires_context: list[str] = Field(default_factory=list)
    reason: str


class Salary(_Strict):
    """A salary figure an article gives, with its year and article."""

    label: str
    amount_min: float | None = None
    amount_max: float | None = None
    average: float | None = None
    currency: str = "USD"
    period: Literal["year", "month", "hour"] = "year"
    year: int
    article: str
    place: str = "US"


class Concept(_Strict):
    id: str
    name: str
    kind: Kind
    category: str
    aliases: list[str] = Field(default_factory=list)
    source: Source
    extension: bool = False
    ambiguity: Ambiguity | None = None
    #: spaCy token patterns for variants no alias list covers (lists of token dicts).
    patterns: list[list[dict[str, Any]]] = Field(default_factory=list)
    description: str | None = None
    #: Ids of broader concepts this one is a kind of (Scrum -> Agile, Jira -> project
    #: management software): holding this concept shows the broader one too.
    broader: list[str] = Field(default_factory=list)
    # kind == "degree"
    degree_level: DegreeLevel | None = None
    degree_fields: list[str] = Field(default_factory=list)
    # kind == "level"
    rank: int | None = None
    years_min: float | None = None
    years_max: float | None = None
    salaries: list[Salary] = Field(default_factory=list)
    recommended_credentials: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_shape(self) -> Concept:
        if not _ID_RE.match(self.id):
            raise ValueError(f"id {self.id!r} must look like 'kind.snake_case_name'")
        prefix = self.id.split(".", 1)[0]
        if prefix != self.kind:
            raise ValueError(f"id {self.id!r} starts with {prefix!r} but kind is {self.kind!r}")
        if self.kind == "level" and self.rank is None:
            raise ValueError("a level needs a 'rank' (its place on the career progression)")
        if self.kind == "degree" and self.degree_level is None:
            raise ValueError("a degree needs a 'degree_level'")
        return self

    @property
    def surface_forms(self) -> list[str]:
        """The name followed by every alias, without repeats (compared normalised)."""
        seen: set[str] = set()
        out: list[str] = []
        for form in [self.name, *self.aliases]:
            key = normalize_alias(form)
            if key not in seen:
                seen.add(key)
                out.append(form)
        return out


class Taxonomy(_Strict):
    version: int
    articles: list[Article]
    #: Job titles that make a posting a TPM posting (the crawlers' title filter).
    role_titles: list[str]
    #: Leadership titles and lookalikes for the title filter.
    title_rules: TitleRules = Field(default_factory=TitleRules)
    concepts: list[Concept]
    #: SHA-256 of the file the taxonomy was loaded from (cache key for built patterns).
    content_hash: str = ""

    @model_validator(mode="after")
    def _check_references(self) -> Taxonomy:
        problems: list[str] = []
        dup_ids = [i for i, n in Counter(c.id for c in self.concepts).items() if n > 1]
        problems += [f"concept id {i!r} is used by more than one entry" for i in dup_ids]
        owners: dict[str, str] = {}
        for concept in self.concepts:
            for form in concept.surface_forms:
                key = normalize_alias(form)
                other = owners.setdefault(key, concept.id)
                if other != concept.id:
                    problems.append(
                        f"alias {form!r} is claimed by both {other!r} and {concept.id!r}; "
                        "keep it on one entry"
                    )
        article_ids = {a.id for a in self.articles}
        ids = {c.id for c in self.concepts}
        for concept in self.concepts:
            art = concept.source.article
            if art is None and not concept.extension:
                problems.append(
                    f"concept {concept.id!r}: source names no article; give source.article "
                    "or mark the entry 'extension: true'"
                )
            if art is not None and art not in article_ids:
                problems.append(f"concept {concept.id!r}: source.article {art!r} is unknown")
            for cred in concept.recommended_credentials:
                if cred not in ids:
                    problems.append(
                        f"concept {concept.id!r}: recommended credential {cred!r} is unknown"
                    )
            for salary in concept.salaries:
                if salary.article not in article_ids:
                    problems.append(
                        f"concept {concept.id!r}: salary article {salary.article!r} is unknown"
                    )
            problems += _broader_problems(concept, ids)
        if not problems:
            problems += _cycle_problems(self.concepts)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @cached_property
    def by_id(self) -> dict[str, Concept]:
        return {c.id: c for c in self.concepts}

    @cached_property
    def alias_index(self) -> dict[str, str]:
        """Normalised surface form -> concept id."""
        return {normalize_alias(f): c.id for c in self.concepts for f in c.surface_forms}

    def broader_of(self, concept_id: str) -> tuple[str, ...]:
        """The concepts `concept_id` names as broader (empty for an unknown id)."""
        concept = self.by_id.get(concept_id)
        return tuple(concept.broader) if concept else ()

    @cached_property
    def _ancestors(self) -> dict[str, tuple[str, ...]]:
        return {c.id: _closure(c.id, self.broader_of) for c in self.concepts}

    def ancestors(self, concept_id: str) -> tuple[str, ...]:
        """Every broader concept, directly or through others, nearest first (no repeats)."""
        return self._ancestors.get(concept_id, ())

    @property
    def broader_count(self) -> int:
        """How many broader relations the taxonomy states."""
        return sum(len(c.broader) for c in self.concepts)

    def of_kind(self, kind: str) -> list[Concept]:
        return [c for c in self.concepts if c.kind == kind]

    @property
    def levels(self) -> list[Concept]:
        """Career levels, lowest rank first."""
        return sorted(self.of_kind("level"), key=lambda c: c.rank or 0)

    def counts(self) -> dict[str, int]:
        counts = Counter(c.kind for c in self.concepts)
        return {kind: counts.get(kind, 0) for kind in KINDS}

    def export_records(self) -> list[dict[str, Any]]:
        """The `tpm-match taxonomy export` format: other tools rely on these seven keys."""
        return [
            {
                "id": c.id,
                "name": c.name,
                "kind": c.kind,
                "category": c.category,
                "aliases": list(c.aliases),
                "source": c.source.model_dump(exclude_none=True),
                "broader": list(c.broader),
            }
            for c in self.concepts
        ]


def _broader_problems(concept: Concept, ids: set[str]) -> list[str]:
    """Unknown or self-naming ids in one concept's `broader` list."""
    where = f"concept {concept.id!r}, field 'broader'"
    out = []
    for other in concept.broader:
        if other == concept.id:
            out.append(f"{where}: names the concept itself; remove it")
        elif other not in ids:
            out.append(f"{where}: unknown concept id {other!r}")
    return out


def _closure(start: str, parents: Callable[[str], tuple[str, ...]]) -> tuple[str, ...]:
    """Every id reachable from `start` through `parents`, nearest first, without `start`.

    >>> _closure("a", {"a": ("b",), "b": ("c", "a"), "c": ()}.__getitem__)
    ('b', 'c')
    """
    seen: dict[str, None] = {}
    frontier = list(parents(start))
    while frontier:
        nxt: list[str] = []
        for cid in frontier:
            if cid != start and cid not in seen:
                seen[cid] = None
                nxt.extend(parents(cid))
        frontier = nxt
    return tuple(seen)


def _cycle_problems(concepts: list[Concept]) -> list[str]:
    """One problem per concept that is broader than itself through a chain of others.

    >>> def c(cid, broader):
    ...     return Concept(id=cid, name=cid, kind="skill", category="x",
    ...                    source={"section": "s"}, broader=broader)
    >>> _cycle_problems([c("skill.a", ["skill.b"]), c("skill.b", ["skill.a"])])[0]
    "concept 'skill.a', field 'broader': a cycle (skill.a -> skill.b -> skill.a); remove one link"
    """
    parents = {c.id: tuple(c.broader) for c in concepts}
    out = []
    for concept in concepts:
        path = _path_back(concept.id, parents)
        if path:
            chain = " -> ".join([concept.id, *path])
            out.append(
                f"concept {concept.id!r}, field 'broader': a cycle ({chain}); remove one link"
            )
    return out


def _path_back(start: str, parents: dict[str, tuple[str, ...]]) -> list[str]:
    """A chain of broader ids from `start` that comes back to it ([] when none does)."""
    stack: list[tuple[str, list[str]]] = [(p, [p]) for p in parents.get(start, ())]
    seen: set[str] = set()
    while stack:
        cid, path = stack.pop()
        if cid == start:
            return path
        if cid in seen:
            continue
        seen.add(cid)
        stack.extend((p, [*path, p]) for p in parents.get(cid, ()))
    return []


def _describe_location(raw: Any, loc: tuple[Any, ...]) -> str:
    """Turn a pydantic error location into words naming the entry and field."""
    if len(loc) >= 2 and loc[0] == "concepts" and isinstance(loc[1], int):
        index = loc[1]
        entry = raw.get("concepts", [])[index] if isinstance(raw, dict) else None
        name = entry.get("id") if isinstance(entry, dict) else None
        where = f"concept {name!r} (entry {index + 1})" if name else f"concept entry {index + 1}"
        rest = ".".join(str(p) for p in loc[2:] if not str(p).startswith("function-"))
        return f"{where}, field {rest!r}" if rest else where
    return "field " + repr(".".join(str(p) for p in loc)) if loc else "top level"


def parse_taxonomy(raw: Any, *, origin: str = "<taxonomy>", digest: str = "") -> Taxonomy:
    """Validate already-parsed YAML data; raise TaxonomyError naming entry and field."""
    if not isinstance(raw, dict):
        raise TaxonomyError(f"{origin}: expected a mapping with 'concepts', got {type(raw)}")
    try:
        return Taxonomy.model_validate({**raw, "content_hash": digest})
    except ValidationError as exc:
        lines = [
            f"{origin}: {_describe_location(raw, tuple(err['loc']))}: {err['msg']}"
            for err in exc.errors()
        ]
        hint = "fix the entries above and run `tpm-match taxonomy check`"
        raise TaxonomyError("\n".join([*lines, hint])) from None


def load_taxonomy(path: str | Path) -> Taxonomy:
    """Read and validate a taxonomy YAML file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TaxonomyError(f"{path}: cannot read the taxonomy ({exc.strerror})") from None
    try:
        # libyaml's safe loader when PyYAML was built with it (~10x faster), else Python's
        raw = yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"{path}: not valid YAML: {exc}") from None
    return parse_taxonomy(raw, origin=str(path), digest=hashlib.sha256(data).hexdigest())
