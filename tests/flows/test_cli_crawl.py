"""`tpm-match crawl` prints board text (ids, titles, error details) as text, never as markup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from tests.flows.conftest import MARKUP_TITLE

pytestmark = pytest.mark.slow  # a real Scrapy crawl process


@pytest.mark.usefixtures("wide_console")
def test_markup_in_board_text_is_printed_literally(hostile_sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "postings.jsonl"
    result = CliRunner().invoke(
        app,
        ["crawl", "--sources", str(hostile_sources), "--out", str(out)],
        env={"TPM_MATCH_CRAWL_RETRIES": "0", "TPM_MATCH_WORK_DIR": str(tmp_path / "work")},
    )
    assert result.exit_code == 0, result.output
    assert "rejected greenhouse:evil: greenhouse:evil:[/]: no title" in result.output
    assert "error greenhouse:shape:" in result.output and "got ['[/]']" in result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["title"], r["company"]) for r in rows] == [(MARKUP_TITLE, "[/]Evil[red] Corp")]
