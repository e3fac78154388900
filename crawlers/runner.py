"""Run spiders as processes of their own (Scrapy's reactor cannot restart in one process).

`crawl_source` runs `scrapy crawl NAME -a ... -O out.jsonl` in a process of its own
(forked from a warm fork server, or a new interpreter: crawlers/launch.py) with the
repository root as working directory (found from this package, not the caller's cwd),
a hard timeout (SIGTERM to the process group, then SIGKILL), and reads the stats that
`crawlers.extensions.StatsFile` writes into a `CrawlResult`. It never raises for a bad
board: a 404, a timeout or garbage gives `ok=False` with the reasons in `errors`.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from crawlers.launch import LauncherName, start_crawl
from crawlers.sources import Source

#: The repository root: the folder holding scrapy.cfg, next to this package.
REPO_ROOT = Path(__file__).resolve().parents[1]
#: Settings for crawling a local server (the demo board, tests): no politeness delays.
LOCAL_OVERRIDES: dict[str, Any] = {"AUTOTHROTTLE_START_DELAY": 0, "DOWNLOAD_DELAY": 0}


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


def scrapy_args(
    source: Source,
    out_path: Path,
    stats_path: Path,
    *,
    all_titles: bool = False,
    settings_overrides: Mapping[str, Any] | None = None,
) -> list[str]:
    """The `scrapy` arguments that crawl `source` into `out_path` (`crawl NAME -a ... -O ...`)."""
    argv = ["crawl", source.type]
    args = source.spider_args()
    if all_titles:
        args["all_titles"] = "1"
    for name, value in args.items():
        argv += ["-a", f"{name}={value}"]
    settings = {"TPM_STATS_FILE": str(stats_path), **(settings_overrides or {})}
    for name, value in settings.items():
        if isinstance(value, list | dict):
            value = json.dumps(value)
        elif isinstance(value, bool):
            value = "True" if value else "False"
        argv += ["-s", f"{name}={value}"]
    return [*argv, "-O", f"{out_path}:jsonlines"]


def scrapy_command(source: Source, out_path: Path, stats_path: Path, **options: Any) -> list[str]:
    """The full command line of that crawl, to run it by hand (`python -m scrapy ...`)."""
    return [sys.executable, "-m", "scrapy", *scrapy_args(source, out_path, stats_path, **options)]


def crawl_env(base: Mapping[str, str], pycache_dir: Path | None = None) -> dict[str, str]:
    """The environment of a crawl subprocess: `base` with the repository on PYTHONPATH.

    With `pycache_dir`, bytecode is read from and written to that folder
    (PYTHONPYCACHEPREFIX), even when PYTHONDONTWRITEBYTECODE is set (as many container
    images do) or site-packages is read-only: otherwise every crawl subprocess compiles
    Scrapy and Twisted from source again, about 1.5 s of CPU each. Nothing is written
    next to the installed packages.

    >>> env = crawl_env({"PYTHONDONTWRITEBYTECODE": "1"}, Path("/tmp/pyc"))
    >>> "PYTHONDONTWRITEBYTECODE" in env, env["PYTHONPYCACHEPREFIX"]
    (False, '/tmp/pyc')
    """
    env = {k: v for k, v in base.items() if k != "SCRAPY_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(repo_root()), env.get("PYTHONPATH")]))
    if pycache_dir is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(pycache_dir).resolve())
    return env


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


def crawl_source(
    source: Source,
    out_path: Path,
    *,
    timeout_s: float,
    all_titles: bool = False,
    settings_overrides: Mapping[str, Any] | None = None,
    cache_path: Path | None = None,
    pycache_dir: Path | None = None,
    launcher: LauncherName = "fork",
) -> CrawlResult:
    """Crawl one source in a process of its own into `out_path` (JSON Lines); never raises.

    The log goes to `out_path` with `.log` appended. `settings_overrides` become
    `-s NAME=VALUE` (e.g. USER_AGENT, DOWNLOAD_TIMEOUT, HTTPCACHE_ENABLED). With
    `cache_path` (see `cache_path_for`), raw API objects unchanged since the previous
    crawl with the same cache reuse its parse (crawlers/crawl_cache.py). With
    `pycache_dir`, a new interpreter keeps its bytecode there (see `crawl_env`).
    `launcher` is how the process starts: forked from a warm server or a new interpreter
    (crawlers/launch.py).
    """
    if cache_path is not None:
        settings_overrides = {
            **(settings_overrides or {}),
            "TPM_CRAWL_CACHE": str(Path(cache_path).resolve()),
        }
    out_path = Path(out_path).resolve()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    log_path = out_path.with_name(out_path.name + ".log")
    started = time.monotonic()
    result = CrawlResult(source.key, ok=False, out_path=out_path, log_path=log_path)
    with tempfile.TemporaryDirectory(prefix="tpm-crawl-") as tmp:
        stats_path = Path(tmp) / "stats.json"
        args = scrapy_args(
            source,
            out_path,
            stats_path,
            all_titles=all_titles,
            settings_overrides=settings_overrides,
        )
        env = crawl_env(os.environ, pycache_dir)
        timed_out = False
        try:
            proc = start_crawl(launcher, args, cwd=repo_root(), env=env, log_path=log_path)
        except OSError as exc:
            result.errors.append(f"cannot start scrapy: {exc}")
            return result
        status = proc.wait(timeout_s)
        if status is None:
            timed_out = True
            proc.stop()
            status = proc.wait(0)
        result.seconds = round(time.monotonic() - started, 3)
        stats = _read_stats(stats_path)
    _fill(result, stats)
    if timed_out:
        result.errors.append(
            f"crawl timed out after {timeout_s:g} s and was stopped; "
            f"{result.kept} postings kept from what was fetched"
        )
    elif status != 0:
        tail = _log_tail(log_path)
        result.errors.append(f"scrapy exited with status {status}: {tail}")
    elif not stats:
        result.errors.append(f"the crawl wrote no stats (see {log_path}): {_log_tail(log_path)}")
    finish = stats.get("tpm/finish_reason")
    if finish not in (None, "finished") and not timed_out:
        result.errors.append(f"the spider closed early ({finish})")
    result.ok = not result.errors and finish == "finished"
    if not out_path.exists():
        out_path.touch()
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
    exceptions = int(stats.get("spider_exceptions/count", 0))
    if exceptions:
        result.errors.append(f"{exceptions} parse callbacks raised (see {result.log_path})")


def cache_path_for(cache_dir: Path, source: Source) -> Path:
    """The crawl cache file of `source` under `cache_dir` (one file per source key)."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in source.key)
    return Path(cache_dir) / f"{safe}.jsonl"


def part_path(out_dir: Path, index: int, source: Source) -> Path:
    """The per-source output file: position and key, safe for a file name."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in source.key)
    return out_dir / f"{index:03d}-{safe}.jsonl"


def crawl_sources(
    sources: Sequence[Source],
    out_dir: Path,
    *,
    timeout_s: float,
    concurrency: int = 2,
    all_titles: bool = False,
    settings_overrides: Mapping[str, Any] | None = None,
    launcher: LauncherName = "fork",
) -> list[CrawlResult]:
    """Crawl every source, `concurrency` processes at a time; results in input order."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    def one(pair: tuple[int, Source]) -> CrawlResult:
        index, source = pair
        return crawl_source(
            source,
            part_path(out_dir, index, source),
            timeout_s=timeout_s,
            all_titles=all_titles,
            settings_overrides=settings_overrides,
            launcher=launcher,
        )

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        return list(pool.map(one, enumerate(sources)))


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
