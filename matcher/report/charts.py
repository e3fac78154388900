"""Geometry for the HTML report's inline SVG charts (numbers only; the template draws them).

Labels are passed through as data and escaped by the template's autoescape.
"""

from __future__ import annotations

from dataclasses import dataclass

from matcher.report.model import Report


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    css: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    title: str


def score_distribution(report: Report, width: int = 560, height: int = 220) -> Chart:
    """Vertical bars: how many open postings score in each 10-point band."""
    counts = report.score_histogram or [0] * 10
    top = max(counts) or 1
    plot_h, base, step = height - 50, height - 30, (width - 40) / len(counts)
    bars = []
    for n, count in enumerate(counts):
        h = plot_h * count / top
        css = "bar-good" if n * 10 >= report.threshold else "bar"
        bars.append(Bar(30 + n * step + 2, base - h, step - 4, h, f"{n * 10}", str(count), css))
    return Chart(width, height, bars, [], "Score distribution over all open postings")


def skill_coverage(report: Report, width: int = 560) -> Chart:
    """Horizontal bars: the most-asked concepts, coloured by whether the candidate holds them."""
    rows = report.demand
    top = max((d.postings for d in rows), default=1) or 1
    row_h, label_w = 22, 210
    height = 30 + row_h * len(rows)
    bars = [
        Bar(
            label_w,
            20 + i * row_h,
            (width - label_w - 40) * d.postings / top,
            row_h - 6,
            d.name,
            str(d.postings),
            "bar-good" if d.held else "bar-miss",
        )
        for i, d in enumerate(rows)
    ]
    return Chart(width, height, bars, [], "Most-asked skills: held (green) or missing (red)")


def salary_band(report: Report, width: int = 560) -> Chart:
    """Horizontal ranges per year: the articles' figures, the postings' ranges, your minimum."""
    g, c = report.guidance, report.candidate
    rows: list[tuple[str, float, float, str]] = []
    for s in g.article_salaries:
        if s.period != "year":
            continue
        lo = s.amount_min if s.amount_min is not None else s.average
        hi = s.amount_max if s.amount_max is not None else (s.average or lo)
        if lo is not None and hi is not None:
            rows.append((f"{s.label} ({s.year})", lo, hi, "band-article"))
    for p in g.posting_salaries:
        if (p.period or "year") != "year":
            continue
        lo = p.amount_min if p.amount_min is not None else p.amount_max
        hi = p.amount_max if p.amount_max is not None else lo
        if lo is not None and hi is not None:
            rows.append((f"{p.company}: {p.title}", lo, hi, "band-posting"))
    if c.salary_min is not None and (c.salary_period or "year") == "year":
        rows.append(("your minimum", c.salary_min, c.salary_min, "band-you"))
    row_h, label_w = 22, 230
    height = 50 + row_h * len(rows)
    if not rows:
        return Chart(width, height, [], [], "Salary band (no yearly figures)")
    low = min(r[1] for r in rows) * 0.9
    high = max(r[2] for r in rows) * 1.05
    span = (high - low) or 1.0
    plot_w = width - label_w - 110

    def x(v: float) -> float:
        return label_w + plot_w * (v - low) / span

    bars = [
        Bar(
            x(lo),
            20 + i * row_h,
            max(4.0, x(hi) - x(lo)),
            row_h - 6,
            label,
            f"{lo:,.0f}–{hi:,.0f}" if hi != lo else f"{lo:,.0f}",
            css,
        )
        for i, (label, lo, hi, css) in enumerate(rows)
    ]
    ticks = [
        (x(low + span * f), f"{(low + span * f) / 1000:,.0f}k") for f in (0, 0.25, 0.5, 0.75, 1)
    ]
    return Chart(width, height, bars, ticks, "Salary band per year")
