"""Sentences: the `tpm_sentences` component and a fast sentence lookup for a Doc.

`tpm_sentences` starts a sentence at every line start (each heading or list item is its
own sentence) and after sentence-final punctuation in prose. It finds boundaries with one
regex over the text and writes them with `Doc.from_array`, so it costs no Python per
token (spaCy's `sentencizer` loops over tokens in Python; see bench/bench_extract.py).

`SentenceIndex(doc)` answers "which sentence holds token i" with a binary search over
the sentence starts, instead of `span.sent`, which rescans the whole Doc on every call.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from pathlib import Path

import numpy as np
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

# A sentence starts after a line break, or after . ! ? (and closing quotes/brackets)
# followed by space and a capital, digit, quote or bullet. "e.g." and "i.e." do not end one.
_BOUNDARY_RE = re.compile(
    r"\n\s*"
    r"|(?<![A-Z]\.[a-z]\.)(?<!\b[eiEI]\.[gemGEM]\.)(?<=[.!?])[\"'”’)\]]*[ \t]+"
    r"(?=[A-Z0-9\"'“‘(\-•*])"
)


@Language.factory("tpm_sentences")
def make_sentences(nlp: Language, name: str) -> LineSentencizer:
    """Factory of the line-and-prose sentence segmenter."""
    return LineSentencizer()


class LineSentencizer:
    """Set sentence starts at line starts and after sentence-final punctuation."""

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        starts = np.full(n, -1, dtype=np.int64)
        starts[0] = 1
        positions = [m.end() for m in _BOUNDARY_RE.finditer(doc.text)]
        if positions:
            token_idx = doc.to_array([IDX]).astype(np.int64)
            hits = np.searchsorted(token_idx, np.asarray(positions, dtype=np.int64))
            starts[hits[hits < n]] = 1
        doc.from_array([SENT_START], starts.astype(np.uint64))
        return doc

    def to_disk(self, path: Path, *, exclude: tuple[str, ...] = ()) -> None:
        """Nothing to save: the component has no state."""

    def from_disk(self, path: Path, *, exclude: tuple[str, ...] = ()) -> LineSentencizer:
        return self


class SentenceIndex:
    """Token index -> the sentence's (first token, end token, start char, end char)."""

    def __init__(self, doc: Doc, text: str | None = None) -> None:
        self.doc = doc
        #: doc.text, read once: spaCy rebuilds it from the tokens on every access.
        self.text = doc.text if text is None else text
        marks = doc.to_array([SENT_START]).astype(np.int64) if len(doc) else np.zeros(0)
        starts = np.flatnonzero(marks == 1).tolist()
        if not starts or starts[0] != 0:
            starts.insert(0, 0)
        self._starts: list[int] = starts

    def of(self, token: int) -> tuple[int, int, int, int]:
        """The sentence holding token `token`: token range and character range."""
        k = bisect_right(self._starts, token) - 1
        first = self._starts[k]
        end = self._starts[k + 1] if k + 1 < len(self._starts) else len(self.doc)
        last = self.doc[end - 1]
        return first, end, self.doc[first].idx, last.idx + len(last.text)
