"""score_task's explanation memo: a corrupt or foreign memo file is ignored, never trusted."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.tasks import load_memo, score_task
from matcher.scoring_config import ScoringConfig, load_scoring_config
from matcher.scoring_matrix import score_all
from matcher.taxonomy import Taxonomy
from tests.matcher.scoring_fixtures import random_sample

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def config() -> ScoringConfig:
    return load_scoring_config(ROOT / "scoring.yaml")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\x01binary garbage\xff",
        b'{"context": "ctx", "matches": {"k": [1, 2]',  # torn write
        b'{"context": "ctx", "matches": [["c", "p", 1.0]]}',  # not a mapping
        b'{"context": "ctx", "matches": {"k": "not a row"}}',
        b'{"context": "ctx", "matches": {"k": "7 chars"}}',  # 7 items, none of the right type
        b'{"context": "ctx", "matches": {"k": ["c", "p", "1.0", {}, [], [], []]}}',
        b'{"context": "ctx", "matches": {"k": ["c", "p", 1.0, {}, [], [], [], 1, 2]}}',
        b'["context", "ctx"]',
    ],
)
def test_an_unreadable_memo_is_empty(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "memo.json"
    path.write_bytes(content)
    memo = load_memo(path, "ctx")
    assert memo is not None and memo.previous == {}


def test_score_task_ignores_a_corrupt_memo_and_stores_a_good_one(
    tmp_path: Path, taxonomy: Taxonomy, config: ScoringConfig
) -> None:
    cands, postings = random_sample(taxonomy, n_postings=40, n_candidates=3, seed=21)
    plain = score_all(cands, postings, config, 4, taxonomy=taxonomy)
    path = tmp_path / "score" / "explanations.json"
    path.parent.mkdir()
    path.write_bytes(b'{"context": "\xff')
    assert score_task.fn(cands, postings, config, taxonomy, 4, path) == plain
    warm = score_task.fn(cands, postings, config, taxonomy, 4, path)  # served from the memo
    assert warm == plain
    from matcher.scoring_memo import memo_context

    reloaded = load_memo(path, memo_context(taxonomy, config))
    assert reloaded is not None and len(reloaded.previous) == len(plain)
