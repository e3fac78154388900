"""How a candidate meets a posting's asks: alternative groups and broader concepts.

A posting's asks form *units*: the members of one alternative group ("PMP or PgMP",
`Requirement.group`) are one unit, every other ask is a unit of its own. A unit counts
once, with the weight of its first member, and is required when any member is.

A candidate can meet one member (a concept id) in three ways, each an `Option`:

- ``direct``: they hold the concept (credit 1);
- ``narrower``: they hold a narrower concept (Scrum for an Agile ask; `broader` in the
  taxonomy), credit `relations.narrower_credit`;
- ``broader``: they hold a broader concept (Agile for a Scrum ask), credit
  `relations.broader_credit` (default 0: never meets the ask by itself).

An option's credit is its base credit times the per-concept years credit of the held
concept's years against the member's asked years. A unit's credit is the best over its
members and their options; the unit is *met* when a direct or narrower option exists.
`scoring.pair` applies these rules per pair; `scoring.matrices` builds the same options
for all candidates at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from matcher.scoring.config import ScoringConfig
from matcher.taxonomy import Taxonomy

if TYPE_CHECKING:
    from matcher.scoring.pair import Ask

DIRECT, NARROWER, BROADER = "direct", "narrower", "broader"


@dataclass(frozen=True, slots=True)
class Option:
    """One way a candidate holds an asked concept: how, through which held concept."""

    relation: str
    held_id: str
    base: float
    years: float | None


@dataclass(frozen=True, slots=True)
class UnitResult:
    """How a candidate stands against one unit."""

    credit: float
    met: bool
    #: the member (index into the unit) and option that gave the best credit among the
    #: direct and narrower ones (None when the unit is not met)
    member: int | None
    option: Option | None


def years_credit(held: float | None, asked: float | None, config: ScoringConfig) -> float:
    """Credit for a held concept against the years the posting asks for it.

    >>> from matcher.scoring.config import ConceptYears
    >>> cfg = type("C", (), {"concept_years": ConceptYears(floor=0.5, unknown_credit=0.75)})
    >>> years_credit(None, None, cfg), years_credit(None, 4, cfg), years_credit(1, 4, cfg)
    (1.0, 0.75, 0.5)
    """
    if asked is None:
        return 1.0
    if held is None:
        return config.concept_years.unknown_credit
    return min(1.0, max(config.concept_years.floor, held / asked))


def narrower_held(held: Mapping[str, float | None], taxonomy: Taxonomy) -> dict[str, list[str]]:
    """Concept id -> the held concepts narrower than it (in the order they are held)."""
    out: dict[str, list[str]] = {}
    for h in held:
        for a in taxonomy.ancestors(h):
            out.setdefault(a, []).append(h)
    return out


def options_for(
    concept_id: str,
    held: Mapping[str, float | None],
    taxonomy: Taxonomy,
    config: ScoringConfig,
    below: Mapping[str, list[str]] | None = None,
) -> list[Option]:
    """Every way `held` (concept id -> years) meets an ask for `concept_id`, direct first.

    `below` is `narrower_held(held, taxonomy)` when the caller has it. Options with a
    base credit of 0 are left out.
    """
    out: list[Option] = []
    if concept_id in held:
        out.append(Option(DIRECT, concept_id, 1.0, held[concept_id]))
    narrow = config.relations.narrower_credit
    if narrow > 0:
        below = narrower_held(held, taxonomy) if below is None else below
        out += [Option(NARROWER, h, narrow, held[h]) for h in below.get(concept_id, ())]
    broad = config.relations.broader_credit
    if broad > 0:
        out += [
            Option(BROADER, a, broad, held[a])
            for a in taxonomy.ancestors(concept_id)
            if a in held and a != concept_id
        ]
    return out


def ask_units(asks: Sequence[Ask]) -> list[list[int]]:
    """Indexes of the asks of each unit, units in the order of their first member.

    >>> from types import SimpleNamespace as A
    >>> ask_units([A(group=None), A(group=3), A(group=None), A(group=3)])
    [[0], [1, 3], [2]]
    """
    units: list[list[int]] = []
    by_group: dict[int, list[int]] = {}
    for i, ask in enumerate(asks):
        if ask.group is None:
            units.append([i])
        elif ask.group in by_group:
            by_group[ask.group].append(i)
        else:
            by_group[ask.group] = [i]
            units.append(by_group[ask.group])
    return units


def judge_unit(
    members: Sequence[Ask],
    held: Mapping[str, float | None],
    taxonomy: Taxonomy,
    config: ScoringConfig,
    below: Mapping[str, list[str]] | None = None,
) -> UnitResult:
    """The unit's credit (best member and option) and whether, and how, it is met."""
    credit = 0.0
    best: tuple[float, int, Option] | None = None
    below = narrower_held(held, taxonomy) if below is None else below
    for m, ask in enumerate(members):
        for option in options_for(ask.concept_id, held, taxonomy, config, below):
            value = option.base * years_credit(option.years, ask.years, config)
            credit = max(credit, value)
            if option.relation != BROADER and (best is None or value > best[0]):
                best = (value, m, option)
    if best is None:
        return UnitResult(credit, False, None, None)
    return UnitResult(credit, True, best[1], best[2])


def via(result: UnitResult) -> tuple[str, str] | None:
    """(relation, held concept id) when a met unit was met other than by its first member.

    "alternative" when the candidate holds another member, "narrower" when a narrower
    concept met it; None when the first member is held (or the unit is not met).
    """
    if result.option is None or (result.option.relation == DIRECT and result.member == 0):
        return None
    relation = "alternative" if result.option.relation == DIRECT else NARROWER
    return relation, result.option.held_id
