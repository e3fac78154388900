"""Map free text ("MS-Project 2019", "Certified Scrum Master", "Powerbi") to taxonomy ids.

Used for candidate profiles and near-miss spellings. Every surface form of every concept
is a choice, also written without spaces ("power bi" and "powerbi" meet). Text and
choices go through the same processor (case, hyphens, slashes and spaces folded by the
taxonomy's `normalize_alias`, version numbers and years dropped, "+" read as "plus"),
and rapidfuzz's `token_sort_ratio` scores them with a `score_cutoff`: `process.extractOne`
for one text, `process.cdist` for many (no Python loop over the choices); the text
without spaces is tried when the text as written reaches nothing. Text that reaches no
choice above the cutoff gives None.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process

from matcher.taxonomy import Taxonomy
from matcher.text import normalize_alias

DEFAULT_CUTOFF = 88.0
_NUMBERS_RE = re.compile(r"\b(?:v?\d+(?:\.\d+)*|19\d\d|20\d\d)\b")
_SPACES_RE = re.compile(r"\s+")


def process_text(text: str) -> str:
    """The processor both sides go through.

    >>> process_text("MS-Project 2019"), process_text("Project+")
    ('ms project', 'project plus')
    """
    folded = normalize_alias(text.replace(".", " ").replace("+", " plus "))
    return _SPACES_RE.sub(" ", _NUMBERS_RE.sub(" ", folded)).strip()


class Normalizer:
    """Fuzzy lookup of taxonomy concepts by name or alias."""

    def __init__(self, taxonomy: Taxonomy, *, score_cutoff: float = DEFAULT_CUTOFF) -> None:
        self.score_cutoff = score_cutoff
        seen: dict[str, str] = {}
        for concept in taxonomy.concepts:
            for form in concept.surface_forms:
                for key in {process_text(form), process_text(form).replace(" ", "")}:
                    if key:
                        seen.setdefault(key, concept.id)
        self._choices: list[str] = list(seen)
        self._ids: list[str] = list(seen.values())

    def match(self, text: str) -> tuple[str, float] | None:
        """The best concept id and its score (0-100) for `text`, or None below the cutoff."""
        if not process_text(text):
            return None
        for query in (text, process_text(text).replace(" ", "")):
            found = process.extractOne(
                query,
                self._choices,
                scorer=fuzz.token_sort_ratio,
                processor=process_text,
                score_cutoff=self.score_cutoff,
            )
            if found is not None:
                _, score, index = found
                return self._ids[index], float(score)
        return None

    def match_many(self, texts: Sequence[str]) -> list[tuple[str, float] | None]:
        """`match` for many texts at once with `process.cdist` (one score matrix)."""
        if not texts:
            return []
        queries = [process_text(t) for t in texts]
        joined = [q.replace(" ", "") for q in queries]
        scores = process.cdist(
            queries + joined,
            self._choices,
            scorer=fuzz.token_sort_ratio,
            processor=process_text,
            score_cutoff=self.score_cutoff,
            dtype=np.float32,
        )
        n = len(texts)
        out: list[tuple[str, float] | None] = []
        for i in range(n):
            row = scores[i] if scores[i].max() > 0 else scores[n + i]
            best = int(row.argmax())
            out.append(
                (self._ids[best], float(row[best])) if queries[i] and row[best] > 0 else None
            )
        return out
