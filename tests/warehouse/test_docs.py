"""docs/recruiters.md documents every table and view column, and nothing that is not there."""

from __future__ import annotations

import re
from pathlib import Path

from warehouse import Warehouse
from warehouse.sqlfiles import statement

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


def test_every_example_query_in_the_doc_runs(repo_root: Path, tmp_path: Path):
    text = (repo_root / "docs" / "recruiters.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", text, flags=re.DOTALL)
    statements = [s.strip() for block in blocks for s in block.split(";") if s.strip()]
    assert len(statements) >= 8
    wh = Warehouse(tmp_path / "tpm.duckdb")
    with wh.staging("docs") as st:
        st.publish()
    with wh.reader() as rd:
        for sql in statements:
            rd.con.execute(sql).fetchall()  # raises on a broken example
