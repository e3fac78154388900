"""`tpm-match extract` through the real CLI: order, bad lines, exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch, taxonomy_path: Path, tmp_path: Path) -> None:
    monkeypatch.setenv("TPM_MATCH_TAXONOMY_PATH", str(taxonomy_path))
    monkeypatch.setenv("TPM_MATCH_WORK_DIR", str(tmp_path / "work"))


def lines(*records: object) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n"


GOOD = [
    {"id": "a", "title": "Senior TPM", "description": "Requirements\n- 5+ years with Jira"},
    {"id": "b", "description_html": "<h3>Nice to have</h3><ul><li>PMP</li></ul>"},
    {"id": "c", "title": None, "description_text": "Scrum Master certification required"},
    {"id": "d", "description": "Requirements\n- PMP or PgMP certification\n- Jira"},
]


def test_one_line_per_posting_in_input_order_with_the_contract_keys(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(lines(*GOOD), encoding="utf-8")
    result = runner.invoke(app, ["extract", str(path), "--batch-size", "1"])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c", "d"]
    assert set(out[0]) == {"id", "requirements", "min_years_experience", "degree", "level"}
    (jira,) = out[0]["requirements"]
    keys = {"id", "name", "kind", "required", "evidence", "start", "end", "years", "group"}
    assert set(jira) == keys
    assert (jira["id"], jira["required"], jira["years"], jira["group"]) == (
        "tool.jira",
        True,
        5,
        None,
    )
    assert out[0]["min_years_experience"] == 5 and out[0]["level"] == "level.senior_tpm"
    assert out[1]["requirements"][0]["required"] is False
    assert out[2]["requirements"][0]["id"] == "credential.csm"
    assert [(r["id"], r["group"]) for r in out[3]["requirements"]] == [
        ("credential.pmp", 1),
        ("credential.pgmp", 1),
        ("tool.jira", None),
    ]


def test_malformed_lines_are_reported_skipped_and_fail_the_run() -> None:
    stdin = lines(GOOD[0], "{not json", ["a list"], {"title": "no id"}, {"id": "x"}, "", GOOD[1])
    result = runner.invoke(app, ["extract", "-"], input=stdin)
    assert result.exit_code == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a", "b"]
    assert "line 2: not valid JSON" in result.stderr
    assert "line 3: expected a JSON object" in result.stderr
    assert "line 4: field 'id': missing" in result.stderr
    assert "line 5: no text" in result.stderr
    assert "line 6" not in result.stderr  # a blank line is not an error


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    assert "nope.jsonl" in result.stderr
