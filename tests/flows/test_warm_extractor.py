"""The extractor warmed in the background is the one the extraction batches of this process use."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from flows.tasks import Opaque, build_extractor, extract_batch_task, warm_extractor
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
        with_warm = extract_batch_task.fn(
            Opaque(taxonomy), Opaque(postings), 8, 1, tmp_path / "nlp"
        )
        again = warm_extractor(pool, taxonomy, None)  # built once per process and taxonomy
        assert again.result() is warmed.result()
    cold = build_extractor(taxonomy, tmp_path / "nlp")
    assert with_warm == [cold.extract(p.id, p.description_text, p.title) for p in postings]
    assert "credential.pmp" in {r.id for r in with_warm[0].requirements}
    assert extract_batch_task.fn(Opaque(taxonomy), Opaque([]), 8, 1, tmp_path / "nlp") == []
