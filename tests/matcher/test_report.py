"""The match report: JSON contract, inert posting text in all four formats, the command."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from flows.cli import app
from matcher.report import Report, render
from matcher.report.model import MATCH_KEYS
from matcher.scoring.config import ScoringConfig, load_scoring_config
from matcher.taxonomy import Taxonomy
from tests.matcher.report_fixtures import evil_report, make_warehouse
from tests.matcher.scoring_fixtures import EVIL

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def config() -> ScoringConfig:
    return load_scoring_config(ROOT / "scoring.yaml")


@pytest.fixture(scope="module")
def report(taxonomy: Taxonomy, config: ScoringConfig) -> Report:
    return evil_report(taxonomy, config)


def test_report_content(report: Report) -> None:
    assert [m.rank for m in report.matches] == [1, 2, 3, 4]
    scores = [m.score for m in report.matches]
    assert scores == sorted(scores, reverse=True)
    first = report.matches[0]
    assert [r.id for r in first.matched] == ["tool.jira"]
    assert first.matched[0].evidence.startswith("3+ years of Jira")
    assert "credential.pmp" in [r.id for r in first.missing_required]
    assert report.gaps[0].concept_id in {"credential.pmp", "method.kanban"}
    assert report.guidance.level_id == "level.tpm"
    assert sum(report.score_histogram) == report.postings_considered == 6


def test_json_contract(report: Report) -> None:
    data = json.loads(render(report, "json"))
    assert list(data) == ["candidate", "matches", "gaps", "guidance"]
    assert all(tuple(m) == MATCH_KEYS for m in data["matches"])
    m = data["matches"][0]
    assert isinstance(m["score"], float) and set(m["breakdown"]) >= {
        "required",
        "credential_penalty",
    }
    assert m["matched"][0]["evidence"].startswith("3+ years of Jira <script>")
    assert {"concept_id", "lifts_over_threshold", "average_lift", "sentence"} <= set(
        data["gaps"][0]
    )
    assert data["guidance"]["credential_path"][0]["concept_id"] == "credential.pmp"
    assert data["candidate"]["level"] == {
        "id": "level.tpm",
        "name": "Technical Project Manager",
        "basis": "title",
    }


def test_json_is_inert_and_lossless(report: Report) -> None:
    text = render(report, "json")
    assert "<" not in text and ">" not in text
    assert json.loads(text)["matches"][0]["title"] == f"Technical Program Manager {EVIL}"


def test_html_is_escaped(report: Report) -> None:
    page = render(report, "html")
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert "javascript:" not in re.sub(r">[^<]*<", "><", page)  # only inside text, never markup
    assert 'href="javascript' not in page
    assert not re.search(r"<[^>]*\son\w+\s*=", page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Content-Security-Policy" in page
    assert not re.search(r"<(link|iframe|object|embed)\b|src=\"http|@import|url\(", page)


def test_html_strips_control_and_bidi_characters(report: Report) -> None:
    spoof = "Acme \u202eSPT\u202c \u2066x\u2069 \x07\x1b[2J Corp"
    first = dataclasses.replace(report.matches[0], company=spoof, title="TPM\u200f\x00 lead")
    page = render(dataclasses.replace(report, matches=[first, *report.matches[1:]]), "html")
    assert not re.search(
        r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]", page
    )
    assert "Acme SPT x [2J Corp" in page and "TPM lead" in page  # the text itself is kept
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # still escaped after stripping


def test_markdown_is_inert(report: Report) -> None:
    md = render(report, "md")
    html = MarkdownIt("commonmark", {"html": True}).render(md)
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html
    assert not re.search(r"<[^>]*\son\w+\s*=", html)  # no event-handler attribute in any tag
    assert "[bold]" in html  # shown literally
    assert "\x1b" not in md
    assert 'href="https://jobs.example.test/acme/2"' in html


def test_text_keeps_rich_markup_literal(report: Report) -> None:
    text = render(report, "text")
    assert "[bold]big[/bold]" in text  # not interpreted as style
    assert "<script>alert(1)</script>" in text  # harmless in a terminal, shown as is
    assert "\x1b" not in text  # no escape sequence from a posting reaches the terminal
    assert "What would raise your fit" in text and "Career guidance" in text


def test_unknown_format(report: Report) -> None:
    with pytest.raises(ValueError, match="unknown report format 'pdf'"):
        render(report, "pdf")


def _run(args: list[str]):
    return CliRunner().invoke(app, args, catch_exceptions=False)


def test_command_without_warehouse_says_what_to_run(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    result = _run(
        [
            "report",
            "--profile",
            "examples/profile.yaml",
            "--warehouse",
            str(tmp_path / "none.duckdb"),
        ]
    )
    assert result.exit_code == 2
    assert "make demo" in result.output and "tpm-match nightly" in result.output


def test_command_bad_profile(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    bad = tmp_path / "p.yaml"
    bad.write_text("name: A\nyears_experience: five\n", encoding="utf-8")
    result = _run(["report", "--profile", str(bad), "--warehouse", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 2
    assert "field 'years_experience': expected a number like 5, got 'five'" in result.output


def test_command_all_formats_against_a_real_warehouse(
    tmp_path: Path, monkeypatch, taxonomy: Taxonomy
) -> None:
    monkeypatch.chdir(ROOT)
    wh = make_warehouse(tmp_path / "wh" / "tpm.duckdb", taxonomy)
    base = ["report", "--profile", "examples/profile.yaml", "--warehouse", str(wh), "--top", "3"]
    for fmt in ("text", "md", "html", "json"):
        out = tmp_path / f"report.{fmt}"
        result = _run([*base, "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 500
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert len(data["matches"]) == 3
    assert data["candidate"]["name"] == "Ada Example"
    stdout = _run([*base, "--format", "json"])
    assert json.loads(stdout.stdout) == data
