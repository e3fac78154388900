"""sources.yaml: validation names the entry and the field; keys are stable."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.sources import Source, SourceError, dump_sources, load_sources, parse_sources


def test_keys_and_spider_args() -> None:
    sources = parse_sources(
        {
            "sources": [
                {"type": "greenhouse", "board": "stripe"},
                {"type": "lever", "company": "acme", "api_base": "https://api.eu.lever.co/"},
                {"type": "ashby", "board": "openai", "name": "OpenAI"},
                {"type": "jsonld", "urls": ["https://careers.example.com/sitemap.xml"]},
            ]
        }
    )
    assert [s.key for s in sources] == [
        "greenhouse:stripe",
        "lever:acme",
        "ashby:openai",
        "jsonld:careers.example.com",
    ]
    assert sources[1].spider_args() == {"company": "acme", "api_base": "https://api.eu.lever.co"}
    assert sources[2].spider_args() == {"board": "openai", "company_name": "OpenAI"}
    assert sources[3].spider_args() == {"urls": "https://careers.example.com/sitemap.xml"}


def test_multi_field_boards_and_host_named_boards() -> None:
    workday, workable, personio = parse_sources(
        [
            {"type": "workday", "tenant": "acme", "site": "External", "host": "acme.wd1.x.com"},
            {"type": "workable", "account": "acme"},
            {"type": "personio", "company": "acme", "api_base": "http://127.0.0.1:9/personio/acme"},
        ]
    )
    assert workday.key == "workday:acme/External"
    assert workday.spider_args() == {"tenant": "acme", "site": "External", "host": "acme.wd1.x.com"}
    assert workable.key == "workable:acme" and workable.spider_args() == {"account": "acme"}
    assert personio.is_local and personio.key == "personio:acme"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"type": "lever", "board": "acme"},
            "entry 1 (lever: acme): a lever source needs 'company'",
        ),
        ({"type": "taleo", "board": "x"}, "field 'type': unknown source type 'taleo'"),
        (
            {"type": "workday", "tenant": "acme", "host": "acme.wd1.myworkdayjobs.com"},
            "entry 1 (workday: acme): a workday source needs 'site'",
        ),
        (
            {"type": "workday", "tenant": "a", "site": "S", "host": "https://a.wd1.x.com"},
            "field 'host': 'https://a.wd1.x.com' must be a host name",
        ),
        (
            {"type": "workable", "account": "acme", "board": "acme"},
            "a workable source takes 'account' (not 'board')",
        ),
        ({"type": "recruitee", "board": "acme"}, "a recruitee source needs 'company'"),
        ({"type": "greenhouse", "board": "a:b"}, "field 'board': 'a:b' must be a non-empty"),
        ({"type": "jsonld", "urls": ["ftp://x"]}, "field 'urls': 'ftp://x' is not an http(s) URL"),
        ({"type": "jsonld"}, "a jsonld source needs 'urls'"),
        ({"type": "ashby", "board": "x", "api_base": "api.ashbyhq.com"}, "must be an http(s) URL"),
        ({"type": "ashby", "board": "x", "extra": 1}, "field 'extra': Extra inputs"),
        ("greenhouse:stripe", "entry 1: expected a mapping"),
    ],
)
def test_errors_name_entry_and_field(entry: object, message: str) -> None:
    with pytest.raises(SourceError) as err:
        parse_sources({"sources": [entry]}, origin="my.yaml")
    assert f"my.yaml: {message}" in str(err.value) or message in str(err.value)
    assert str(err.value).startswith("my.yaml: ")


def test_duplicates_and_shape(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="'greenhouse:a' is listed twice"):
        parse_sources([{"type": "greenhouse", "board": "a"}] * 2)
    with pytest.raises(SourceError, match="top-level 'sources:' list"):
        parse_sources({"boards": []})
    bad = tmp_path / "s.yaml"
    bad.write_text("sources: [\n")
    with pytest.raises(SourceError, match=r"s\.yaml: not valid YAML"):
        load_sources(bad)
    with pytest.raises(SourceError, match="cannot read"):
        load_sources(tmp_path / "missing.yaml")


def test_round_trip(tmp_path: Path) -> None:
    sources = [
        Source(type="lever", company="acme", name="Acme"),
        Source(type="jsonld", urls=["https://a.example/c"]),
    ]
    path = tmp_path / "s.yaml"
    path.write_text(dump_sources(sources))
    assert load_sources(path) == sources


def test_repository_sources_file_is_valid(repo_root: Path) -> None:
    sources = load_sources(repo_root / "sources.yaml")
    kinds = {s.type for s in sources}
    assert {"greenhouse", "lever", "ashby"} <= kinds and len(sources) >= 20


def test_jsonld_key_has_no_extra_colon() -> None:
    source = Source(type="jsonld", urls=["http://[::1]:8080/careers"])
    assert source.key == "jsonld:--1" and source.key.count(":") == 1
