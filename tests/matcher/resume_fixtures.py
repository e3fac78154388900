"""Résumés we write for the tests: a Markdown one, a dates-only one, and PDFs drawn here."""

from __future__ import annotations

from collections.abc import Sequence

#: A Markdown résumé with a skills list, headings of every kind and an interests section.
MARKDOWN_RESUME = """\
# Grace Sample

Senior Technical Program Manager | grace.sample@example.org | Denver, CO

## Professional Summary
Delivery lead for platform programs.

## Work Experience
**Acme Cloud — Senior TPM** (Jan 2021 – present)
- Led release management for 12 teams and ran quarterly roadmapping.

## Core Competencies
Jira (4 yrs) | Confluance | MS-Project 2019; Powerbi; Roadmaping
- Stakeholder management, Agile
- Underwater basket weaving

## EDUCATION:
MSc in Computer Science, 2014

## Licenses & Certifications
- Project Management Professional (PMP)

## Interests
Edtech meetups
"""

#: Plain text whose only years are the date ranges of its experience section (a labelled
#: "Tools:" line within it does not end it).
DATES_ONLY_RESUME = """\
LIN DATES
lin@example.org

EXPERIENCE
Northwind — Technical Program Manager, Jan 2018 – Mar 2021
Ran Scrum ceremonies for three teams.
Tools: Jira, Smartsheet
Contoso — Project Coordinator, 03/2017 - 05/2019
Kept the RAID log.
Fabrikam — Analyst 2012-2015

EDUCATION
Bachelor of Science, 2008 - 2012
"""


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252")  # WinAnsiEncoding: en dashes and accents as one byte each
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def make_pdf(cells: Sequence[tuple[float, float, str]]) -> bytes:
    """A one-page PDF drawing each (x, y, text) cell in Helvetica, in the given order.

    The content stream holds the cells in that order, so a two-column page can be drawn
    column by column (as most layout programs write it) or row by row.
    """
    stream = b"".join(
        b"BT /F1 10 Tf %.1f %.1f Td (%s) Tj ET\n" % (x, y, _escape(t)) for x, y, t in cells
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def text_pdf(text: str) -> bytes:
    """A one-column PDF of `text`, one line per text line."""
    lines = text.splitlines()
    return make_pdf([(72, 740 - 14 * i, line) for i, line in enumerate(lines) if line.strip()])


#: A two-column résumé: a sidebar (contact, skills, certifications) and the main column.
SIDEBAR = [
    "Skills",
    "Jira, Confluence, Kanban",
    "Risk management | SQL",
    "Certifications",
    "Certified ScrumMaster (CSM)",
]
MAIN = [
    "Experience",
    "Acme — Senior TPM, Jan 2019 – present",
    "Ran program increment planning for five teams.",
    "Beta — TPM, 2014-2019",
    "Kept the dependency map.",
]


def two_column_pdf(*, by_rows: bool = False) -> bytes:
    """A two-column résumé PDF: a name line, then the sidebar and the main column.

    Drawn column after column, or (`by_rows`) row by row: a sidebar line, then the main
    column's line beside it, as some layout programs write a page.
    """
    left = [(50.0, 720.0 - 16 * i, line) for i, line in enumerate(SIDEBAR)]
    right = [(260.0, 720.0 - 16 * i, line) for i, line in enumerate(MAIN)]
    body = [c for pair in zip(left, right, strict=True) for c in pair] if by_rows else left + right
    return make_pdf([(50.0, 750.0, "Kim Columns"), *body])
