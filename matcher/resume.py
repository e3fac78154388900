"""A résumé read as a résumé: its sections, skills list, dates, name, title and email.

Headings ("Experience", "## EDUCATION", "Licenses & Certifications:"; cues.yaml:
`resume.sections`) open sections and are blanked before the Extractor reads the text, so
a heading is never a concept. A Skills or Certifications section written as a list
("Jira, Confluence | SQL; Scrum", bullets, "Tools: Jira, Asana") is read item by item
through the same Normalizer as profile skills, with an item's own years ("Jira (5 yrs)").
Total years come from a sentence that states them ("6 years of experience ...") or else
from the date ranges of the experience section, overlaps counted once. `today` is a
parameter: nothing here reads the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from matcher.cues import ResumeCues
from matcher.extract import Extractor
from matcher.levels import LevelFinder, NormalizerLike
from matcher.models import Degree, Extraction, Requirement
from matcher.sections import BULLET_RE
from matcher.taxonomy import DEGREE_LEVEL_ORDER
from matcher.years import DateRangeFinder, YearsFinder, years_of_ranges

_STRIP = " \t:#*_`>|"
_ITEM_SPLIT = re.compile(r"\s*(?:[,|;•·▪◦]|\s[-–—]\s)\s*")
_ITEM_YEARS = re.compile(
    r"[\s(\[:–—-]*(\d{1,2}(?:\.\d)?)\s*\+?\s*(?:years?|yrs?)\.?(?:\s+(?:of\s+)?experience)?[)\]]?",
    re.IGNORECASE,
)
_SEGMENTS = re.compile(r"\s*(?:[,|•·]|\s[-–—]\s|\s@\s|\bat\s)\s*")
_EMAIL = re.compile(r"[^@\s<>()\[\],;:|]+@[^@\s<>()\[\],;:|]+\.[A-Za-z]{2,}")
_NAME_WORD = re.compile(r"^[^\W\d_][\w.'’-]*$")


@dataclass(frozen=True, slots=True)
class Section:
    """A résumé section: the heading at [start, body), its content at [body, end)."""

    kind: str
    heading: str
    start: int
    body: int
    end: int


@dataclass(frozen=True, slots=True)
class Found:
    """A value read from the résumé and the line it came from."""

    value: str | float
    evidence: str


@dataclass(slots=True)
class ResumeReading:
    """What a résumé says, ready for `build_facts` and for a profile draft."""

    name: Found | None
    email: Found | None
    title: Found | None
    years: Found | None
    #: "sentence" (a stated figure), "dates" (the experience section's ranges) or None
    years_basis: str | None
    extraction: Extraction
    sections: list[Section] = field(default_factory=list)
    #: Skills-list items the taxonomy does not name (kept for the reader to review)
    unknown_items: list[str] = field(default_factory=list)


def _clean_heading(line: str) -> str:
    """A line without Markdown marks, bold marks, a trailing colon or edge spaces."""
    return line.strip().strip(_STRIP).strip()


def find_sections(text: str, cues: ResumeCues) -> list[Section]:
    """The résumé sections of `text`, in order (text before the first one is the header).

    A heading line opens a section that lasts until the next heading. A labelled line
    ("Tools: Jira, SQL") is a section of its own line only: the section around it goes
    on after it (a new `Section` of the same kind and heading, with no heading text).

    >>> from matcher.cues import load_cues
    >>> text = "Ada\\n## EXPERIENCE\\nAcme\\nTools: Jira, SQL\\n2019 - 2021\\n"
    >>> [(s.kind, s.heading, s.body - s.start) for s in find_sections(text, load_cues().resume)]
    [('experience', 'EXPERIENCE', 14), ('skills', 'Tools', 6), ('experience', 'EXPERIENCE', 0)]
    """
    found: list[Section] = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip() and not BULLET_RE.match(line):
            clean = _clean_heading(line)
            kind = cues.section_kind(clean) if len(clean.split()) <= 6 else None
            body, labelled = min(end + 1, len(text)), False
            if kind is None:
                head, sep, rest = line.partition(":")
                if sep and rest.strip() and len(head.split()) <= 4:
                    clean = _clean_heading(head)
                    kind = cues.section_kind(clean)
                    body, labelled = pos + len(head) + 1, True
            if kind is not None:
                around = found[-1] if found else None
                if around is not None:
                    found[-1] = replace(around, end=pos)
                found.append(Section(kind, clean, pos, body, len(text)))
                if labelled:
                    after = min(end + 1, len(text))
                    found[-1] = replace(found[-1], end=after)
                    if around is not None:
                        found.append(replace(around, start=after, body=after, end=len(text)))
        pos = end + 1
    return found


def mask_headings(text: str, sections: list[Section]) -> str:
    """`text` with each heading blanked (same length: offsets stay true)."""
    chars = list(text)
    for sec in sections:
        for i in range(sec.start, sec.body):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def list_items(text: str, section: Section) -> list[tuple[str, int, float | None]]:
    """The items of a list section: (item, offset, years the item states).

    >>> sec = Section("skills", "Skills", 0, 7, 60)
    >>> list_items("Skills\\nTools: Jira (5 yrs) | SQL; Scrum\\n- Risk management", sec)
    [('Jira', 14, 5.0), ('SQL', 29, None), ('Scrum', 34, None), ('Risk management', 42, None)]
    """
    out: list[tuple[str, int, float | None]] = []
    pos = section.body
    for line in text[section.body : section.end].split("\n"):
        start = pos
        pos += len(line) + 1
        bullet = BULLET_RE.match(line)
        body_at = bullet.end() if bullet else 0
        head, sep, rest = line[body_at:].partition(":")
        if sep and rest.strip() and len(head.split()) <= 4:
            body_at += len(head) + 1
        offset = start + body_at
        for piece in _ITEM_SPLIT.split(line[body_at:]):
            years_hit = _ITEM_YEARS.search(piece)
            item = _ITEM_YEARS.sub("", piece).strip(" .-–—*_")
            if item.count("(") != item.count(")"):
                item = item.strip("()[] ")
            if not any(c.isalpha() for c in item):
                continue
            at = text.find(item, offset, pos) if item else -1
            if at >= 0:
                offset = at + len(item)
                out.append((item, at, float(years_hit.group(1)) if years_hit else None))
    return out


def _line_at(text: str, offset: int) -> str:
    """The whole line of `text` holding `offset`."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start : end if end >= 0 else len(text)]


