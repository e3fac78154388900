"""The `tpm_taxonomy` component: taxonomy concepts as spans, ambiguity rules applied.

`compile_rules(taxonomy, nlp)` turns the taxonomy into plain JSON-able rules once:

- every name and alias becomes a LEMMA phrase (the `tpm_lemmas` component's case-folded
  lookup lemmas: "Schedules", "scheduling" and "schedule" all read "schedule"), with
  hyphen, slash and space variants; a variant never steals another concept's alias;
- a one-word "-ing" alias ("testing", "consulting") is a NORM phrase: its lemma is an
  everyday word ("test", "consult");
- an alias named by a `case_sensitive` ambiguity block becomes an exact ORTH phrase;
- the concept's token `patterns` go to a Matcher as written (their LEMMA values are
  compared with the same lemmas).

`TaxonomyRuler` runs the matchers, drops hits that break their ambiguity rule
(`not_followed_by`, `not_preceded_by`, `requires_context` in the same sentence), keeps
the longest non-overlapping spans and stores them in `doc.spans[spans_key]` with the
concept id as label and kb_id. Its rules travel with `nlp.to_disk` / `spacy.load`.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import srsly
from spacy.attrs import LEMMA
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from matcher.lemmas import LookupLemmas, lemma_table
from matcher.sentences import SentenceIndex
from matcher.taxonomy import Ambiguity, Concept, Taxonomy
from matcher.text import fold, normalize_alias

RULES_FILE = "rules.json"


def _variants(form: str) -> set[str]:
    """Hyphen, slash and space variants of one surface form (case is folded by LEMMA).

    >>> sorted(_variants("Cross-team dependencies"))
    ['cross team dependencies', 'cross-team dependencies']
    """
    base = fold(form)
    out = {base, base.replace("-", " "), re.sub(r"\s*/\s*", " ", base)}
    words = base.split()
    if len(words) == 2 and all(w.isalpha() for w in words):
        out.add("-".join(words))
    for text in list(out):
        head, _, last = text.rpartition(" ")
        out.add(f"{head} {_unknown_number(last)}")
    return {re.sub(r"\s+", " ", v).strip() for v in out}


def _unknown_number(word: str) -> str:
    """Singular <-> plural of a word the lemma table does not know ("rollouts" -> "rollout").

    >>> _unknown_number("rollouts"), _unknown_number("schedules")
    ('rollout', 'schedules')
    """
    table = lemma_table()
    if len(word) < 5 or not word.isalpha() or word in table or word in _known_lemmas():
        return word
    other = word if word.endswith("ss") else word[:-1] if word.endswith("s") else word + "s"
    return word if other in table or other in _known_lemmas() else other


@cache
def _known_lemmas() -> frozenset[str]:
    return frozenset(lemma_table().values())


def _exact_only(form: str) -> bool:
    """A one-word "-ing" alias ("testing", "consulting") matches as written, not by lemma:
    its lemma ("test", "consult") is a different, everyday word.

    >>> _exact_only("testing"), _exact_only("test automation")
    (True, False)
    """
    word = form.casefold()
    return word.isalpha() and word.endswith("ing") and lemma_table().get(word, word) != word


def _ambiguous_forms(concept: Concept) -> set[str]:
    amb = concept.ambiguity
    if amb is None:
        return set()
    forms = amb.aliases if amb.aliases is not None else concept.surface_forms
    return {normalize_alias(f) for f in forms}


def _rule_dict(amb: Ambiguity) -> dict[str, Any]:
    return {
        "not_followed_by": sorted({w.casefold() for w in amb.not_followed_by}),
        "not_preceded_by": sorted({w.casefold() for w in amb.not_preceded_by}),
        "requires_context": list(amb.requires_context),
    }


def compile_rules(taxonomy: Taxonomy, nlp: Language) -> dict[str, Any]:
    """Compile the taxonomy into the ruler's JSON-able rules (phrases, patterns, rules)."""
    explicit = taxonomy.alias_index  # normalised surface form -> concept id
    claimed: dict[str, str] = {}
    phrases: dict[str, dict[str, Any]] = {}
    patterns: list[dict[str, Any]] = []
    rules: list[dict[str, Any]] = []
    for concept in taxonomy.concepts:
        rule = -1
        if concept.ambiguity is not None:
            rules.append(_rule_dict(concept.ambiguity))
            rule = len(rules) - 1
        ambiguous = _ambiguous_forms(concept)
        for form in concept.surface_forms:
            is_amb = normalize_alias(form) in ambiguous
            strict = is_amb and concept.ambiguity is not None and concept.ambiguity.case_sensitive
            attr = "ORTH" if strict else "NORM" if _exact_only(form) else "LEMMA"
            key = f"{concept.id}#{rule if is_amb else -1}#{attr}"
            entry = phrases.setdefault(
                key,
                {"concept": concept.id, "rule": rule if is_amb else -1, "attr": attr, "forms": []},
            )
            if strict:
                entry["forms"].append(form)
                continue
            for variant in sorted(_variants(form)):
                owner = explicit.get(normalize_alias(variant), concept.id)
                if owner != concept.id or claimed.setdefault(variant, concept.id) != concept.id:
                    continue
                entry["forms"].append(variant)
        for i, pattern in enumerate(concept.patterns):
            patterns.append(
                {
                    "key": f"{concept.id}#p{i}",
                    "concept": concept.id,
                    "pattern": [dict(t) for t in pattern],
                }
            )
    return {
        "phrases": [p for p in phrases.values() if p["forms"]],
        "patterns": patterns,
        "rules": rules,
    }


