"""PDF résumés: a two-column page is read one column after the other, however drawn."""

from __future__ import annotations

import io

from pypdf import PdfReader

from matcher.pdftext import page_text
from tests.matcher.resume_fixtures import MAIN, SIDEBAR, make_pdf, two_column_pdf


def _text(pdf: bytes) -> str:
    return page_text(PdfReader(io.BytesIO(pdf)).pages[0])


def test_two_columns_drawn_row_by_row_read_column_by_column() -> None:
    plain = PdfReader(io.BytesIO(two_column_pdf(by_rows=True))).pages[0].extract_text()
    assert "Skills Experience" in plain  # pypdf alone mixes the two columns on one line
    expected = "\n".join(["Kim Columns", *SIDEBAR, *MAIN])
    assert _text(two_column_pdf(by_rows=True)) == expected
    assert _text(two_column_pdf()) == expected


def test_a_one_column_page_keeps_pypdf_s_text() -> None:
    # dates set at a tab stop, with body lines running across it: one column
    cells = [
        (72.0, 700.0, "Acme Corp"),
        (400.0, 700.0, "2019 – present"),
        (72.0, 686.0, "Led the migration of every billing service to the new cloud platform."),
        (72.0, 672.0, "Beta Inc"),
        (400.0, 672.0, "2015 – 2019"),
        (72.0, 658.0, "Ran quarterly planning and the release calendar for all product teams."),
        (72.0, 644.0, "Gamma LLC"),
        (400.0, 644.0, "2012 – 2015"),
    ]
    pdf = make_pdf(cells)
    assert _text(pdf) == PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert _text(pdf).splitlines()[0] == "Acme Corp 2019 – present"
