"""The spaCy pipeline built from the taxonomy.

`build_nlp(taxonomy)` gives `spacy.blank("en")` plus three components:

- `tpm_sentences` (matcher/sentences.py): sentence starts at every line start (each
  heading or list item is its own sentence) and after sentence-final punctuation in
  prose, found by one regex and written with `Doc.from_array` (spaCy's `sentencizer`
  loops over tokens in Python; its cost is measured in bench/bench_extract.py).
- `tpm_lemmas` (matcher/lemmas.py): spaCy's English lookup lemmas (spacy-lookups-data),
  case-folded, set for a whole Doc with numpy (spaCy's `lemmatizer` in lookup mode costs
  more than the tokenizer: measured in the bench).
- `tpm_taxonomy` (matcher/ruler.py): PhraseMatchers on LEMMA and ORTH plus a token
  Matcher, fed from every concept's name, aliases and `patterns`, honouring the
  taxonomy's `ambiguity` rules, keeping the longest non-overlapping spans in
  `doc.spans["tpm"]`.

`load_or_build(taxonomy, cache_dir)` caches the built pipeline on disk keyed by the
taxonomy's content hash (and this module's PIPELINE_VERSION).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import spacy
from spacy.language import Language

from matcher.lemmas import LookupLemmas  # noqa: F401  (registers the tpm_lemmas factory)
from matcher.ruler import TaxonomyRuler, compile_rules
from matcher.sentences import LineSentencizer  # noqa: F401  (registers tpm_sentences)
from matcher.taxonomy import Taxonomy

#: Bump when the pipeline's code changes in a way that makes cached pipelines stale.
PIPELINE_VERSION = "3"
SPANS_KEY = "tpm"


@Language.factory("tpm_taxonomy", default_config={"spans_key": SPANS_KEY})
def make_taxonomy_ruler(nlp: Language, name: str, spans_key: str) -> TaxonomyRuler:
    """Factory of the taxonomy rule component; fill it with `set_rules(compile_rules(...))`."""
    return TaxonomyRuler(nlp, name, spans_key=spans_key)


def build_nlp(taxonomy: Taxonomy) -> Language:
    """Build the extraction pipeline for this taxonomy (patterns compiled once, here)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("tpm_sentences")
    nlp.add_pipe("tpm_lemmas")
    ruler = nlp.add_pipe("tpm_taxonomy", config={"spans_key": SPANS_KEY})
    nlp.initialize()
    assert isinstance(ruler, TaxonomyRuler)
    ruler.set_rules(compile_rules(taxonomy, nlp))
    return nlp


def taxonomy_key(taxonomy: Taxonomy) -> str:
    """The cache key of a taxonomy: its file hash, or a hash of its content when unset."""
    digest = (
        taxonomy.content_hash
        or hashlib.sha256(taxonomy.model_dump_json().encode("utf-8")).hexdigest()
    )
    return f"{digest[:20]}-v{PIPELINE_VERSION}"


def load_or_build(taxonomy: Taxonomy, cache_dir: Path | None) -> Language:
    """The pipeline for `taxonomy`, loaded from `cache_dir` when built before.

    A new build is written to a temporary folder and renamed into place, so a reader
    never sees a half-written cache entry.
    """
    if cache_dir is None:
        return build_nlp(taxonomy)
    target = Path(cache_dir) / f"tpm-nlp-{taxonomy_key(taxonomy)}"
    if (target / "config.cfg").is_file():
        return spacy.load(target)
    nlp = build_nlp(taxonomy)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
    try:
        nlp.to_disk(tmp)
        try:
            tmp.rename(target)
        except OSError:  # another process won the race: use its copy
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return nlp