def _triggers(patterns: list[dict[str, Any]], vocab: Any) -> tuple[np.ndarray | None, int]:
    """Lemma hashes that can start a token pattern and the longest pattern, or (None, 0)
    when some pattern cannot be windowed (first token without LEMMA, or a + / * operator).
    """
    words: set[str] = set()
    longest = 0
    for entry in patterns:
        pattern = entry["pattern"]
        if any(t.get("OP") in {"+", "*"} for t in pattern):
            return None, 0
        first = pattern[0]
        lemma = first.get("LEMMA")
        if first.get("OP") or lemma is None:
            return None, 0
        words.update(lemma.get("IN", []) if isinstance(lemma, dict) else [lemma])
        longest = max(longest, len(pattern))
    hashes = sorted(vocab.strings.add(str(w).casefold()) for w in words)
    return np.asarray(hashes, dtype=np.uint64), longest


def _norms(tokens: Doc | Span) -> str:
    return " ".join(t.norm_ for t in tokens)


def _longest(doc: Doc, candidates: list[tuple[int, int, str, bool]]) -> list[Span]:
    """Longest non-overlapping spans; on equal length the exact form beats a lemma match,
    then the earlier start wins ("manage project plans": "project plans" is written as
    an alias, "manage project" only matches "managing projects" by lemma).
    """
    taken: set[int] = set()
    kept = []
    for start, end, concept, _ in sorted(candidates, key=lambda c: (c[0] - c[1], not c[3], c[0])):
        if any(i in taken for i in range(start, end)):
            continue
        taken.update(range(start, end))
        kept.append(Span(doc, start, end, label=concept, kb_id=concept))
    return sorted(kept, key=lambda span: span.start)


