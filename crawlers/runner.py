"""Crawl sources in one child process (Scrapy's reactor cannot restart in one process).

`crawl(sources, out_dir, scrapy_settings, timeout_s)` runs every source as a crawler of
ONE `CrawlerProcess` in ONE child process (`python -m crawlers.crawl_process SPEC`,
crawlers/crawl_process.py), `concurrency` sources at a time, with the repository root as
working directory, its log in a file and a hard timeout on the whole child (SIGTERM to
its process group, then SIGKILL). Each source gets its own `CrawlResult`, read from the
stats its crawler wrote. It never raises for a bad board: a 404, a timeout or garbage
gives `ok=False` with the reasons in `errors`. `recrawl` crawls a failed source again,
alone, with a delay that doubles (the meaning of the `crawl_retries` setting).
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from crawlers.sources import Source

#: The repository root: the folder holding scrapy.cfg, next to this package.
REPO_ROOT = Path(__file__).resolve().parents[1]
#: Settings for crawling a server on this machine (the demo board, tests): no politeness
#: delays. Applied per source, only to sources whose hosts are all local.
LOCAL_OVERRIDES: dict[str, Any] = {"AUTOTHROTTLE_START_DELAY": 0, "DOWNLOAD_DELAY": 0}
#: Seconds the child gets beyond its crawls' own CLOSESPIDER_TIMEOUT before it is stopped,
#: and then to close cleanly (write its stats and feeds) after SIGTERM.
GRACE_S = 30.0
#: Seconds a crawl gets to close when the process that started it is being stopped.
STOP_GRACE_S = 5.0


@dataclass
class CrawlResult:
    """What one source's crawl gave. `ok` means every fetch worked and the spider finished."""

    source_key: str
    ok: bool
    kept: int = 0
    dropped_by_filter: int = 0
    rejected: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    out_path: Path | None = None
    seconds: float = 0.0
    duplicates: int = 0
    rejected_count: int = 0
    requests: int = 0
    log_path: Path | None = None
    stats: dict[str, Any] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (paths as strings, stats left out)."""
        data = asdict(self)
        data.pop("stats")
        for key in ("out_path", "log_path"):
            data[key] = str(data[key]) if data[key] else None
        return data


def repo_root() -> Path:
    """The folder with scrapy.cfg; raise if the package was installed without it."""
    if not (REPO_ROOT / "scrapy.cfg").is_file():
        raise FileNotFoundError(
            f"{REPO_ROOT / 'scrapy.cfg'} is missing: the crawlers run from a repository checkout"
        )
    return REPO_ROOT


def crawl_env(base: Mapping[str, str]) -> dict[str, str]:
    """The environment of the crawl process: `base` with the repository on PYTHONPATH.

    >>> crawl_env({"SCRAPY_SETTINGS_MODULE": "x"})["PYTHONPATH"] == str(repo_root())
    True
    """
    env = {k: v for k, v in base.items() if k != "SCRAPY_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(repo_root()), env.get("PYTHONPATH")]))
    return env


def stop_group(
    proc: subprocess.Popen[bytes],
    grace_s: float = GRACE_S,
    first: signal.Signals = signal.SIGTERM,
) -> None:
    """Send `first` (SIGTERM: Scrapy closes cleanly) to the process group of `proc` (its
    leader), then SIGKILL if it still runs after `grace_s`."""
    for sig, seconds in ((first, grace_s), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        if exit_status(proc, seconds) is not None:
            return


def exit_status(proc: subprocess.Popen[bytes], seconds: float) -> int | None:
    """`proc`'s exit status once it ends within `seconds`; None while it runs."""
    try:
        return proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return None


_EXC_LINE_RE = re.compile(r"^[\w.]*(?:Error|Exception|Exit): .+")


def _log_tail(log_path: Path, lines: int = 3) -> str:
    """The last exception line of the log (`SomeError: message`), else its last lines."""
    try:
        text = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return ""
    for line in reversed(text):
        if _EXC_LINE_RE.match(line.strip()):
            return line.strip()
    return " | ".join(line.strip() for line in text[-lines:])


def crawl(
    sources: Sequence[Source],
    out_dir: Path,
    scrapy_settings: Mapping[str, Any],
    timeout_s: float,
    *,
    concurrency: int = 2,
    all_titles: bool = False,
    cache_dir: Path | None = None,
) -> dict[str, CrawlResult]:
    """Crawl `sources` in one child process into `out_dir/KEY.jsonl`; results by source key.

    `scrapy_settings` override crawlers/settings.py (flows/crawl_settings.py builds them);
    a source on this machine also gets LOCAL_OVERRIDES. Each crawler closes after
    `timeout_s` (CLOSESPIDER_TIMEOUT); the child is stopped when the crawls, run
    `concurrency` at a time, exceed their rounds of `timeout_s` plus GRACE_S. With
    `cache_dir`, raw API objects unchanged since the last crawl reuse its parse
    (crawlers/crawl_cache.py). The log is `out_dir/crawl.log` (`KEY.log` for one source).
    """
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    log_path = out_dir / (f"{safe_name(sources[0])}.log" if len(sources) == 1 else "crawl.log")
    results = {
        s.key: CrawlResult(s.key, ok=False, out_path=out_dir / f"{safe_name(s)}.jsonl")
        for s in sources
    }
    if not results:
        return results
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tpm-crawl-") as tmp:
        entries = []
        for source in sources:
            args = source.spider_args() | ({"all_titles": "1"} if all_titles else {})
            cache = Path(cache_dir).resolve() / f"{safe_name(source)}.jsonl" if cache_dir else None
            entries.append(
                {
                    "type": source.type,
                    "args": args,
                    "feed": str(results[source.key].out_path),
                    "stats": str(Path(tmp) / f"{safe_name(source)}.stats.json"),
                    "cache": str(cache) if cache else None,
                    "settings": LOCAL_OVERRIDES if source.is_local else {},
                }
            )
        lanes = max(1, concurrency)
        spec = {
            "settings": {**scrapy_settings, "CLOSESPIDER_TIMEOUT": timeout_s},
            "concurrency": lanes,
            "crawls": entries,
        }
        spec_path = Path(tmp) / "spec.json"
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        hard_timeout = timeout_s * math.ceil(len(entries) / lanes) + GRACE_S
        status, timed_out = _run_child(spec_path, log_path, hard_timeout)
        seconds = round(time.monotonic() - started, 3)
        for entry, result in zip(entries, results.values(), strict=True):
            result.seconds, result.log_path = seconds, log_path
            _finish(result, _read_stats(Path(entry["stats"])), status, timed_out, hard_timeout)
    return results


