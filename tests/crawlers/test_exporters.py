"""Our JSON Lines exporter writes exactly what Scrapy's own exporter writes, only faster."""

from __future__ import annotations

import io
from dataclasses import dataclass

from scrapy.exporters import JsonLinesItemExporter

from crawlers.exporters import PostingJsonLinesExporter
from crawlers.items import Posting


def _export(exporter_cls: type[JsonLinesItemExporter], items: list[object], **kw: object) -> bytes:
    out = io.BytesIO()
    exporter = exporter_cls(out, encoding="utf-8", **kw)
    exporter.start_exporting()
    for item in items:
        exporter.export_item(item)
    exporter.finish_exporting()
    return out.getvalue()


def _postings() -> list[Posting]:
    return [
        Posting(
            id="lever:acme:1",
            source="lever",
            company="Acmé Ltd",
            title='Senior TPM, "Payments" – Zürich',
            url="https://jobs.lever.co/acme/1",
            description_text="Drive the roadmap.\nPMP a plus. 😀",
            description_html="<p>Drive</p>",
            location="Zürich",
            remote=False,
            salary_min=120000.0,
            salary_max=150000.5,
            salary_currency="CHF",
            fetched_at="2026-11-25T02:00:00Z",
        ),
        Posting(
            id="ashby:b:2", source="ashby", company="B", title="TPM", url="u", description_text=""
        ),
    ]


def test_postings_are_written_byte_for_byte_as_scrapy_writes_them() -> None:
    items = _postings()
    assert _export(PostingJsonLinesExporter, items) == _export(JsonLinesItemExporter, items)


def test_field_selection_and_other_items_go_through_scrapy() -> None:
    @dataclass
    class Other:
        name: str

    items = [*_postings(), Other("x")]
    assert _export(PostingJsonLinesExporter, items) == _export(JsonLinesItemExporter, items)
    picked = {"fields_to_export": ["id", "title"]}
    assert _export(PostingJsonLinesExporter, items[:2], **picked) == _export(
        JsonLinesItemExporter, items[:2], **picked
    )
