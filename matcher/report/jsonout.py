"""The report as JSON (the contract in `model.report_to_dict`).

`<`, `>` and `&` are written as \\u escapes, so the document stays inert even when a
page embeds it; parsing gives back exactly the original strings.
"""

from __future__ import annotations

import json
from typing import Any

from matcher.report.model import Report, report_to_dict


def inert_json(data: Any) -> str:
    """`data` as JSON (UTF-8 text, 2-space indent) with `<`, `>`, `&` as \\u escapes.

    >>> inert_json({"t": "<b>&"}).strip()
    '{\\n  "t": "\\\\u003cb\\\\u003e\\\\u0026"\\n}'
    """
    text = json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def render_json(report: Report) -> str:
    """The whole report as one JSON document (UTF-8 text, 2-space indent)."""
    return inert_json(report_to_dict(report))
