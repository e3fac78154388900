"""open_postings(with_text=False): the same rows and extractions, without the descriptions."""

from __future__ import annotations

import dataclasses

from matcher.models import Extraction, Requirement
from tests.warehouse.conftest import DAY1, make_posting
from warehouse import Warehouse


def test_same_postings_and_extractions_with_an_empty_text(wh: Warehouse, taxonomy) -> None:
    postings = [make_posting("lever:acme", i) for i in range(3)]
    exts = [
        Extraction(p.id, [Requirement("tool.jira", "Jira", "tool", True, "Jira", 0, 4)], 3.0)
        for p in postings
    ]
    with wh.staging("r1") as st:
        st.load_concepts(taxonomy)
        st.load_postings(postings, crawled_ok={"lever:acme": True}, seen_at=DAY1)
        assert st.load_extractions(exts) == 3
        st.publish()
    with wh.reader() as rd:
        full = rd.open_postings()
        light = rd.open_postings(with_text=False)
    assert [e for _, e in light] == [e for _, e in full] == exts
    assert all(p.description_text for p, _ in full)
    assert all(p.description_text == "" for p, _ in light)
    assert [dataclasses.replace(p, description_text="") for p, _ in full] == [p for p, _ in light]
