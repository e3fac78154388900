"""Reading a crawl's JSON Lines: good lines are kept, each bad one is named by file:line."""

from __future__ import annotations

import json
from pathlib import Path

from flows.tasks import read_postings
from matcher.models import Posting
from matcher.wire import load


def _line(n: int) -> bytes:
    posting = Posting(
        id=f"lever:acme:{n}",
        source="lever",
        company="Acme",
        title="Technical Program Manager",
        url=f"https://jobs.lever.co/acme/{n}",
        description_text="Run the program. Zürich office.",
    )
    return json.dumps(posting.to_dict(), ensure_ascii=False).encode("utf-8") + b"\n"


def test_bad_lines_are_reported_and_the_good_ones_kept(tmp_path: Path) -> None:
    path = tmp_path / "crawl.jsonl"
    path.write_bytes(
        _line(1)
        + b"\n"  # a blank line is not an error
        + b'{"id": "lever:acme:2", "title": "torn\n'  # a crawl killed mid-write
        + b'{"id": "x"}\n'  # JSON, but not a posting
        + b'{"id": "lever:acme:3", "title": "caf\xe9"}\n'  # not UTF-8
        + _line(4)
    )
    read = read_postings(path)
    assert [p.id for p in read.postings] == ["lever:acme:1", "lever:acme:4"]
    assert read.postings[0].description_text == "Run the program. Zürich office."
    assert read.postings[0].content_hash == load(Posting, json.loads(_line(1))).content_hash
    assert [e.split(": ", 1)[0] for e in read.errors] == [f"{path}:{n}" for n in (3, 4, 5)]
    assert all("not a posting" in e for e in read.errors)


def test_a_missing_file_reads_as_nothing(tmp_path: Path) -> None:
    read = read_postings(tmp_path / "never-written.jsonl")
    assert read.postings == [] and read.errors == []
