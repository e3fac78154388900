"""The career level of a posting or a candidate, from a title or else years of experience.

Levels are the taxonomy's `level` entries (rank, aliases, years_min/years_max). The
longest level alias found in the title wins; without one, the highest-ranked level whose
`years_min` the years reach. One rule for postings (`LevelFinder.level`) and candidates
(`level_for`, which also asks the skill normalizer about a title no alias names).
"""

from __future__ import annotations

import re
from typing import Protocol

from matcher.taxonomy import Taxonomy
from matcher.text import normalize_alias


class NormalizerLike(Protocol):
    """What `level_for` needs of `matcher.normalize.Normalizer`."""

    def match_many(self, texts: list[str]) -> list[tuple[str, float] | None]: ...


class LevelFinder:
    """Finds the level id of a posting from its title and years."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self._levels = taxonomy.levels
        self._by_alias = {
            normalize_alias(form): level.id
            for level in self._levels
            for form in level.surface_forms
        }
        forms = sorted(self._by_alias, key=len, reverse=True)
        self._re = (
            re.compile(r"(?<![\w])(" + "|".join(re.escape(f) for f in forms) + r")(?![\w])")
            if forms
            else None
        )

    def from_title(self, title: str | None) -> str | None:
        """The level whose longest alias appears in the title, if any."""
        if not title or self._re is None:
            return None
        hits = [m.group(1) for m in self._re.finditer(normalize_alias(title))]
        return self._by_alias[max(hits, key=len)] if hits else None

    def from_years(self, years: float | None) -> str | None:
        """The highest level whose years_min the years reach (None without years)."""
        if years is None:
            return None
        best = None
        for level in self._levels:
            if level.years_min is not None and years >= level.years_min and level.rank:
                best = level.id
        return best

    def level(self, title: str | None, years: float | None) -> str | None:
        """Title first, then years."""
        return self.from_title(title) or self.from_years(years)


def level_for(
    taxonomy: Taxonomy,
    title: str | None,
    years: float | None,
    normalizer: NormalizerLike | None = None,
) -> tuple[str | None, str]:
    """A candidate's level and how it was found ('title', 'years' or 'none').

    The rule of `LevelFinder.level`; a title that names no level alias may still name a
    level through the normalizer (e.g. a misspelling).
    """
    finder = LevelFinder(taxonomy)
    hit = finder.from_title(title)
    if hit is None and title and normalizer is not None:
        found = normalizer.match_many([title])[0]
        if found and taxonomy.by_id[found[0]].kind == "level":
            hit = found[0]
    if hit is not None:
        return hit, "title"
    by_years = finder.from_years(years)
    return (by_years, "years") if by_years else (None, "none")
