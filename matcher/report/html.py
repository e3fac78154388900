"""The report as ONE self-contained HTML file: inline CSS, inline SVG charts, no script.

Jinja2 renders it with autoescape on, so every piece of posting text is escaped, and
strips control and bidirectional-override characters from every printed value (the
`safe.plain` the text and Markdown renderers use); links
are made only for http(s) addresses; a Content-Security-Policy forbids any script or
network fetch, so the page works offline and stays inert even if something slipped.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from matcher.report import charts
from matcher.report.model import Report
from matcher.report.safe import plain, safe_url

TEMPLATES = Path(__file__).parent / "templates"


def _money(amount: float | None) -> str:
    return "" if amount is None else f"{amount:,.0f}"


def _printable(value: object) -> object:
    """Every `{{ ... }}` value: text through `plain` (escaped markup stays markup).

    >>> _printable("Acme\u202e moc.evil"), _printable(3)
    ('Acme moc.evil', 3)
    """
    if isinstance(value, Markup):
        return Markup(plain(value))
    return plain(value) if isinstance(value, str) else value


def environment() -> Environment:
    """The Jinja2 environment (autoescape for every template, undefined names fail, every
    printed value without control characters)."""
    env = Environment(
        finalize=_printable,
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(safe_url=safe_url, money=_money)
    return env


def render_html(report: Report) -> str:
    """The whole report as one HTML document."""
    template = environment().get_template("report.html.j2")
    return template.render(
        report=report,
        c=report.candidate,
        g=report.guidance,
        charts=[
            charts.score_distribution(report),
            charts.skill_coverage(report),
            charts.salary_band(report),
        ],
    )
