"""The report as Markdown. Every posting or profile string goes through `safe.md_text`
(HTML characters as entities, markdown punctuation backslashed), so `<script>`,
`[x](javascript:...)` and `*emphasis*` in a posting stay literal text; links are made
only for http(s) addresses (`safe.md_link`).
"""

from __future__ import annotations

from matcher.report.model import MatchView, Report, RequirementView
from matcher.report.safe import md_link, md_text


def _money(amount: float | None) -> str:
    return "" if amount is None else f"{amount:,.0f}"


def _reqs(title: str, items: list[RequirementView]) -> list[str]:
    if not items:
        return []
    lines = [f"**{title}**", ""]
    lines += [
        f"- **{md_text(r.name)}**{f' ({md_text(r.met_by)})' if r.met_by else ''}: "
        f"“{md_text(r.evidence)}”"
        for r in items
    ]
    return [*lines, ""]


def _match(m: MatchView) -> list[str]:
    lines = [
        f"### {m.rank}. {md_link(m.title, m.url)}: {md_text(m.company)} ({m.score:.1f})",
        "",
        f"Posting {md_text(m.posting_id)}"
        + (f" · {md_text(m.location)}" if m.location else "")
        + {True: " · remote", False: " · on site", None: ""}[m.remote],
        "",
        "| component | points |",
        "|---|---:|",
    ]
    lines += [f"| {md_text(k)} | {v:.2f} |" for k, v in m.breakdown.items()]
    lines.append("")
    lines += _reqs("Matched", m.matched)
    lines += _reqs("Missing (required)", m.missing_required)
    lines += _reqs("Missing (preferred)", m.missing_preferred)
    return lines


def render_markdown(report: Report) -> str:
    """The whole report as one Markdown document."""
    c, g = report.candidate, report.guidance
    lines = [
        f"# Match report: {md_text(c.name)}",
        "",
        f"- Level: {md_text(g.level_name or 'unknown')} (from {md_text(g.basis)})",
        f"- Years of experience: {'unknown' if c.total_years is None else f'{c.total_years:g}'}",
        f"- Skills: {md_text(', '.join(v.name for v in report.concepts) or 'none recognised')}",
    ]
    if c.unknown_skills:
        lines.append(f"- Not in the taxonomy: {md_text(', '.join(c.unknown_skills))}")
    lines += [f"- Open postings scored: {report.postings_considered}", "", "## Matches", ""]
    if not report.matches:
        lines += ["No open postings to match against.", ""]
    for m in report.matches:
        lines += _match(m)
    lines += [
        "## What would raise your fit",
        "",
        f"| concept | kind | postings lifted to ≥{report.threshold:g} | improved | avg lift "
        "| points added |",
        "|---|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {md_text(x.name)} | {md_text(x.kind)} | {x.lifts_over_threshold} | "
        f"{x.postings_improved} | {x.average_lift:.1f} | {x.total_lift:.1f} |"
        for x in report.gaps
    ]
    lines += ["", "## Career guidance", ""]
    lines.append(f"- Your level: {md_text(g.level_name or 'unknown')}")
    if g.next_level_name:
        lines.append(f"- Next level: {md_text(g.next_level_name)}")
    path = " → ".join(f"{md_text(s.name)} ({s.stage})" for s in g.credential_path)
    lines += [f"- Credential path: {path or 'you hold the recommended credentials'}", ""]
    lines += ["| source | figure | min | max | average |", "|---|---|---:|---:|---:|"]
    for s in g.article_salaries:
        lines.append(
            f"| {md_text(s.article_title)} ({s.year}) | {md_text(s.label)}, {md_text(s.place)} | "
            f"{_money(s.amount_min)} | {_money(s.amount_max)} | {_money(s.average)} |"
        )
    for p in g.posting_salaries:
        lines.append(
            f"| {md_text(p.company)} | {md_text(p.title)} ({md_text(p.currency or '?')} per "
            f"{md_text(p.period or 'year')}) | {_money(p.amount_min)} | {_money(p.amount_max)} | |"
        )
    return "\n".join(lines) + "\n"
