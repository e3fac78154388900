"""The degree a posting asks for, summarised from its degree concept hits.

Each degree entry of the taxonomy carries a `degree_level` and `degree_fields`. The
summary takes the lowest level among the required mentions (a posting asking for a
bachelor's and preferring a master's requires a bachelor's), else among the preferred
ones; fields come from the entries and from field words in the same sentences; "or
equivalent practical experience" (cues.yaml: or_equivalent) sets `or_equivalent`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from matcher.cues import Cues
from matcher.models import Degree
from matcher.taxonomy import DEGREE_LEVEL_ORDER as LEVEL_ORDER
from matcher.taxonomy import Concept, Taxonomy

#: Order of the schema's DegreeLevel values (an MBA is a master's degree).


@dataclass(frozen=True, slots=True)
class DegreeHit:
    """A degree concept found in a sentence, required or preferred."""

    concept: Concept
    required: bool
    sentence: str


class DegreeSummarizer:
    """Turns degree hits into one `Degree` (see the module docstring)."""

    def __init__(self, taxonomy: Taxonomy, cues: Cues) -> None:
        fields = sorted(
            {f for c in taxonomy.of_kind("degree") for f in c.degree_fields}, key=len, reverse=True
        )
        self._fields = (
            re.compile(
                r"(?<![\w-])(" + "|".join(re.escape(f) for f in fields) + r")(?![\w-])", re.I
            )
            if fields
            else None
        )
        self._or_equivalent = cues.or_equivalent

    def summarize(self, hits: list[DegreeHit]) -> Degree | None:
        """One Degree for the posting, or None when no degree is mentioned."""
        if not hits:
            return None
        required = [h for h in hits if h.required]
        group = required or hits
        level_rank = min(LEVEL_ORDER.get(h.concept.degree_level or "", 9) for h in group)
        chosen = [
            h for h in group if LEVEL_ORDER.get(h.concept.degree_level or "", 9) == level_rank
        ]
        level = chosen[0].concept.degree_level
        fields: list[str] = []
        for hit in group:
            found = list(hit.concept.degree_fields)
            if self._fields is not None:
                found += [m.group(1).lower() for m in self._fields.finditer(hit.sentence)]
            for name in found:
                if name not in fields:
                    fields.append(name)
        or_equivalent = any(self._or_equivalent.search(h.sentence) for h in hits)
        return Degree(
            level=level, fields=fields, required=bool(required), or_equivalent=or_equivalent
        )
