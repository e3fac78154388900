"""The candidate's match report: data model (`model`) and renderers (text, md, html, json).

Pure functions: a `Report` in, a string out. Only the `tpm-match report` command writes.
"""

from __future__ import annotations

from collections.abc import Callable

from matcher.report.html import render_html
from matcher.report.jsonout import render_json
from matcher.report.markdown import render_markdown
from matcher.report.model import Report, build_report, report_to_dict
from matcher.report.text import render_text

FORMATS: dict[str, Callable[[Report], str]] = {
    "text": render_text,
    "md": render_markdown,
    "html": render_html,
    "json": render_json,
}


#: The file suffix of each format (the report formats are the keys of FORMATS).
SUFFIXES: dict[str, str] = {"text": ".txt", "md": ".md", "html": ".html", "json": ".json"}


def render(report: Report, fmt: str) -> str:
    """Render `report` in one of FORMATS (text, md, html, json)."""
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise ValueError(
            f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}"
        ) from None
    return renderer(report)


__all__ = ["FORMATS", "SUFFIXES", "Report", "build_report", "render", "report_to_dict"]
