"""The demo board server: routes, Lever paging, 404s, data-driven root."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from crawlers.demo_board import DemoBoard
from crawlers.sources import load_sources
from crawlers.spiders import registry


def get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.read(), resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as err:
        return err.code, err.read(), err.headers.get("Content-Type", "")


@pytest.fixture
def board_root(tmp_path: Path) -> Path:
    root = tmp_path / "boards"
    (root / "greenhouse").mkdir(parents=True)
    (root / "lever").mkdir()
    (root / "ashby").mkdir()
    (root / "jsonld" / "site").mkdir(parents=True)
    (root / "greenhouse" / "acme.json").write_text('{"jobs": [], "meta": {"total": 0}}')
    postings = [{"id": str(i), "text": f"TPM {i}"} for i in range(7)]
    (root / "lever" / "acme.json").write_text(json.dumps(postings))
    (root / "lever" / "broken.json").write_text("[{oops")
    (root / "ashby" / "acme.json").write_text('{"jobs": []}')
    (root / "jsonld" / "site" / "sitemap.xml").write_text(
        "<loc>{base_url}/jsonld/site/a.html</loc>"
    )
    (root / "secret.txt").write_text("not served")
    return root


def test_routes_and_paging(board_root: Path) -> None:
    with DemoBoard(board_root) as board:
        base = board.base_url
        assert get(f"{base}/robots.txt")[:2] == (200, b"User-agent: *\nAllow: /\n")
        status, body, ctype = get(f"{base}/v1/boards/acme/jobs?content=true")
        assert status == 200 and json.loads(body)["jobs"] == [] and ctype == "application/json"
        page = json.loads(get(f"{base}/v0/postings/acme?mode=json&skip=5&limit=5")[1])
        assert [p["id"] for p in page] == ["5", "6"]
        assert len(json.loads(get(f"{base}/v0/postings/acme?mode=json")[1])) == 7
        assert json.loads(get(f"{base}/v0/postings/acme?skip=50&limit=5")[1]) == []
        assert get(f"{base}/v0/postings/broken?skip=0&limit=5")[1] == b"[{oops"  # as is
        assert get(f"{base}/posting-api/job-board/acme")[0] == 200
        sitemap = get(f"{base}/jsonld/site/sitemap.xml")[1].decode()
        assert sitemap == f"<loc>{base}/jsonld/site/a.html</loc>"
        for missing in (
            "/v1/boards/nope/jobs",
            "/v0/postings/nope",
            "/posting-api/job-board/a/b",
            "/jsonld/site/missing.html",
            "/jsonld/../secret.txt",
            "/jsonld/%2e%2e/secret.txt",
            "/anything",
        ):
            assert get(base + missing)[0] == 404, missing
        # data-driven: a board added while serving is served
        (board_root / "ashby" / "new.json").write_text('{"jobs": [1]}')
        assert json.loads(get(f"{base}/posting-api/job-board/new")[1]) == {"jobs": [1]}
        assert board.hits >= 10


def test_a_paged_board_edited_while_serving_is_served_fresh(board_root: Path) -> None:
    file = board_root / "lever" / "acme.json"
    with DemoBoard(board_root) as board:
        url = f"{board.base_url}/v0/postings/acme?mode=json&skip=0&limit=3"
        assert [p["text"] for p in json.loads(get(url)[1])] == ["TPM 0", "TPM 1", "TPM 2"]
        file.write_text(json.dumps([{"id": "0", "text": "edited tonight"}]))
        assert [p["text"] for p in json.loads(get(url)[1])] == ["edited tonight"]
        file.write_text("not json any more")
        assert get(url)[1] == b"not json any more"


def test_sources_point_at_the_server(board_root: Path, tmp_path: Path) -> None:
    (board_root / "robots.txt").write_text("User-agent: *\nDisallow: /v0/\n")
    with DemoBoard(board_root) as board:
        keys = [s.key for s in board.sources()]
        assert keys == [
            "ashby:acme",
            "greenhouse:acme",
            "jsonld:127.0.0.1",
            "lever:acme",
            "lever:broken",
        ]
        by_key = {s.key: s for s in board.sources()}
        jsonld = by_key.pop("jsonld:127.0.0.1")
        assert all(s.api_base == board.base_url for s in by_key.values())
        assert jsonld.urls == [f"{board.base_url}/jsonld/site/sitemap.xml"]
        path = board.write_sources_yaml(tmp_path / "sources.yaml")
        assert load_sources(path) == board.sources()
        assert b"Disallow: /v0/" in get(f"{board.base_url}/robots.txt")[1]


def test_bundled_demo_board_lists_every_registered_spider(tmp_path: Path) -> None:
    """A new ATS is one spider module plus demo data: each one shows up everywhere."""
    with DemoBoard() as board:
        sources = board.sources()
        path = board.write_sources_yaml(tmp_path / "sources.yaml")
    assert (
        {s.type for s in sources}
        == set(registry())
        == {
            "greenhouse",
            "lever",
            "ashby",
            "jsonld",
            "recruitee",
            "personio",
            "smartrecruiters",
            "workable",
            "workday",
        }
    )
    assert load_sources(path) == sources  # every registered type is valid in sources.yaml
    for kind, spider in registry().items():
        source = next(s for s in sources if s.type == kind)
        assert spider.name == kind and set(spider.board_args()) <= set(source.spider_args())
    with pytest.raises(FileNotFoundError):
        DemoBoard(Path("/nonexistent/boards"))
