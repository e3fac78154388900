"""`tpm_lemmas`: spaCy's English lookup lemmas, case-folded and without Python per token.

spaCy's own `lemmatizer` in lookup mode calls Python for every token and costs more than
the tokenizer itself on real postings (bench/bench_extract.py). This component uses the
same table (`spacy-lookups-data`, `en_lemma_lookup`) keyed on the token's NORM (lower
case, typographic quotes folded), so "Planning" and "planning" both give "plan", and
maps a whole Doc at once with numpy: `to_array(NORM)` -> `searchsorted` ->
`from_array(LEMMA)`. A word the table does not know keeps its NORM as lemma.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
from spacy.attrs import LEMMA, NORM
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc


@cache
def lemma_table() -> dict[str, str]:
    """spaCy's English lemma lookup table (word -> lemma), read once per process."""
    ref = resources.files("spacy_lookups_data") / "data" / "en_lemma_lookup.json.gz"
    with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        return json.load(fh)


@cache
def _arrays() -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Sorted NORM ids of lower-case words, their lemma ids, and the lemma strings.

    Ids come from `get_string_id`, as the StringStore gives them: a hash, or the fixed
    symbol id for the few strings spaCy has symbols for ("agent", "head"...).
    """
    pairs = {
        get_string_id(word): lemma.casefold()
        for word, lemma in lemma_table().items()
        if word == word.casefold()
    }
    keys = np.fromiter(pairs, dtype=np.uint64, count=len(pairs))
    order = np.argsort(keys)
    lemmas = [pairs[int(k)] for k in keys[order]]
    values = np.fromiter((get_string_id(v) for v in lemmas), dtype=np.uint64, count=len(lemmas))
    return keys[order], values, tuple(sorted(set(lemmas)))


@Language.factory("tpm_lemmas")
def make_lemmas(nlp: Language, name: str) -> LookupLemmas:
    """Factory of the vectorised lookup lemmatizer."""
    return LookupLemmas(nlp)


class LookupLemmas:
    """Sets token.lemma from the lookup table in one pass of numpy over the Doc."""

    def __init__(self, nlp: Language) -> None:
        self.keys, self.values, strings = _arrays()
        for lemma in strings:
            nlp.vocab.strings.add(lemma)

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        norms = doc.to_array([NORM]).astype(np.uint64)
        idx = np.searchsorted(self.keys, norms)
        idx[idx >= len(self.keys)] = 0
        found = self.keys[idx] == norms
        doc.from_array([LEMMA], np.where(found, self.values[idx], norms).astype(np.uint64))
        return doc

    def to_disk(self, path: Path, *, exclude: tuple[str, ...] = ()) -> None:
        """Nothing to save: the table comes from spacy-lookups-data."""

    def from_disk(self, path: Path, *, exclude: tuple[str, ...] = ()) -> LookupLemmas:
        return self
