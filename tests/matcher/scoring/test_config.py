"""`scoring.yaml` validation: numbers finite and not booleans, period factors above 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.scoring.config import ScoringConfigError, load_scoring_config


def _edited(repo_root: Path, tmp_path: Path, old: str, new: str) -> Path:
    text = (repo_root / "scoring.yaml").read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "scoring.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "key", "reason"),
    [
        ("required: 45", "required: .inf", "components.required", "finite number"),
        ("salary: 6 ", "salary: -.inf ", "components.salary", "finite number"),
        ("tool: 0.8", "tool: .nan", "kind_weights.tool", "finite number"),
        ("exponent: 1.0", "exponent: .inf", "years.exponent", "finite number"),
        ("max_penalty: 30.0", "max_penalty: .inf", "credentials.max_penalty", "finite number"),
        ("threshold: 70", "threshold: .nan", "threshold", "finite number"),
        ("{year: 1,", "{year: 0,", "salary.period_factors.year", "greater than 0"),
        ("week: 52", "week: -52", "salary.period_factors.week", "greater than 0"),
        ("hour: 2080", "hour: .inf", "salary.period_factors.hour", "finite number"),
        ("required: 45", "required: true", "components.required", "valid number"),
        ("floor: 0.5", "floor: yes", "concept_years.floor", "valid number"),
        ("version: 1", "version: true", "version", "valid integer"),
        ("master: 3,", "master: true,", "degree.ranks.master", "valid integer"),
        ("exponent: 1.0", "exponent: '1.0'", "years.exponent", "valid number"),
    ],
)
def test_a_bad_number_is_refused_naming_the_file_and_key(
    repo_root: Path, tmp_path: Path, old: str, new: str, key: str, reason: str
) -> None:
    path = _edited(repo_root, tmp_path, old, new)
    with pytest.raises(ScoringConfigError) as err:
        load_scoring_config(path)
    message = str(err.value)
    assert f"{path}: key '{key}'" in message and reason in message, message


def test_period_factor_keys_must_be_lower_case(repo_root: Path, tmp_path: Path) -> None:
    path = _edited(repo_root, tmp_path, "{year: 1,", "{Year: 1,")
    with pytest.raises(ScoringConfigError, match=r"key 'salary'.*lower case.*'Year'"):
        load_scoring_config(path)


def test_the_shipped_config_is_valid_and_ints_are_numbers(repo_root: Path) -> None:
    config = load_scoring_config(repo_root / "scoring.yaml")
    assert config.components.required == 45.0  # written as an int in the YAML
    assert config.period_factor("month") == 12.0 and config.period_factor(None) == 1.0
