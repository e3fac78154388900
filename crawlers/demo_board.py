"""A local job board that speaks the four formats, served from files (the demo and tests).

Layout under `root` (default: crawlers/demo/boards)::

    greenhouse/<board>.json   body of GET /v1/boards/<board>/jobs?content=true
    lever/<company>.json      JSON array; GET /v0/postings/<company>?skip=&limit= pages it
    ashby/<board>.json        body of GET /posting-api/job-board/<board>
    jsonld/<site>/...         static pages under /jsonld/<site>/ (careers.html, sitemap.xml)
    robots.txt                optional; without it everything is allowed

Files are read on every request, so a test or a generator can change them while the
server runs. In text files (.html, .xml, .txt) the literal `{base_url}` is replaced by
the server's address (sitemaps need absolute URLs). A missing file is a 404.
"""

from __future__ import annotations

import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Self
from urllib.parse import parse_qs, unquote, urlsplit

from crawlers.sources import Source, dump_sources
from crawlers.spiders import registry

#: The bundled demo board.
DEFAULT_ROOT = Path(__file__).resolve().parent / "demo" / "boards"
_TYPES = {
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
}
_ALLOW_ALL = b"User-agent: *\nAllow: /\n"


def _safe_child(root: Path, *parts: str) -> Path | None:
    """root/parts if it stays inside root (no '..' escapes), else None."""
    candidate = root.joinpath(*parts).resolve()
    return candidate if candidate.is_relative_to(root.resolve()) else None


def _int_param(query: dict[str, list[str]], name: str, default: int | None) -> int | None:
    try:
        return max(0, int(query[name][0]))
    except (KeyError, IndexError, ValueError):
        return default


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    routes: ClassVar[dict[str, str]] = {
        "v1/boards": "greenhouse",
        "v0/postings": "lever",
        "posting-api/job-board": "ashby",
    }

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests run many
        return

    def _send(
        self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8"
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _not_found(self, what: str) -> None:
        self._send(
            HTTPStatus.NOT_FOUND, f'{{"error": "not found: {what}"}}'.encode(), _TYPES[".json"]
        )

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        split = urlsplit(self.path)
        path = unquote(split.path).strip("/")
        query = parse_qs(split.query)
        root = self.server.root
        self.server.hits += 1
        if path == "robots.txt":
            robots = root / "robots.txt"
            self._send(200, robots.read_bytes() if robots.is_file() else _ALLOW_ALL)
            return
        for prefix, kind in self.routes.items():
            if path.startswith(prefix + "/"):
                rest = path[len(prefix) + 1 :]
                token = rest.removesuffix("/jobs") if kind == "greenhouse" else rest
                if "/" in token or not token:
                    self._not_found(path)
                    return
                file = _safe_child(root, kind, f"{token}.json")
                if file is None or not file.is_file():
                    self._not_found(f"{kind} board {token!r}")
                    return
                if kind == "lever":
                    body = self._lever_page(self.server.json_array(file), file, query)
                else:
                    body = file.read_bytes()
                self._send(200, body, _TYPES[".json"])
                return
        if path.startswith("jsonld/"):
            file = _safe_child(root / "jsonld", *path.split("/")[1:])
            if file is None or not file.is_file():
                self._not_found(path)
                return
            body = file.read_bytes()
            if file.suffix in (".html", ".xml", ".txt"):
                body = body.replace(b"{base_url}", self.server.base_url.encode())
            self._send(200, body, _TYPES.get(file.suffix, "application/octet-stream"))
            return
        self._not_found(path)

    @staticmethod
    def _lever_page(postings: list[Any] | None, file: Path, query: dict[str, list[str]]) -> bytes:
        """Slice the array by skip/limit; a file that is not a JSON array is served as is."""
        if postings is None:
            return file.read_bytes()
        skip = _int_param(query, "skip", 0) or 0
        limit = _int_param(query, "limit", None)
        page = postings[skip : skip + limit if limit is not None else None]
        return json.dumps(page, ensure_ascii=False).encode("utf-8")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    root: Path
    base_url: str
    hits: int = 0
    #: file -> ((mtime_ns, size), its JSON array or None): a paged board is parsed once,
    #: not once per page (a 1,500-posting board has 16 pages).

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self._arrays: dict[Path, tuple[tuple[int, int], list[Any] | None]] = {}
        self._arrays_lock = threading.Lock()

    def json_array(self, file: Path) -> list[Any] | None:
        """The file's JSON array, parsed again only when the file changed; None if not one."""
        stat = file.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._arrays_lock:
            known = self._arrays.get(file)
            if known is not None and known[0] == stamp:
                return known[1]
        try:
            data = json.loads(file.read_bytes())
        except (json.JSONDecodeError, UnicodeDecodeError):
            data = None
        array = data if isinstance(data, list) else None
        with self._arrays_lock:
            self._arrays[file] = (stamp, array)
        return array


class DemoBoard:
    """The demo board server: `with DemoBoard() as board: board.sources()`."""

    def __init__(self, root: Path = DEFAULT_ROOT, host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise FileNotFoundError(f"{self.root}: demo board folder does not exist")
        self._server = _Server((host, port), _Handler)
        self._server.root = self.root
        host_name, port_number = self._server.server_address[:2]
        self._server.base_url = f"http://{host_name}:{port_number}"
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT` (no trailing slash)."""
        return self._server.base_url

    @property
    def hits(self) -> int:
        """Requests served so far."""
        return self._server.hits

    def start(self) -> Self:
        """Serve in a background thread."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, name="demo-board", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def sources(self) -> list[Source]:
        """One Source per board file, all pointing at this server (sorted, stable order)."""
        out: list[Source] = []
        for kind, spider in registry().items():
            if spider.board_arg == "urls":  # a folder per site, crawled from its start page
                for site in sorted(p for p in (self.root / kind).glob("*") if p.is_dir()):
                    start = "careers.html" if (site / "careers.html").is_file() else "sitemap.xml"
                    url = f"{self.base_url}/{kind}/{site.name}/{start}"
                    out.append(Source.model_validate({"type": kind, "urls": [url]}))
                continue
            for file in sorted((self.root / kind).glob("*.json")):
                entry = {"type": kind, spider.board_arg: file.stem, "api_base": self.base_url}
                out.append(Source.model_validate(entry))
        return out

    def write_sources_yaml(self, path: Path) -> Path:
        """Write `sources()` as a sources.yaml file; return its path."""
        path = Path(path)
        path.write_text(dump_sources(self.sources()), encoding="utf-8")
        return path
