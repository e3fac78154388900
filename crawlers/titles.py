"""Is this job title a TPM title? Word-level fuzzy matching against the taxonomy's role titles.

A title matches a role title when every word of the role title matches a different word
of the job title: exactly for words of three letters or fewer ("IT", "TPM"), else with a
rapidfuzz ratio of at least `cutoff` (spelling slips: "Techincal", "Programme"). Common
abbreviations are expanded first ("Sr." -> senior, "Mgr" -> manager). Requiring every
word keeps "Program Manager, Marketing" and "Product Manager" out while
"Sr. Technical Program Mgr" and "Manager, IT Projects" are in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

#: Abbreviations and spellings of title words (generic English, not taxonomy concepts).
_EXPAND = {
    "sr": "senior",
    "snr": "senior",
    "jr": "junior",
    "mgr": "manager",
    "mngr": "manager",
    "programme": "program",
    "programmes": "programs",
    "tech": "technical",
    "engr": "engineering",
    "eng": "engineering",
    "management": "manager",  # "Head of Technical Program Management"
}
_WORD_RE = re.compile(r"[^\w]+")


def title_words(title: str) -> list[str]:
    """Casefolded words of a title with abbreviations expanded.

    >>> title_words("Sr. Technical Programme Mgr (Payments)")
    ['senior', 'technical', 'program', 'manager', 'payments']
    """
    words = _WORD_RE.sub(" ", title.casefold()).split()
    return [_EXPAND.get(w, w) for w in words]


@dataclass(frozen=True)
class TitleMatcher:
    """Matches titles against role titles; build once per crawl."""

    role_titles: tuple[tuple[str, tuple[str, ...]], ...]
    cutoff: float = 85.0

    @classmethod
    def build(cls, role_titles: Sequence[str], cutoff: float = 85.0) -> TitleMatcher:
        """Pre-split the role titles (longest first, so the most specific one is reported)."""
        split = [(r, tuple(title_words(r))) for r in role_titles if title_words(r)]
        split.sort(key=lambda pair: -len(pair[1]))
        return cls(tuple(split), cutoff)

    def _word_matches(self, word: str, candidates: list[str]) -> int | None:
        if len(word) <= 3:
            return candidates.index(word) if word in candidates else None
        found = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=self.cutoff)
        return found[2] if found else None

    def match(self, title: str) -> str | None:
        """The role title that `title` matches, or None.

        >>> m = TitleMatcher.build(["technical program manager", "TPM", "scrum master"])
        >>> m.match("Sr. Technical Program Mgr"), m.match("Technical Programme Manager")
        ('technical program manager', 'technical program manager')
        >>> m.match("Head of Technical Program Management")
        'technical program manager'
        >>> m.match("Program Manager, Marketing"), m.match("Product Manager")
        (None, None)
        """
        words = title_words(title)
        for role, role_words in self.role_titles:
            remaining = list(words)
            for word in role_words:
                index = self._word_matches(word, remaining)
                if index is None:
                    break
                remaining.pop(index)
            else:
                return role
        return None
