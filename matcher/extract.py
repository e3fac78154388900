"""The Extractor: a posting's (or résumé's) text in, an `Extraction` out.

    ex = Extractor(load_taxonomy("skills_taxonomy.yaml"), cache_dir=Path("out/cache"))
    ex.extract("lever:acme:1", text, title="Senior TPM")        # text may be HTML
    ex.extract_many([(id, text, title), ...], batch_size=256)    # input order kept

What it does with the spans the `tpm_taxonomy` component finds:

- drops concepts in boilerplate sections (About us, Benefits, Equal opportunity), in
  lines with boilerplate wording ("equal opportunity employer"), in sentences about the
  company ("We are a ...", "We build ..."), in role names ("DevOps Engineer"), and
  concepts a negation governs ("No PMP required");
- marks each concept required or preferred: the sentence's cue beats the section;
  responsibilities and unlabelled sections count as required;
- reports each concept once, with its first required evidence (else its first one);
- numbers alternative groups: concepts one clause lists as "any one of them" ("PMP or
  PgMP", "AWS, Azure or GCP") share a `group` (see `matcher.groups`);
- finds years of experience (the posting's minimum: the largest figure among required
  mentions; years stated only as preferred do not count) and ties a figure to the concepts that
  follow it in its sentence ("2 years of experience with Jira");
- summarises the degree and the career level (title first, then years).

Offsets (`start`/`end`) are character offsets into the text the extractor worked on:
the input itself, or `html_to_text(input)` when the input is HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import islice
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from matcher.cues import Cues, load_cues
from matcher.degree import DegreeHit, DegreeSummarizer
from matcher.groups import Member, alternative_groups, renumber
from matcher.levels import LevelFinder
from matcher.models import Extraction, Requirement
from matcher.parallel import extract_parallel
from matcher.pipeline import SPANS_KEY, load_or_build
from matcher.sections import (
    BULLET_RE,
    Cue,
    LineIndex,
    classify_lines,
    cue_for,
    governing_cue,
    sentence_cues,
)
from matcher.sentences import SentenceIndex
from matcher.taxonomy import Concept, Taxonomy
from matcher.text import fold, html_to_text, looks_like_html
from matcher.years import YearsFinder

#: Kinds that describe the posting rather than ask for something.
_NOT_REQUIREMENTS = frozenset({"level"})


@dataclass(slots=True)
class _Sentence:
    text: str
    raw: str
    start: int
    cues: list[Cue]
    boilerplate: bool


@dataclass(slots=True)
class _Hit:
    concept: Concept
    required: bool
    span: Span
    sentence: _Sentence
    group: int | None = None


class Extractor:
    """Extracts taxonomy concepts, years, degree and level from postings or résumés."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        *,
        cache_dir: Path | None = None,
        cues: Cues | None = None,
    ) -> None:
        self.taxonomy = taxonomy
        self.cache_dir = cache_dir
        self.cues = cues if cues is not None else load_cues()
        self.nlp: Language = load_or_build(taxonomy, cache_dir)
        self._by_id = taxonomy.by_id
        self._years = YearsFinder(self.cues)
        self._degree = DegreeSummarizer(taxonomy, self.cues)
        self._levels = LevelFinder(taxonomy)

    @staticmethod
    def prepare(text: str) -> str:
        """The text the extractor works on: HTML becomes text, one block per line."""
        return html_to_text(text) if looks_like_html(text) else text

    def extract(self, posting_id: str, text: str, title: str | None = None) -> Extraction:
        """Extract one posting (text may be HTML)."""
        prepared = self.prepare(text)
        return self.from_doc(posting_id, self.nlp(prepared), title, text=prepared)

    def extract_many(
        self,
        items: Iterable[tuple[str, str, str | None]],
        *,
        batch_size: int = 256,
        n_process: int = 1,
    ) -> Iterator[Extraction]:
        """Extract (id, text, title) items in input order, batch by batch.

        Each chunk runs inside `nlp.memory_zone()`, so the string store does not grow
        over a long run. With `n_process > 1` the work goes to spawned worker processes
        (see `matcher.parallel`); give the Extractor a `cache_dir` so that they load the
        built pipeline instead of building it again.
        """
        if n_process > 1:
            yield from extract_parallel(
                items,
                build=partial(Extractor, self.taxonomy, cache_dir=self.cache_dir, cues=self.cues),
                n_process=n_process,
                batch_size=batch_size,
            )
            return
        stream = iter(items)
        while chunk := list(islice(stream, batch_size)):
            texts = [self.prepare(text) for _, text, _ in chunk]
            with self.nlp.memory_zone():
                docs = self.nlp.pipe(texts, batch_size=batch_size)
                out = [
                    self.from_doc(pid, doc, title, text=text)
                    for (pid, _, title), text, doc in zip(chunk, texts, docs, strict=True)
                ]
            yield from out

    def _sentence(self, cache: dict[int, _Sentence], index: SentenceIndex, token: int) -> _Sentence:
        """The sentence holding `token`, with its cues (computed once per sentence)."""
        first, _, start_char, end_char = index.of(token)
        found = cache.get(first)
        if found is None:
            text = index.text[start_char:end_char]
            found = _Sentence(
                text=text.strip(),
                raw=text,
                start=start_char,
                cues=sentence_cues(text, self.cues),
                boilerplate=bool(
                    self.cues.boilerplate_sentences.search(text)
                    or self.cues.company_openers.match(fold(BULLET_RE.sub("", text.strip())))
                ),
            )
            cache[first] = found
        return found

    def _names_a_role(self, doc: Doc, span: Span) -> bool:
        """Is the concept part of a role or team name ("DevOps & Infrastructure Engineer")?"""
        roles = self.cues.role_nouns
        end = span.end
        if end < len(doc) and doc[end].lower_ in roles:
            return True
        return (
            end + 2 < len(doc)
            and doc[end].lower_ in {"&", "and", "/"}
            and doc[end + 2].lower_ in roles
        )

    def from_doc(
        self, posting_id: str, doc: Doc, title: str | None = None, *, text: str | None = None
    ) -> Extraction:
        """Build the Extraction from a Doc the pipeline has processed.

        `text` is the Doc's text when the caller has it (spaCy rebuilds `doc.text` from
        the tokens on every access).
        """
        text = doc.text if text is None else text
        lines = LineIndex(classify_lines(text, self.cues))
        sentences: dict[int, _Sentence] = {}
        index = SentenceIndex(doc, text)
        hits: list[_Hit] = []
        for span in doc.spans[SPANS_KEY]:
            concept = self._by_id.get(span.label_)
            if concept is None or concept.kind in _NOT_REQUIREMENTS:
                continue
            line = lines.at(span.start_char)
            if line.section == "boilerplate" or line.boilerplate or self._names_a_role(doc, span):
                continue
            sent = self._sentence(sentences, index, span.start)
            if sent.boilerplate:
                continue
            kind = cue_for(sent.cues, span.start_char - sent.start, span.end_char - sent.start)
            if kind == "negated":
                continue
            required = kind == "required" if kind else line.section != "preferred"
            hits.append(_Hit(concept, required, span, sent))

        years_by_sentence, min_years = self._years_of(doc, lines, sentences, index)
        self._group(text, hits)
        chosen: dict[str, _Hit] = {}
        for hit in hits:
            first = chosen.get(hit.concept.id)
            if first is None or (hit.required and not first.required):
                chosen[hit.concept.id] = hit
        kept = sorted(chosen.values(), key=lambda h: h.span.start_char)
        groups = renumber([hit.group for hit in kept])
        requirements = [
            self._requirement(hit, years_by_sentence, group)
            for hit, group in zip(kept, groups, strict=True)
        ]
        degree = self._degree.summarize(
            [
                DegreeHit(h.concept, h.required, h.sentence.text)
                for h in hits
                if h.concept.kind == "degree"
            ]
        )
        return Extraction(
            id=posting_id,
            requirements=requirements,
            min_years_experience=min_years,
            degree=degree,
            level=self._levels.level(title, min_years),
        )

    def _group(self, text: str, hits: list[_Hit]) -> None:
        """Set each hit's alternative group ("PMP or PgMP"; see matcher.groups)."""
        members = [
            Member(
                start=h.span.start_char,
                end=h.span.end_char,
                sentence_start=h.sentence.start,
                sentence_end=h.sentence.start + len(h.sentence.raw),
                required=h.required,
            )
            for h in hits
        ]
        for hit, group in zip(
            hits, alternative_groups(text, members, self.cues.alternatives), strict=True
        ):
            hit.group = group

    def _years_of(
        self, doc: Doc, lines: LineIndex, sentences: dict[int, _Sentence], index: SentenceIndex
    ) -> tuple[dict[int, list[tuple[int, float]]], float | None]:
        """Years mentions per sentence start (offset, value) and the posting's minimum."""
        by_sentence: dict[int, list[tuple[int, float]]] = {}
        required: list[float] = []
        for mention in self._years.find(index.text):
            line = lines.at(mention.start)
            if line.section == "boilerplate" or line.boilerplate:
                continue
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            sent = self._sentence(sentences, index, span.start)
            if sent.boilerplate:
                continue
            start, end = mention.start - sent.start, mention.end - sent.start
            cue = governing_cue(sent.cues, start, end)
            kind = cue.kind if cue else None
            if kind == "negated":
                continue
            if kind == "preferred" and cue is not None and cue.start >= end:
                between = sent.raw[end : cue.start]
                if any(mark in between for mark in ",;("):
                    kind = None  # "5+ years of experience, SaaS a plus": the cue is SaaS's
            is_required = kind == "required" if kind else line.section != "preferred"
            if is_required:
                required.append(mention.value)
            by_sentence.setdefault(sent.start, []).append((mention.end, mention.value))
        return by_sentence, (max(required) if required else None)

    def _requirement(
        self,
        hit: _Hit,
        years_by_sentence: dict[int, list[tuple[int, float]]],
        group: int | None = None,
    ) -> Requirement:
        years = None
        for end, value in years_by_sentence.get(hit.sentence.start, []):
            if end <= hit.span.start_char:
                years = value
        return Requirement(
            id=hit.concept.id,
            name=hit.concept.name,
            kind=hit.concept.kind,
            required=hit.required,
            evidence=hit.sentence.text,
            start=hit.span.start_char,
            end=hit.span.end_char,
            years=years,
            group=group,
        )
