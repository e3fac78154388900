"""docs/recruiters.md documents every table and view column, and its examples all run."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from flows.commands.sql import duckdb_cli
from tests.warehouse.conftest import publish_demo_style
from warehouse import Warehouse
from warehouse.sqlfiles import statement

#: How each shell line of the doc starts, and the program it runs.
_PROGRAMS = {".venv/bin/duckdb": "duckdb", "tpm-match": "tpm-match"}

_HEADING = re.compile(r"^#{2,4} `(\w+)` \((table|view)\)\s*$")
_ROW = re.compile(r"^\| `(\w+)` \| ([A-Z\[\]]+) \|")


def documented(doc: Path) -> dict[str, list[tuple[str, str]]]:
    """object name -> [(column, type)] from the doc's headings and column tables."""
    objects: dict[str, list[tuple[str, str]]] = {}
    current: str | None = None
    for line in doc.read_text(encoding="utf-8").splitlines():
        heading = _HEADING.match(line)
        if heading:
            current = heading.group(1)
            assert current not in objects, f"{doc}: `{current}` is documented twice"
            objects[current] = []
        elif line.startswith("#"):
            current = None
        elif current and (row := _ROW.match(line)):
            objects[current].append((row.group(1), row.group(2)))
    return objects


def test_documented_columns_match_the_schema(repo_root: Path, tmp_path: Path):
    wh = Warehouse(tmp_path / "tpm.duckdb")
    with wh.staging("docs") as st:
        st.publish()
    actual: dict[str, list[tuple[str, str]]] = {}
    with wh.reader() as rd:
        for table, _kind, column, dtype in rd.con.execute(statement("relation_columns")).fetchall():
            actual.setdefault(table, []).append((column, dtype))
    docs = documented(repo_root / "docs" / "recruiters.md")
    assert sorted(docs) == sorted(actual), "tables/views documented vs in the schema differ"
    for name, columns in actual.items():
        missing = sorted(set(columns) - set(docs[name]))
        extra = sorted(set(docs[name]) - set(columns))
        assert not missing, f"{name}: columns in the schema but not in the doc: {missing}"
        assert not extra, f"{name}: columns in the doc but not in the schema: {extra}"


def _blocks(doc: Path, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", doc.read_text(encoding="utf-8"), re.DOTALL)


def test_every_example_query_in_the_doc_runs(repo_root: Path, demo_wh: Warehouse):
    blocks = _blocks(repo_root / "docs" / "recruiters.md", "sql")
    statements = [s.strip() for block in blocks for s in block.split(";") if s.strip()]
    assert len(statements) >= 8
    with demo_wh.reader() as rd:
        for sql in statements:
            rd.con.execute(sql).fetchall()  # raises on a broken example


def _program(name: str) -> str:
    if name == "tpm-match":
        return str(Path(sys.executable).parent / "tpm-match")
    cli = duckdb_cli()
    if cli is None:
        pytest.fail("no DuckDB command-line program: run `make install`")
    return str(cli)


@pytest.mark.slow
def test_every_shell_command_in_the_doc_runs(repo_root: Path, tmp_path: Path, taxonomy):
    """Each `sh` line runs in a folder whose `warehouse/tpm.duckdb` is a demo-style warehouse.

    An interactive line (no statement) gets one statement on stdin, as a user would type.
    """
    publish_demo_style(Warehouse(tmp_path / "warehouse" / "tpm.duckdb"), taxonomy)
    lines = [
        line
        for block in _blocks(repo_root / "docs" / "recruiters.md", "sh")
        for line in block.splitlines()
        if line.strip()
    ]
    ran: list[str] = []
    env = {k: v for k, v in os.environ.items() if not k.startswith("TPM_MATCH_")}
    for line in lines:
        argv = shlex.split(line, comments=True)
        assert argv[0] in _PROGRAMS, f"docs/recruiters.md: no way to test the line {line!r}"
        result = subprocess.run(
            [_program(_PROGRAMS[argv[0]]), *argv[1:]],
            input="SELECT count(*) AS n FROM v_open_postings;\n",
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=120,
        )
        assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
        assert result.stdout.strip(), f"{line}: printed nothing"
        ran.append(argv[0] if argv[:2] != ["tpm-match", "sql"] else "tpm-match sql")
    assert {".venv/bin/duckdb", "tpm-match sql", "tpm-match"} <= set(ran)
    assert (tmp_path / "exports" / "postings.parquet").is_file()
