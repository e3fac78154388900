"""DuckDB 1.4 (the oldest the docs promise) opens the published warehouse and runs its SQL.

DuckDB 1.4 is installed into a throwaway virtualenv kept in pytest's cache directory
(keyed by the version), so only the first run downloads it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.warehouse.conftest import SAMPLE_PARAMS
from warehouse import Warehouse
from warehouse.sqlfiles import saved_queries, views

pytestmark = pytest.mark.slow

OLD_DUCKDB = "1.4"

#: Runs in the old interpreter: open the file read-only, run each job, print the results.
RUN_JOBS = """
import json, sys
import duckdb

path, jobs = sys.argv[1], json.load(sys.stdin)
con = duckdb.connect(path, read_only=True)
out = {"version": duckdb.__version__, "results": {}}
for name, sql, params in jobs:
    try:
        rows = con.execute(sql, params).fetchall()
        out["results"][name] = json.loads(json.dumps(rows, default=str))
    except Exception as exc:
        out["results"][name] = {"error": f"{type(exc).__name__}: {exc}"}
print(json.dumps(out))
"""


def _make_venv(target: Path) -> None:
    uv = Path(sys.executable).parent / "uv"
    spec = f"duckdb=={OLD_DUCKDB}.*"
    if uv.is_file():
        subprocess.run([str(uv), "venv", "-q", "--python", sys.executable, str(target)], check=True)
        install = [str(uv), "pip", "install", "-q", "--python", str(target / "bin" / "python")]
    else:
        subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
        install = [str(target / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*install, spec], check=True, timeout=300)


@pytest.fixture(scope="module")
def old_python(request: pytest.FixtureRequest) -> Path:
    """The python of a virtualenv with DuckDB 1.4.x (made once, then reused)."""
    venv = request.config.cache.mkdir(f"duckdb-{OLD_DUCKDB}-venv")
    python = venv / "bin" / "python"
    check = [str(python), "-c", "import duckdb; print(duckdb.__version__)"]
    if not python.is_file() or subprocess.run(check, capture_output=True).returncode != 0:
        shutil.rmtree(venv)
        _make_venv(venv)
    version = subprocess.run(check, capture_output=True, text=True, check=True).stdout.strip()
    assert version.startswith(OLD_DUCKDB + "."), version
    return python


def _jobs() -> list[tuple[str, str, dict[str, str]]]:
    """Every view (all its rows) and every saved query (with sample parameters)."""
    jobs = [(f"view {name}", f"SELECT * FROM {name} ORDER BY ALL", {}) for name, _ in views()]
    for name, query in sorted(saved_queries().items()):
        jobs.append((f"query {name}", query.sql, {k: SAMPLE_PARAMS[k] for k in query.params}))
    return jobs


def _run(python: Path, wh: Warehouse) -> dict:
    done = subprocess.run(
        [str(python), "-c", RUN_JOBS, str(wh.path)],
        input=json.dumps(_jobs()),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_duckdb_1_4_runs_every_view_and_saved_query(old_python, demo_wh):
    old = _run(old_python, demo_wh)
    assert old["version"].startswith(OLD_DUCKDB + ".")
    errors = {k: v["error"] for k, v in old["results"].items() if isinstance(v, dict)}
    assert not errors, errors
    # the same rows as this interpreter's DuckDB gives, and every job returns some
    current = _run(Path(sys.executable), demo_wh)
    assert old["results"] == current["results"]
    assert all(old["results"].values()), [k for k, v in old["results"].items() if not v]
