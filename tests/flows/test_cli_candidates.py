"""`tpm-match candidates add | list | remove` through the CLI, into a temporary warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from matcher.profile import candidate_id_for

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TPM_MATCH_WAREHOUSE_PATH", str(tmp_path / "wh" / "tpm.duckdb"))
    monkeypatch.setenv("TPM_MATCH_TAXONOMY_PATH", str(repo_root / "skills_taxonomy.yaml"))
    monkeypatch.setenv("TPM_MATCH_SCORING_CONFIG_PATH", str(repo_root / "scoring.yaml"))
    return tmp_path


def test_add_list_remove(env: Path, repo_root: Path) -> None:
    profile = repo_root / "examples" / "profile.yaml"
    cid = candidate_id_for("Ada Example", "ada@example.com")

    empty = runner.invoke(app, ["candidates", "list"])
    assert empty.exit_code == 0, empty.output
    assert "0 registered candidates" in empty.output

    added = runner.invoke(app, ["candidates", "add", str(profile)])
    assert added.exit_code == 0, added.output
    assert cid in added.output
    assert "Underwater basket weaving" in added.output  # unknown skill, listed not scored

    again = runner.invoke(app, ["candidates", "add", str(profile)])  # an update, not a copy
    assert again.exit_code == 0, again.output
    listed = runner.invoke(app, ["candidates", "list"], terminal_width=200)
    assert listed.exit_code == 0, listed.output
    assert "1 registered candidates" in listed.output
    assert cid in listed.output and "Ada Example" in listed.output

    removed = runner.invoke(app, ["candidates", "remove", cid])
    assert removed.exit_code == 0, removed.output
    assert runner.invoke(app, ["candidates", "list"]).output.count(cid) == 0
    missing = runner.invoke(app, ["candidates", "remove", cid])
    assert missing.exit_code == 1
    assert "no candidate" in missing.output


def test_a_bad_profile_is_refused_with_the_field_named(env: Path) -> None:
    bad = env / "bad.yaml"
    bad.write_text("name: Bo\nyears_experience: five\n", encoding="utf-8")
    result = runner.invoke(app, ["candidates", "add", str(bad)])
    assert result.exit_code == 2
    assert "years_experience" in result.output
    assert not (env / "wh" / "tpm.duckdb").exists()  # nothing was written


def test_serve_without_a_server_says_how_to_start_one(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("TPM_MATCH_PREFECT_API_URL", raising=False)
    # the session's test server (flow tests run earlier) must not count as a configured one
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        result = runner.invoke(app, ["serve"], terminal_width=200)
    assert result.exit_code == 2
    assert "prefect server start" in result.output


@pytest.mark.usefixtures("wide_console")
def test_a_name_with_rich_markup_is_stored_and_shown_as_written(env: Path, repo_root: Path) -> None:
    name = "[/] Bo [bold red]Loud[/bold red] \\[x]"
    text = (repo_root / "examples" / "profile.yaml").read_text(encoding="utf-8")
    profile = env / "markup.yaml"
    profile.write_text(
        text.replace("name: Ada Example", f"name: '{name}'").replace(
            "Underwater basket weaving", "'[/]weaving'"
        ),
        encoding="utf-8",
    )
    added = runner.invoke(app, ["candidates", "add", str(profile)])
    assert added.exit_code == 0, added.output
    assert f"registered {name} as" in added.output and "[/]weaving" in added.output
    listed = runner.invoke(app, ["candidates", "list"])
    assert listed.exit_code == 0, listed.output
    assert name in listed.output
