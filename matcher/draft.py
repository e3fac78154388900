"""A profile YAML drafted from a résumé, for the candidate to review (`profile init`).

Every value it fills is followed by a comment quoting the résumé line it came from; the
fields it could not fill are listed at the end as commented examples. Skills and
certifications are written as the taxonomy names them, so the draft maps back to the
same concepts. The text is written by hand (YAML libraries drop comments) and always
validates with `matcher.profile.parse_profile` as it is.
"""

from __future__ import annotations

import json
import re

from matcher.resume import Found, ResumeReading, evidence_line
from matcher.taxonomy import Taxonomy

_PLAIN = re.compile(r"^[A-Za-z][\w .'()&+/-]*[\w.)+]$|^[A-Za-z]$")
_QUOTE_WIDTH = 80
_COLUMN = 34

#: What each field looks like, for the fields the résumé did not give (docs/profile.md).
_EXAMPLES: dict[str, str] = {
    "email": "email: name@example.com",
    "current_title": "current_title: Technical Program Manager",
    "years_experience": "years_experience: 5",
    "location": "location: City, Region",
    "remote": "remote: any            # remote | hybrid | onsite | any",
    "degree": "degree: {level: bachelor, field: computer science}",
    "certifications": "certifications: [PMP]",
    "skills": "skills: [Jira, {skill: Confluence, years: 3}]",
    "salary": "salary: {min: 130000, currency: USD, period: year}",
}


def scalar(value: str | float) -> str:
    """A YAML scalar: plain when that reads back the same, else double-quoted.

    >>> scalar("Ada Example"), scalar("C++: advanced"), scalar(6.0), scalar("yes")
    ('Ada Example', '"C++: advanced"', '6', '"yes"')
    """
    if isinstance(value, float | int):
        return f"{value:g}"
    reserved = value.casefold() in {"yes", "no", "true", "false", "on", "off", "null", "y", "n"}
    if _PLAIN.match(value) and not reserved and " #" not in value:
        return value
    return json.dumps(value, ensure_ascii=False)


def quote(text: str) -> str:
    """The comment quoting a résumé line, cut to about 80 characters."""
    line = evidence_line(text)
    if len(line) > _QUOTE_WIDTH:
        line = line[: _QUOTE_WIDTH - 1].rstrip() + "…"
    return f"# from: {line}"


def _line(text: str, evidence: str) -> str:
    """A YAML line with its source comment in a column."""
    return f"{text:<{_COLUMN}} {quote(evidence)}"


def _found(key: str, found: Found | None) -> list[str]:
    """`key: value  # from: ...` for a value the résumé gave, else nothing."""
    return [_line(f"{key}: {scalar(found.value)}", found.evidence)] if found else []


def draft_profile(reading: ResumeReading, name: Found, taxonomy: Taxonomy, source: str) -> str:
    """The profile YAML text drafted from `reading` (see the module docstring)."""
    ext = reading.extraction
    out = [
        f"# Candidate profile drafted by `tpm-match profile init` from {source}.",
        "# Review every line: each value quotes the résumé line it came from. Fields: see",
        "# docs/profile.md. Register it with `tpm-match candidates add THIS_FILE`.",
        *_found("name", name),
        *_found("email", reading.email),
        *_found("current_title", reading.title),
        *_found("years_experience", reading.years),
    ]
    level = ext.degree.level if ext.degree else None
    degrees = [r for r in ext.requirements if r.kind == "degree"]
    degree = next((r for r in degrees if taxonomy.by_id[r.id].degree_level == level), None)
    if ext.degree is not None and level and degree is not None:
        out += ["degree:", _line(f"  level: {ext.degree.level}", degree.evidence)]
        if ext.degree.fields:
            out.append(f"  field: {scalar(ext.degree.fields[0])}")
    lists: dict[str, list[str]] = {"skills": [], "certifications": []}
    for req in ext.requirements:
        if req.kind in ("degree", "level"):
            continue
        concept = taxonomy.by_id[req.id]
        text = scalar(concept.name)
        if req.years is not None and req.kind != "credential":
            text = f"{{skill: {text}, years: {req.years:g}}}"
        key = "certifications" if req.kind == "credential" else "skills"
        lists[key].append(_line(f"  - {text}", req.evidence))
    for key, lines in lists.items():
        if lines:
            out += [f"{key}:", *lines]
    if reading.unknown_items:
        out.append("# Listed in the résumé but not in the taxonomy (add any that matter):")
        out += [f"#   - {scalar(item)}" for item in reading.unknown_items]
    filled = {
        "email": reading.email,
        "current_title": reading.title,
        "years_experience": reading.years,
        "degree": ext.degree and ext.degree.level,
        "skills": lists["skills"],
        "certifications": lists["certifications"],
    }
    missing = [key for key in _EXAMPLES if not filled.get(key)]
    if missing:
        out.append("# Not found in the résumé; fill in what you want scored:")
        out += [f"# {_EXAMPLES[key]}" for key in missing]
    return "\n".join(out) + "\n"
