"""The extractor warmed in the background extracts exactly what a freshly built one does."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from flows.tasks import extract_task, warm_extractor
from matcher.models import Posting
from matcher.taxonomy import Taxonomy


def _posting(n: int, text: str) -> Posting:
    return Posting(
        id=f"lever:acme:{n}",
        source="lever",
        company="Acme",
        title="Technical Program Manager",
        url=f"u{n}",
        description_text=text,
    )


def test_a_warmed_extractor_gives_the_same_extractions(taxonomy: Taxonomy, tmp_path: Path) -> None:
    postings = [
        _posting(1, "Requirements:\n- 5+ years of program management\n- PMP required"),
        _posting(2, "Nice to have: experience with Jira and Confluence. Agile teams."),
    ]
    with ThreadPoolExecutor(max_workers=1) as pool:
        warmed = warm_extractor(pool, taxonomy, tmp_path / "nlp")
        with_warm = extract_task.fn(taxonomy, postings, 8, 1, tmp_path / "nlp", warmed)
    cold = extract_task.fn(taxonomy, postings, 8, 1, tmp_path / "nlp")
    assert with_warm == cold
    assert "credential.pmp" in {r.id for r in cold[0].requirements}
    assert extract_task.fn(taxonomy, [], 8, 1, tmp_path / "nlp", warmed) == []
