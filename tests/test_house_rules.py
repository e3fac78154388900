"""House rules that span every production package (see docs/CONTRIBUTING.md)."""

from __future__ import annotations

import re
from pathlib import Path

from matcher.taxonomy import Taxonomy

ROOT = Path(__file__).resolve().parents[1]
#: The packages shipped in the wheel (pyproject's `packages.find`).
PRODUCTION = ("crawlers", "matcher", "warehouse", "flows")


def production_modules() -> list[Path]:
    """Every Python module of the production packages, found by walking them."""
    return sorted(p for pkg in PRODUCTION for p in (ROOT / pkg).rglob("*.py"))


def test_no_concept_ids_in_production_code(taxonomy: Taxonomy) -> None:
    """The taxonomy is data: no concept id is written into Python (rule 2)."""
    modules = production_modules()
    assert len(modules) > 50  # the walk found the tree, not an empty folder
    ids = re.compile(r"\b(" + "|".join(re.escape(c.id) for c in taxonomy.concepts) + r")\b")
    found = {
        f"{path.relative_to(ROOT)}: {hit.group(1)}"
        for path in modules
        for hit in ids.finditer(path.read_text(encoding="utf-8"))
    }
    assert sorted(found) == []