def evidence_line(text: str) -> str:
    """A line as a reader quotes it: no bullet or Markdown marks, spaces folded."""
    return " ".join(BULLET_RE.sub("", text).strip(_STRIP).split())


def name_of(text: str, cues: ResumeCues) -> Found | None:
    """The candidate's name: the first line (or Markdown heading) when it reads as a name.

    >>> from matcher.cues import load_cues
    >>> name_of("# Ada Example | ada@example.com\\n", load_cues().resume).value
    'Ada Example'
    >>> name_of("CURRICULUM VITAE\\nAda", load_cues().resume) is None
    True
    >>> name_of("JANE Q. PUBLIC\\n", load_cues().resume).value
    'Jane Q. Public'
    """
    lines = [ln for ln in text.split("\n") if ln.strip()]
    headings = [ln for ln in lines if ln.lstrip().startswith("# ")]
    for line in headings[:1] + lines[:1]:
        first = _SEGMENTS.split(_clean_heading(line))[0].strip()
        words = first.split()
        if (
            1 <= len(words) <= 5
            and all(_NAME_WORD.match(w) for w in words)
            and not cues.section_kind(first)
            and not all(w.casefold().strip(".") in cues.not_names for w in words)
        ):
            name = first.title() if first.isupper() else first
            return Found(name, evidence_line(line))
    return None


def name_from_file(stem: str, cues: ResumeCues) -> str:
    """A name from a file name: "ada_example-CV" gives "Ada Example".

    >>> from matcher.cues import load_cues
    >>> name_from_file("ada_example-CV", load_cues().resume)
    'Ada Example'
    """
    words = [w for w in re.split(r"[\W_\d]+", stem) if w and w.casefold() not in cues.not_names]
    return " ".join(w if not w.islower() else w.capitalize() for w in words) or "Candidate"


def email_of(text: str) -> Found | None:
    """The first e-mail address of the résumé."""
    hit = _EMAIL.search(text)
    if hit is None:
        return None
    return Found(hit.group(0).rstrip("."), evidence_line(_line_at(text, hit.start())))


def title_of(text: str, sections: list[Section], levels: LevelFinder) -> Found | None:
    """The current title: the first header (else experience) line part naming a level."""
    header_end = sections[0].start if sections else len(text)
    spans = [(0, header_end)] + [(s.body, s.end) for s in sections if s.kind == "experience"]
    for start, end in spans:
        for line in text[start:end].split("\n"):
            if not line.strip() or BULLET_RE.match(line):
                continue
            for part in _SEGMENTS.split(_clean_heading(line)):
                part = part.strip(" ()")
                if part and len(part.split()) <= 8 and levels.from_title(part):
                    return Found(part, evidence_line(line))
    return None


