"""The report as rich tables for a terminal (or plain text when written to a file).

Every string that comes from a posting or a profile goes in as a `rich.text.Text` (never
parsed for markup, so `[bold]` stays literal) after `safe.plain` (no control sequences).
"""

from __future__ import annotations

import io

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from matcher.report.model import MatchView, Report, RequirementView
from matcher.report.safe import plain, safe_url


def _t(value: object, style: str = "") -> Text:
    return Text(plain(value), style=style)


def _money(amount: float | None) -> str:
    return "" if amount is None else f"{amount:,.0f}"


def _reqs(items: list[RequirementView]) -> Text:
    out = Text()
    for n, item in enumerate(items):
        if n:
            out.append("\n")
        out.append(plain(item.name), style="bold")
        if item.met_by:
            out.append(f" ({plain(item.met_by)})")
        out.append(f" — “{plain(item.evidence)}”", style="dim")
    return out


def _match_table(m: MatchView) -> Table:
    title = Text(f"#{m.rank}  {m.score:.1f}  ", style="bold")
    title.append(plain(m.title))
    title.append(" at ")
    title.append(plain(m.company))
    table = Table(title=title, show_header=False, expand=True, title_justify="left")
    table.add_column("what", style="cyan", no_wrap=True)
    table.add_column("detail", ratio=1)
    table.add_row("posting", _t(f"{m.posting_id}  {safe_url(m.url) or '(no web address)'}"))
    if m.location or m.remote is not None:
        remote = {True: "remote", False: "on site", None: ""}[m.remote]
        table.add_row("where", _t(", ".join(x for x in (plain(m.location), remote) if x)))
    if m.salary_min is not None or m.salary_max is not None:
        pay = f"{_money(m.salary_min)}–{_money(m.salary_max)} {plain(m.salary_currency or '')}"
        table.add_row("salary", _t(f"{pay} per {plain(m.salary_period or 'year')}"))
    parts = [
        f"{k} {v:+.1f}" if k == "credential_penalty" and v else f"{k} {v:.1f}"
        for k, v in m.breakdown.items()
    ]
    table.add_row("breakdown", _t(", ".join(parts)))
    if m.matched:
        table.add_row("matched", _reqs(m.matched))
    if m.missing_required:
        table.add_row(Text("missing (required)", style="red"), _reqs(m.missing_required))
    if m.missing_preferred:
        table.add_row("missing (preferred)", _reqs(m.missing_preferred))
    return table


def renderables(report: Report) -> list[RenderableType]:
    """The report as rich renderables: summary, matches, gaps, guidance."""
    c, g = report.candidate, report.guidance
    head = Table(title=Text("Candidate", style="bold"), show_header=False, title_justify="left")
    head.add_column("field", style="cyan")
    head.add_column("value")
    head.add_row("name", _t(c.name))
    head.add_row("level", _t(f"{g.level_name or 'unknown'} (from {g.basis})"))
    head.add_row("years", _t("unknown" if c.total_years is None else f"{c.total_years:g}"))
    head.add_row("skills", _t(", ".join(v.name for v in report.concepts) or "none recognised"))
    if c.unknown_skills:
        head.add_row("not in taxonomy", _t(", ".join(c.unknown_skills)))
    head.add_row("postings scored", _t(str(report.postings_considered)))
    out: list[RenderableType] = [head]
    if not report.matches:
        out.append(Text("No open postings to match against."))
    out += [_match_table(m) for m in report.matches]
    gaps = Table(title=Text("What would raise your fit", style="bold"), title_justify="left")
    for col, justify in (
        ("concept", "left"),
        ("kind", "left"),
        (f"to ≥{report.threshold:g}", "right"),
        ("improves", "right"),
        ("avg lift", "right"),
        ("points added", "right"),
    ):
        gaps.add_column(col, justify=justify)  # type: ignore[arg-type]
    for gap in report.gaps:
        gaps.add_row(
            _t(gap.name),
            _t(gap.kind),
            str(gap.lifts_over_threshold),
            str(gap.postings_improved),
            f"{gap.average_lift:.1f}",
            f"{gap.total_lift:.1f}",
        )
    out.append(gaps)
    out.append(_guidance_table(report))
    return out


def _guidance_table(report: Report) -> Group:
    g = report.guidance
    table = Table(
        title=Text("Career guidance", style="bold"), show_header=False, title_justify="left"
    )
    table.add_column("topic", style="cyan")
    table.add_column("detail")
    span = (
        ""
        if g.years_min is None
        else f" ({g.years_min:g}–{'' if g.years_max is None else f'{g.years_max:g}'} years)"
    )
    table.add_row("your level", _t(f"{g.level_name or 'unknown'}{span}"))
    if g.next_level_name:
        table.add_row("next level", _t(g.next_level_name))
    steps = [f"{s.name} ({s.stage})" for s in g.credential_path]
    table.add_row(
        "credential path", _t(" → ".join(steps) or "you hold the recommended credentials")
    )
    salaries = Table(title="Salaries: articles vs the matched postings", title_justify="left")
    for col in ("source", "figure", "min", "max", "average"):
        salaries.add_column(col)
    for s in g.article_salaries:
        salaries.add_row(
            _t(f"{s.article_title} ({s.year})"),
            _t(f"{s.label}, {s.place}"),
            _money(s.amount_min),
            _money(s.amount_max),
            _money(s.average),
        )
    for p in g.posting_salaries:
        salaries.add_row(
            _t(f"{p.company}"),
            _t(f"{p.title} ({p.currency or '?'} per {p.period or 'year'})"),
            _money(p.amount_min),
            _money(p.amount_max),
            "",
        )
    return Group(table, salaries)


def render_text(report: Report, width: int = 120, color: bool = False) -> str:
    """The whole report as text (ANSI colours only when `color`)."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
        markup=False,
    )
    for item in renderables(report):
        console.print(item)
    return buffer.getvalue()
