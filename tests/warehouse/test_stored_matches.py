"""Stored matches keep the digests of their inputs, and are read back for reuse."""

from __future__ import annotations

from dataclasses import replace

from matcher.models import Match
from matcher.scoring.topk import StoredMatch
from tests.warehouse.conftest import DAY1, make_posting
from warehouse import Warehouse


def test_matches_are_stored_and_read_back_with_their_input_digests(wh: Warehouse) -> None:
    postings = [make_posting("lever:acme", i) for i in range(2)]
    matches = [
        Match("ann", postings[0].id, 80.0, {"required": 80.0}, ["tool.jira"], [], ["x"]),
        Match("bob", postings[1].id, 40.0, {"required": 40.0}, [], ["tool.jira"], []),
    ]
    with wh.staging("r1") as st:
        st.load_postings(postings, crawled_ok={}, seen_at=DAY1)
        st.replace_matches(
            matches, "r1", context_hash="ctx", profile_hashes={"ann": "pa", "bob": "pb"}
        )
        st.publish()
    with wh.reader() as rd:
        got = rd.stored_matches("ctx")
        assert rd.stored_matches("another context") == []
        assert rd.stored_matches("ctx", "bob") == [got[1]]
    assert got == [
        StoredMatch(replace(m, rank=1), p.content_hash, h, "ctx")
        for m, p, h in zip(matches, postings, ("pa", "pb"), strict=True)
    ]