def _run_child(spec_path: Path, log_path: Path, hard_timeout: float) -> tuple[int | None, bool]:
    """Run the crawl process; its exit status (None: not started) and whether it timed out."""
    try:
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "crawlers.crawl_process", str(spec_path)],
                cwd=repo_root(),
                env=crawl_env(os.environ),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
    except OSError as exc:
        log_path.write_text(f"OSError: cannot start the crawl process: {exc}\n")
        return None, False
    try:
        status = exit_status(proc, hard_timeout)
    except BaseException:  # this process is being stopped (SIGTERM, Ctrl-C): so is the crawl
        stop_group(proc, grace_s=STOP_GRACE_S)
        raise
    if status is not None:
        return status, False
    stop_group(proc)
    return exit_status(proc, 0), True


def _finish(
    result: CrawlResult,
    stats: dict[str, Any],
    status: int | None,
    timed_out: bool,
    hard_timeout: float,
) -> None:
    """Fill `result` from its crawler's stats and the child's fate; decide `ok`."""
    _fill(result, stats)
    log_path = result.log_path or Path()
    finish = stats.get("tpm/finish_reason")
    if timed_out and finish is None:
        result.errors.append(
            f"the crawl process ran over {hard_timeout:g} s and was stopped; "
            f"{result.kept} postings kept from what was fetched"
        )
    elif not stats:
        reason = f"exited with status {status}" if status else "wrote no stats"
        result.errors.append(f"the crawl process {reason}: {_log_tail(log_path)}")
    elif finish == "closespider_timeout":
        result.errors.append(
            f"crawl timed out after CLOSESPIDER_TIMEOUT and was stopped; "
            f"{result.kept} postings kept from what was fetched"
        )
    elif finish not in (None, "finished", "not started"):
        result.errors.append(f"the spider closed early ({finish})")
    result.ok = not result.errors and finish == "finished"
    if result.out_path is not None and not result.out_path.exists():
        result.out_path.touch()


def recrawl(
    source: Source,
    crawl_once: Callable[[Source], CrawlResult],
    *,
    retries: int,
    delay_s: float,
    sleep: Callable[[float], None] = time.sleep,
) -> CrawlResult:
    """Crawl a failed `source` again alone, up to `retries` times, waiting `delay_s` first
    and twice as long before each next try; the first ok result, else the last one.

    `crawl_once(source)` is e.g. `lambda s: crawl([s], ...)[s.key]`.

    >>> tries = []
    >>> def once(s):
    ...     tries.append(1)
    ...     return CrawlResult(s.key, ok=len(tries) == 2)
    >>> waits = []
    >>> a = Source(type="lever", company="a")
    >>> r = recrawl(a, once, retries=3, delay_s=1, sleep=waits.append)
    >>> r.ok, waits
    (True, [1, 2])
    """
    result = CrawlResult(source.key, ok=False, errors=["not crawled again (crawl_retries is 0)"])
    for attempt in range(retries):
        sleep(delay_s * 2**attempt)
        result = crawl_once(source)
        if result.ok:
            break
    return result


def _read_stats(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _fill(result: CrawlResult, stats: dict[str, Any]) -> None:
    result.stats = stats
    result.kept = int(stats.get("item_scraped_count", 0))
    result.dropped_by_filter = int(stats.get("tpm/dropped_by_filter", 0))
    result.duplicates = int(stats.get("tpm/duplicates", 0))
    result.rejected = list(stats.get("tpm/rejections", []))
    result.rejected_count = int(stats.get("tpm/rejected", 0))
    result.errors = list(stats.get("tpm/errors", []))
    result.requests = int(stats.get("downloader/request_count", 0))
    # the crawler's own time (Scrapy's core stats), else the whole child's
    result.seconds = round(float(stats.get("elapsed_time_seconds", result.seconds)), 3)
    exceptions = int(stats.get("spider_exceptions/count", 0))
    if exceptions:
        result.errors.append(f"{exceptions} parse callbacks raised (see {result.log_path})")


def safe_name(source: Source) -> str:
    """The source key as a file name.

    >>> safe_name(Source(type="lever", company="acme"))
    'lever_acme'
    """
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in source.key)


def merge_outputs(results: Sequence[CrawlResult], out_path: Path) -> int:
    """Concatenate the results' JSON Lines into `out_path` in input order; return the lines.

    A line that is not JSON (a crawl killed mid-write) is skipped.
    """
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    tmp = out_path.with_name(out_path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        for result in results:
            if result.out_path is None or not result.out_path.exists():
                continue
            with result.out_path.open(encoding="utf-8", errors="replace") as part:
                for line in part:
                    line = line.strip()
                    if not line:
                        continue
                    try:
                        json.loads(line)
                    except json.JSONDecodeError:
                        continue
                    out.write(line + "\n")
                    count += 1
    tmp.replace(out_path)
    return count
