"""`tpm-match taxonomy check|export` through the real CLI."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()


def test_check_prints_counts_per_kind(taxonomy_path, taxonomy):
    result = runner.invoke(app, ["taxonomy", "check", str(taxonomy_path)])
    assert result.exit_code == 0, result.output
    for kind in ("skill", "method", "tool", "credential", "degree", "domain", "level"):
        assert kind in result.output
    assert f"broader relations: {taxonomy.broader_count}" in result.output


def test_export_prints_one_json_array_with_the_contract_keys(taxonomy_path, taxonomy):
    result = runner.invoke(app, ["taxonomy", "export", str(taxonomy_path)])
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert len(records) == len(taxonomy.concepts)
    keys = {"id", "name", "kind", "category", "aliases", "source", "broader"}
    assert all(set(r) == keys for r in records)
    scrum = next(r for r in records if r["id"] == "method.scrum")
    assert scrum["broader"] == ["method.agile"]


def test_check_of_a_broken_file_exits_non_zero_with_the_entry(tmp_path):
    broken = tmp_path / "t.yaml"
    broken.write_text("version: 1\narticles: []\nrole_titles: []\nconcepts:\n  - id: tool.x\n")
    result = runner.invoke(app, ["taxonomy", "check", str(broken)])
    assert result.exit_code == 2
    assert "tool.x" in result.output and "'name'" in result.output


def test_settings_come_from_env_and_config_file(tmp_path, monkeypatch):
    from flows.settings import load_settings

    config = tmp_path / "tpm.yaml"
    config.write_text("top_k: 7\nwarehouse_path: /tmp/x.duckdb\n")
    settings = load_settings(config_file=config)
    assert settings.top_k == 7
    monkeypatch.setenv("TPM_MATCH_TOP_K", "9")
    assert load_settings(config_file=config).top_k == 9
    assert load_settings(config_file=config, top_k=3).top_k == 3