class ResumeReader:
    """Reads a résumé with the posting Extractor, the skill Normalizer and résumé cues."""

    def __init__(self, extractor: Extractor, normalizer: NormalizerLike) -> None:
        self.extractor = extractor
        self.normalizer = normalizer
        self.cues = extractor.cues.resume
        self._levels = LevelFinder(extractor.taxonomy)
        self._years = YearsFinder(extractor.cues)
        self._dates = DateRangeFinder(self.cues)

    def read(self, text: str, *, today: date) -> ResumeReading:
        """Read a résumé's plain text (see the module docstring)."""
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        sections = find_sections(text, self.cues)
        masked = mask_headings(text, sections)
        title = title_of(text, sections, self._levels)
        extraction = self.extractor.extract("resume", masked, title=None)
        ignored = [s for s in sections if s.kind in self.cues.ignored_sections]
        requirements = [
            r
            for r in extraction.requirements
            if not any(s.body <= r.start < s.end for s in ignored)
        ]
        unknown = self._add_list_items(text, sections, requirements)
        years, basis = self._total_years(masked, sections, extraction, today)
        total = float(years.value) if years else None
        extraction = replace(
            extraction,
            requirements=sorted(requirements, key=lambda r: r.start),
            min_years_experience=total,
            degree=self._degree(requirements),
            level=self._levels.level(str(title.value) if title else None, total),
        )
        return ResumeReading(
            name=name_of(text, self.cues),
            email=email_of(text),
            title=title,
            years=years,
            years_basis=basis,
            extraction=extraction,
            sections=sections,
            unknown_items=unknown,
        )

    def _add_list_items(
        self, text: str, sections: list[Section], requirements: list[Requirement]
    ) -> list[str]:
        """Add the concepts of the skills/certifications lists; return the unknown items."""
        items = [
            (s.heading, *item)
            for s in sections
            if s.kind in ("skills", "certifications")
            for item in list_items(text, s)
        ]
        by_id = {r.id: r for r in requirements}
        concepts = self.extractor.taxonomy.by_id
        unknown: list[str] = []
        hits = self.normalizer.match_many([item for _, item, _, _ in items])
        for (heading, item, at, years), hit in zip(items, hits, strict=True):
            concept = concepts.get(hit[0]) if hit else None
            if concept is None or concept.kind == "level":
                unknown.append(item)
                continue
            known = by_id.get(concept.id)
            if known is not None:
                if known.years is None and years is not None:
                    known.years = years
                continue
            by_id[concept.id] = Requirement(
                id=concept.id,
                name=concept.name,
                kind=concept.kind,
                required=True,
                evidence=f"{heading}: {item}",
                start=at,
                end=at + len(item),
                years=years,
            )
            requirements.append(by_id[concept.id])
        return unknown

    def _total_years(
        self, masked: str, sections: list[Section], extraction: Extraction, today: date
    ) -> tuple[Found | None, str | None]:
        """Stated total years, else the experience section's date ranges added up."""
        stated = extraction.min_years_experience
        if stated is not None:
            line = next(
                (_line_at(masked, m.start) for m in self._years.find(masked) if m.value == stated),
                "",
            )
            return Found(stated, evidence_line(line)), "sentence"
        experience = [s for s in sections if s.kind == "experience"]
        if not experience:  # no heading: the text outside every other section
            others = [s for s in sections if s.kind != "experience"]
            spans = [(0, others[0].start if others else len(masked))]
        else:
            spans = [(s.body, s.end) for s in experience]
        ranges = [(a, r) for a, b in spans for r in self._dates.find(masked[a:b], today)]
        years = years_of_ranges([r for _, r in ranges])
        if years is None:
            return None, None
        quoted = "; ".join(" ".join(masked[a + r.start : a + r.end].split()) for a, r in ranges)
        return Found(years, quoted), "dates"

    def _degree(self, requirements: list[Requirement]) -> Degree | None:
        """The highest degree the résumé names (a résumé lists what was earned)."""
        concepts = self.extractor.taxonomy.by_id
        degrees = [concepts[r.id] for r in requirements if r.kind == "degree"]
        if not degrees:
            return None
        best = max(degrees, key=lambda c: DEGREE_LEVEL_ORDER.get(c.degree_level or "", -1))
        return Degree(level=best.degree_level, fields=list(best.degree_fields))
