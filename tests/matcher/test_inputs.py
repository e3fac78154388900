"""Hostile profiles and résumés: bounded reading, clear errors that name the file, no echo."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from matcher.profile import (
    MAX_LIST,
    MAX_PROFILE_BYTES,
    MAX_RESUME_TEXT_BYTES,
    MAX_TEXT,
    ProfileError,
    load_profile,
    parse_profile,
    read_resume,
)
from tests.matcher.resume_fixtures import make_pdf, text_pdf

GOOD = "name: Ada\nskills: [Jira, Kanban]\n"

#: About 300 bytes of YAML that expand to a billion strings when aliases are followed.
ALIAS_BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "name: [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
)


def _load_error(tmp_path: Path, content: bytes | str, name: str = "p.yaml") -> str:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    return str(err.value)


def test_yaml_aliases_are_refused_before_they_expand(tmp_path: Path) -> None:
    message = _load_error(tmp_path, ALIAS_BOMB)
    assert "p.yaml: not valid YAML: anchors and aliases" in message and "line 1" in message
    assert load_profile(_write(tmp_path, GOOD)).skills == ["Jira", "Kanban"]  # plain YAML reads


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "good.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_deep_nesting_big_files_and_bad_utf8_are_clear_errors(tmp_path: Path) -> None:
    assert "nested too deeply" in _load_error(tmp_path, "name: " + "[" * 100_000)
    big = _load_error(tmp_path, GOOD + "#" * MAX_PROFILE_BYTES)
    assert f"larger than {MAX_PROFILE_BYTES:,} bytes" in big
    bad = _load_error(tmp_path, b"name: Jos\xe9\n")
    assert "p.yaml: the profile is not UTF-8 text (byte 0xe9 at offset 9)" in bad
    assert load_profile(_write(tmp_path, "\ufeff" + GOOD)).name == "Ada"  # a BOM is fine


def test_sizes_are_limited_and_messages_never_echo_unbounded_input() -> None:
    huge = "x" * 100_000
    message = str(_parse_error({"name": huge}))
    assert f"field 'name': is too long (at most {MAX_TEXT} characters)" in message
    assert len(message) < 200
    many = {"name": "Ada", "skills": [f"skill {n}" for n in range(100_000)]}
    message = str(_parse_error(many))
    assert f"field 'skills': has too many entries (at most {MAX_LIST})" in message
    assert len(message) < 300
    bad_items = {"name": "Ada", "skills": [{"skill": huge, "years": -1}] * MAX_LIST}
    lines = str(_parse_error(bad_items)).splitlines()
    assert len(lines) == 21 and lines[-1].endswith("more problems")
    assert all(len(line) < 250 for line in lines)
    ok = parse_profile({"name": "Ada", "skills": ["s"] * MAX_LIST, "location": "y" * MAX_TEXT})
    assert len(ok.skills) == MAX_LIST


def _parse_error(raw: object) -> ProfileError:
    with pytest.raises(ProfileError) as err:
        parse_profile(raw, origin="p.yaml")
    return err.value


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"name": "A", "desired_salary": 1}, "field 'desired_salary': is not a profile field; "),
        ({"name": "A", "desired_salary": 1}, "did you mean 'salary'?"),
        ({"name": "A", "skils": []}, "did you mean 'skills'?"),
        ({"name": "A", "salary": {"min": 1, "curency": "EUR"}}, "did you mean 'currency'?"),
        ({"name": "A", "skills": [{"skill": "Jira", "yaers": 2}]}, "did you mean 'years'?"),
        ({"name": "A", "x" * 5000: 1}, "remove it or fix its spelling"),
    ],
)
def test_an_unknown_key_names_the_nearest_valid_one(raw: object, expected: str) -> None:
    message = str(_parse_error(raw))
    assert expected in message and len(message) < 250


def test_resume_errors_name_the_file(tmp_path: Path) -> None:
    good = text_pdf("Jira and Kanban for 7 years")
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(good)))
    writer.encrypt("secret")
    locked = io.BytesIO()
    writer.write(locked)
    cases = {
        "random.pdf": (os.urandom(4000), "not a readable PDF"),
        "cut.pdf": (good[: len(good) // 2], "not a readable PDF"),
        "locked.pdf": (locked.getvalue(), "the PDF is password-protected"),
        "bomb.pdf": (
            make_pdf([(72, 720, "Jira")], padding=100_000_000),
            "the PDF is too large to read (Limit reached",
        ),
        "latin1.txt": (b"caf\xe9 Jira", "the résumé is not UTF-8 text (byte 0xe9 at offset 3)"),
        "huge.md": (b"Jira\n" * (MAX_RESUME_TEXT_BYTES // 5 + 1), "larger than 1,000,000 bytes"),
    }
    for name, (data, expected) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ProfileError) as err:
            read_resume(path)
        assert str(path) in str(err.value) and expected in str(err.value), name
    (tmp_path / "ok.pdf").write_bytes(good)
    assert "Kanban" in read_resume(tmp_path / "ok.pdf")


def test_notification_urls_have_their_own_length_limit_and_are_never_echoed() -> None:
    from matcher.profile import MAX_URL

    url = "json://hooks.example.test/" + "t" * 500
    ok = parse_profile({"name": "Ada", "alerts": {"notify": [url]}})
    assert ok.alerts is not None and ok.alerts.notify == [url]
    message = str(_parse_error({"name": "Ada", "alerts": {"notify": [url + "t" * MAX_URL]}}))
    assert f"is too long (at most {MAX_URL} characters)" in message
    assert "hooks.example.test" not in message  # a URL may hold a token
