"""Is this job title a TPM title? Word-level fuzzy matching against the taxonomy's title rule.

A title matches a role title when every word of the role title matches a different word
of the job title: exactly for words of three letters or fewer ("IT", "TPM"), else with a
rapidfuzz ratio of at least `cutoff` (spelling slips: "Techincal", "Programme"). Common
abbreviations are expanded first ("Sr." -> senior, "Mgr" -> manager). Requiring every
word keeps "Program Manager, Marketing" and "Product Manager" out while
"Sr. Technical Program Mgr" and "Manager, IT Projects" are in.

The taxonomy's `title_rules` (data, not code) add leadership titles: every word of a
*function* ("technical program") plus a *leader* word ("head", "principal"), in any
order; and drop titles naming *another function* ("engineer", "customer success") in
words outside the role they matched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from matcher.taxonomy import TitleRules

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
    "projectmanager": "project manager",  # "IT Projectmanager" (German/Dutch spelling)
    "programmanager": "program manager",
}
_WORD_RE = re.compile(r"[^\w]+")


def title_words(title: str) -> list[str]:
    """Casefolded words of a title with abbreviations expanded.

    >>> title_words("Sr. Technical Programme Mgr (Payments)")
    ['senior', 'technical', 'program', 'manager', 'payments']
    """
    words = _WORD_RE.sub(" ", title.casefold()).split()
    return [part for w in words for part in _EXPAND.get(w, w).split()]


def _contains(words: Sequence[str], phrase: Sequence[str]) -> bool:
    """True when `phrase` occurs in `words` as consecutive words.

    >>> _contains(["engineering", "manager"], ["engineering", "manager"])
    True
    >>> _contains(["engineering", "program", "manager"], ["engineering", "manager"])
    False
    """
    n = len(phrase)
    return any(list(words[i : i + n]) == list(phrase) for i in range(len(words) - n + 1))


@dataclass(frozen=True)
class TitleMatcher:
    """Matches titles against the title rule; build once per crawl."""

    role_titles: tuple[tuple[str, tuple[str, ...]], ...]
    cutoff: float = 85.0
    functions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    leaders: tuple[tuple[str, ...], ...] = ()
    other_functions: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def build(
        cls,
        role_titles: Sequence[str],
        cutoff: float = 85.0,
        rules: TitleRules | None = None,
    ) -> TitleMatcher:
        """Pre-split the role titles and rules (longest first: the most specific is reported)."""

        def split(phrases: Sequence[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
            pairs = [(p, tuple(title_words(p))) for p in phrases if title_words(p)]
            return tuple(sorted(pairs, key=lambda pair: -len(pair[1])))

        rules = rules or TitleRules()
        return cls(
            split(role_titles),
            cutoff,
            split(rules.functions),
            tuple(words for _, words in split(rules.leaders)),
            tuple(words for _, words in split(rules.other_functions)),
        )

    def _word_matches(self, word: str, candidates: list[str]) -> int | None:
        if len(word) <= 3:
            return candidates.index(word) if word in candidates else None
        found = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=self.cutoff)
        return found[2] if found else None

    def _rest(self, phrase_words: tuple[str, ...], words: list[str]) -> list[str] | None:
        """The title's words left once each word of the phrase took one, else None."""
        remaining = list(words)
        for word in phrase_words:
            index = self._word_matches(word, remaining)
            if index is None:
                return None
            remaining.pop(index)
        return remaining

    def _other_function(self, words: list[str], role_words: tuple[str, ...]) -> bool:
        """True when the title names another function that the matched role does not."""
        return any(
            _contains(words, other) and not _contains(role_words, other)
            for other in self.other_functions
        )

    def match(self, title: str) -> str | None:
        """The role title (or "leader function") that `title` matches, or None.

        >>> m = TitleMatcher.build(["technical program manager", "TPM", "scrum master"])
        >>> m.match("Sr. Technical Program Mgr"), m.match("Technical Programme Manager")
        ('technical program manager', 'technical program manager')
        >>> m.match("Head of Technical Program Management")
        'technical program manager'
        >>> m.match("Program Manager, Marketing"), m.match("Product Manager")
        (None, None)
        >>> rules = TitleRules(functions=["engineering program"], leaders=["head", "lead"],
        ...                    other_functions=["engineer"])
        >>> m = TitleMatcher.build(["scrum master"], rules=rules)
        >>> m.match("Lead, Engineering Programs"), m.match("Engineering Programs Lead")
        ('lead engineering program', 'lead engineering program')
        >>> m.match("Head of Engineering"), m.match("Infrastructure Engineer (Scrum Master)")
        (None, None)
        """
        words = title_words(title)
        for role, role_words in self.role_titles:
            if self._rest(role_words, words) is not None:
                return None if self._other_function(words, role_words) else role
        for function, function_words in self.functions:
            rest = self._rest(function_words, words)
            if rest is None or self._other_function(words, function_words):
                continue
            for leader in self.leaders:
                if all(word in rest for word in leader):
                    return f"{' '.join(leader)} {function}"
        return None
