"""The report as JSON (the contract in `model.report_to_dict`).

`<`, `>` and `&` are written as \\u escapes, so the document stays inert even when a
page embeds it; parsing gives back exactly the original strings.
"""

from __future__ import annotations

import json

from matcher.report.model import Report, report_to_dict


def render_json(report: Report) -> str:
    """The whole report as one JSON document (UTF-8 text, 2-space indent)."""
    text = json.dumps(report_to_dict(report), ensure_ascii=False, indent=2, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"