class TaxonomyRuler:
    """Finds taxonomy concepts in a Doc; see the module docstring."""

    def __init__(self, nlp: Language, name: str = "tpm_taxonomy", *, spans_key: str) -> None:
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.rules: dict[str, Any] = {"phrases": [], "patterns": [], "rules": []}
        self._set_matchers()

    def set_rules(self, rules: dict[str, Any]) -> None:
        """Replace the rules (from compile_rules or from disk) and rebuild the matchers."""
        self.rules = rules
        self._set_matchers()

    def _set_matchers(self) -> None:
        vocab = self.nlp.vocab
        self._lemma = PhraseMatcher(vocab, attr="LEMMA")
        self._norm = PhraseMatcher(vocab, attr="NORM")
        self._orth = PhraseMatcher(vocab, attr="ORTH")
        self._tokens = Matcher(vocab)
        self._keys: dict[int, tuple[str, int]] = {}
        self._exact: set[tuple[str, str]] = set()
        tokenizer = self.nlp.tokenizer
        lemmas = LookupLemmas(self.nlp)
        for entry in self.rules["phrases"]:
            key = f"{entry['concept']}#{entry['rule']}#{entry['attr']}"
            if entry["attr"] == "ORTH":
                self._orth.add(key, list(tokenizer.pipe(entry["forms"])))
            elif entry["attr"] == "NORM":
                self._norm.add(key, list(tokenizer.pipe(entry["forms"])))
            else:
                docs = [lemmas(d) for d in tokenizer.pipe(entry["forms"])]
                self._lemma.add(key, docs)
                self._exact.update((entry["concept"], _norms(d)) for d in docs)
            self._keys[vocab.strings.add(key)] = (entry["concept"], entry["rule"])
        for entry in self.rules["patterns"]:
            self._tokens.add(entry["key"], [entry["pattern"]])
            self._keys[vocab.strings.add(entry["key"])] = (entry["concept"], -1)
        for entry in [*self.rules["phrases"], *self.rules["patterns"]]:
            vocab.strings.add(entry["concept"])
        self._checks = [self._compile_rule(r) for r in self.rules["rules"]]
        self._has_tokens = bool(self.rules["patterns"])
        self._triggers, self._window = _triggers(self.rules["patterns"], vocab)

    @staticmethod
    def _compile_rule(rule: dict[str, Any]) -> tuple[frozenset[str], frozenset[str], Any]:
        context = None
        if rule["requires_context"]:
            parts = [
                re.escape(p) if p != p.lower() else f"(?i:{re.escape(p)})"
                for p in sorted(rule["requires_context"], key=len, reverse=True)
            ]
            context = re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])")
        return frozenset(rule["not_followed_by"]), frozenset(rule["not_preceded_by"]), context

    def _allowed(
        self, doc: Doc, start: int, end: int, rule: int, sents: list[SentenceIndex]
    ) -> bool:
        not_followed, not_preceded, context = self._checks[rule]
        nxt = end
        while nxt < len(doc) and doc[nxt].is_space:
            nxt += 1
        if nxt < len(doc) and doc[nxt].lower_ in not_followed:
            return False
        if start > 0 and doc[start - 1].lower_ in not_preceded:
            return False
        if context is not None:
            if not sents:
                sents.append(SentenceIndex(doc))
            _, _, sent_start, sent_end = sents[0].of(start)
            text = sents[0].text
            left = text[sent_start : doc[start].idx]
            right = text[doc[end - 1].idx + len(doc[end - 1]) : sent_end]
            if not (context.search(left) or context.search(right)):
                return False
        return True

    def __call__(self, doc: Doc) -> Doc:
        matches = self._lemma(doc)
        n_lemma = len(matches)
        matches += self._norm(doc) + self._orth(doc)
        if self._has_tokens:
            matches += self._token_matches(doc)
        candidates = []
        sents: list[SentenceIndex] = []
        for i, (key, start, end) in enumerate(matches):
            concept, rule = self._keys[key]
            if rule >= 0 and not self._allowed(doc, start, end, rule, sents):
                continue
            exact = i >= n_lemma or (concept, _norms(doc[start:end])) in self._exact
            candidates.append((start, end, concept, exact))
        doc.spans[self.spans_key] = _longest(doc, candidates)
        return doc

    def _token_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """Token-pattern matches, run only on windows that start with a trigger lemma.

        The Matcher walks every token in Python-level code; most postings hold no trigger
        word at all, so the windows make it nearly free. Patterns whose first token has no
        LEMMA constraint, or that use + or *, run over the whole Doc.
        """
        if self._triggers is None:
            return list(self._tokens(doc))
        lemmas = doc.to_array([LEMMA]).astype(np.uint64)
        found: set[tuple[int, int, int]] = set()
        for pos in np.flatnonzero(np.isin(lemmas, self._triggers)).tolist():
            window = doc[pos : min(len(doc), pos + self._window)]
            found.update((key, pos + s, pos + e) for key, s, e in self._tokens(window))
        return sorted(found, key=lambda m: (m[1], m[2]))

    def to_disk(self, path: str | Path, *, exclude: tuple[str, ...] = ()) -> None:
        """Write the compiled rules (the matchers are rebuilt from them on load)."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / RULES_FILE, self.rules)

    def from_disk(self, path: str | Path, *, exclude: tuple[str, ...] = ()) -> TaxonomyRuler:
        """Read the rules written by to_disk and rebuild the matchers."""
        self.set_rules(srsly.read_json(Path(path) / RULES_FILE))
        return self
