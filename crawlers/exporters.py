"""The feed exporter of our crawls: JSON Lines of postings, written without the detour.

Scrapy's `JsonLinesItemExporter` serialises every field of every item through ItemAdapter
and `dataclasses.asdict`, which is most of the cost of re-crawling an unchanged board.
A `Posting` has only flat fields, so its line is encoded straight from `posting_row`
with the exporter's own encoder: byte for byte the line Scrapy writes. A `PostingBatch`
is written as one such line per posting. Any other item goes through Scrapy's code, as
do `FEED_EXPORT_FIELDS` and per-feed field options.
"""

from __future__ import annotations

from typing import Any

from scrapy.exporters import JsonLinesItemExporter
from scrapy.utils.python import to_bytes

from crawlers.items import Posting, PostingBatch, posting_row


class PostingJsonLinesExporter(JsonLinesItemExporter):
    """`jsonlines` feeds: postings (alone or batched) encoded directly, the rest as Scrapy does."""

    def export_item(self, item: Any) -> None:
        """Write one item as a JSON line (a batch as one line per posting)."""
        if type(item) is PostingBatch:
            for posting in item.postings:
                self.export_item(posting)
            return
        if type(item) is not Posting or self.fields_to_export is not None:
            super().export_item(item)
            return
        data = self.encoder.encode(posting_row(item)) + "\n"
        self.file.write(to_bytes(data, self.encoding))
