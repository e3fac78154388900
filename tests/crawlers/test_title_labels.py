"""The title filter's precision and recall on real titles labelled by hand.

`tests/data/title_labels.jsonl`: every distinct title of the remote-jobs corpus
(`../shared/data/remotewlb-remote-jobs/remote-jobs_jobs-tree.tar.gz`) that contains
program, project, delivery, scrum or TPM, labelled TPM-family or not before the filter
was tuned (rule and first-sight figures in tests/data/labelled/README.md). Each label
names the posting's file in the tarball; the test checks that the title is still there.
"""

from __future__ import annotations

import json
import re
import tarfile
from pathlib import Path

import pytest

from crawlers.titles import TitleMatcher
from matcher.taxonomy import Taxonomy

LABELS = Path(__file__).resolve().parents[1] / "data" / "title_labels.jsonl"
TARGET = 0.95
_TITLE_RE = re.compile(r"#\s*\[(?P<title>.*)\]\(")


@pytest.fixture(scope="module")
def labels() -> list[dict]:
    return [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line]


def corpus_titles(tarball: Path, files: set[str]) -> dict[str, str]:
    """The title line of each of `files` in the tarball."""
    found: dict[str, str] = {}
    with tarfile.open(tarball) as tar:
        for member in tar:
            if member.name in files and (handle := tar.extractfile(member)) is not None:
                first = handle.readline().decode("utf-8")
                match = _TITLE_RE.match(first)
                found[member.name] = match["title"].strip() if match else first
    return found


def test_labels_point_at_real_titles(labels: list[dict], shared_data: Path) -> None:
    tarball = shared_data / "remotewlb-remote-jobs" / "remote-jobs_jobs-tree.tar.gz"
    assert tarball.is_file(), f"{tarball} is missing (see ../shared/data/README.md)"
    titles = corpus_titles(tarball, {row["file"] for row in labels})
    assert len(labels) == len({row["title"] for row in labels}) == 50
    for row in labels:
        assert titles.get(row["file"]) == row["title"], row
        assert re.search(r"program|project|delivery|scrum|tpm", row["title"], re.I)


def test_title_filter_precision_and_recall(labels: list[dict], taxonomy: Taxonomy) -> None:
    matcher = TitleMatcher.build(taxonomy.role_titles, rules=taxonomy.title_rules)
    kept = {row["title"] for row in labels if matcher.match(row["title"]) is not None}
    tpm = {row["title"] for row in labels if row["tpm"]}
    true_pos = len(kept & tpm)
    precision = true_pos / len(kept) if kept else 0.0
    recall = true_pos / len(tpm)
    print(
        f"\ntitle filter on {len(labels)} real titles ({len(tpm)} TPM-family): "
        f"precision {precision:.3f}, recall {recall:.3f}; "
        f"false positives {sorted(kept - tpm)}, missed {sorted(tpm - kept)}"
    )
    assert precision >= TARGET and recall >= TARGET
