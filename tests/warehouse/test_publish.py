"""Publishing: a reader in another process is never blocked; a killed load changes nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO_ROOT
from tests.warehouse.conftest import DAY1, DAY2, make_posting
from warehouse import Warehouse, WarehouseError

pytestmark = pytest.mark.slow

READER = textwrap.dedent(
    """
    import sys, threading
    from pathlib import Path
    from warehouse import Warehouse

    wh = Warehouse(Path(sys.argv[1]))
    halt = threading.Event()
    stats = {"queries": 0, "errors": 0}

    def count(rd):
        return rd.query("open_postings_by_company", {"company": "Acme"})[1].__len__()

    def spin():  # a second reader that queries without pause until told to stop
        with wh.reader() as rd:
            while not halt.is_set():
                try:
                    count(rd)
                    stats["queries"] += 1
                except Exception as exc:
                    stats["errors"] += 1
                    print("error", repr(exc), file=sys.stderr, flush=True)

    spinner = threading.Thread(target=spin)
    with wh.reader() as rd:
        print("ready", count(rd), flush=True)
        for line in sys.stdin:
            command = line.strip()
            if command == "ping":
                print("pong", count(rd), flush=True)
            elif command == "spin":
                spinner.start()
                print("spinning", flush=True)
            elif command == "reopen":
                with wh.reader() as fresh:
                    print("fresh", count(fresh), flush=True)
            elif command == "stop":
                halt.set()
                spinner.join()
                break
    print("done", stats["queries"], stats["errors"], flush=True)
    """
)

KILLED_LOADER = textwrap.dedent(
    """
    import sys, time
    from datetime import datetime
    from pathlib import Path
    from matcher.models import Posting
    from warehouse import Warehouse

    wh = Warehouse(Path(sys.argv[1]))
    postings = [
        Posting(id=f"lever:acme:new{i}", source="lever", company="Acme", title="TPM",
                url=f"https://x.test/{i}", description_text="d")
        for i in range(500)
    ]
    with wh.staging("doomed") as st:
        st.load_postings(postings, crawled_ok={"lever:acme": True}, seen_at=datetime(2026, 11, 26))
        print("staged", flush=True)
        time.sleep(120)
        st.publish()
    """
)


def _child(script: str, path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", script, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
        env=env,
    )


def _say(proc: subprocess.Popen[str], command: str) -> list[str]:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(command + "\n")
    proc.stdin.flush()
    return proc.stdout.readline().split()


def _publish_first_version(wh: Warehouse, n: int) -> None:
    with wh.staging("v1") as st:
        st.load_postings(
            [make_posting("lever:acme", i) for i in range(n)],
            crawled_ok={"lever:acme": True},
            seen_at=DAY1,
        )
        st.publish()


def test_reader_in_another_process_works_during_load_and_publish(wh):
    _publish_first_version(wh, 3)
    reader = _child(READER, wh.path)
    try:
        assert reader.stdout is not None
        assert reader.stdout.readline().split() == ["ready", "3"], reader.stderr
        assert _say(reader, "spin") == ["spinning"]
        with wh.staging("v2") as st:
            st.load_postings(
                [make_posting("lever:acme", i) for i in range(5)],
                crawled_ok={"lever:acme": True},
                seen_at=DAY2,
            )
            # the load is under way and the reader still queries the published file
            assert _say(reader, "ping") == ["pong", "3"]
            st.publish()
        # the open connection keeps reading the old file; a new one sees the new version
        assert _say(reader, "ping") == ["pong", "3"]
        assert _say(reader, "reopen") == ["fresh", "5"]
        done, queries, errors = _say(reader, "stop")
        assert (done, errors) == ("done", "0") and int(queries) > 0
        assert reader.wait(timeout=30) == 0
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait()
    with wh.reader() as rd:
        assert len(rd.open_postings()) == 5


def test_killed_load_leaves_the_published_warehouse_intact(wh):
    _publish_first_version(wh, 3)
    before = wh.path.read_bytes()
    loader = _child(KILLED_LOADER, wh.path)
    try:
        assert loader.stdout is not None
        line = loader.stdout.readline().strip()
        assert line == "staged", loader.stderr.read() if loader.stderr else line
        os.kill(loader.pid, signal.SIGKILL)
        assert loader.wait(timeout=30) == -signal.SIGKILL
    finally:
        if loader.poll() is None:
            loader.kill()
            loader.wait()
    assert wh.staging_path.exists()  # the kill really happened mid-load
    assert wh.path.read_bytes() == before
    with wh.reader() as rd:
        assert sorted(p.id for p, _ in rd.open_postings()) == [f"lever:acme:{i}" for i in range(3)]
    # the next load replaces the stale staging file and publishes normally
    with wh.staging("next") as st:
        kept = [make_posting("lever:acme", i) for i in range(2)]
        counts = st.load_postings(kept, crawled_ok={"lever:acme": True}, seen_at=DAY2)
        assert (counts.new, counts.unchanged, counts.closed) == (0, 2, 1)
        st.publish()
    assert not wh.staging_path.exists()
    with wh.reader() as rd:
        assert [p.id for p, _ in rd.open_postings()] == ["lever:acme:0", "lever:acme:1"]


def test_leaving_staging_without_publish_discards_it(wh):
    _publish_first_version(wh, 2)
    with pytest.raises(RuntimeError, match="boom"), wh.staging("v2") as st:
        st.load_postings([], crawled_ok={"lever:acme": True}, seen_at=DAY2)
        raise RuntimeError("boom")
    with wh.staging("v3") as st:
        st.load_postings([], crawled_ok={"lever:acme": True}, seen_at=DAY2)
    assert not wh.staging_path.exists()
    with wh.reader() as rd:
        assert len(rd.open_postings()) == 2


def test_second_concurrent_load_is_refused_clearly(wh):
    with wh.staging("a") as st:
        with pytest.raises(WarehouseError, match="another load is running"), wh.staging("b"):
            pass
        st.publish()
    assert wh.path.exists()


def test_published_file_has_no_write_ahead_log_and_opens_read_only(wh):
    _publish_first_version(wh, 1)
    assert not Path(str(wh.path) + ".wal").exists()
    con = duckdb.connect(str(wh.path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM v_open_postings").fetchone() == (1,)
    finally:
        con.close()


def test_reader_of_a_missing_warehouse_says_what_to_do(tmp_path):
    with (
        pytest.raises(WarehouseError, match="no warehouse at"),
        Warehouse(tmp_path / "none.duckdb").reader(),
    ):
        pass
