"""A local job board that speaks the nine formats, served from files (the demo and tests).

Layout under `root` (default: crawlers/demo/boards), each file served at the path the
spider requests::

    greenhouse/<board>.json   body of GET /v1/boards/<board>/jobs?content=true
    lever/<company>.json      JSON array; GET /v0/postings/<company>?skip=&limit= pages it
    ashby/<board>.json        body of GET /posting-api/job-board/<board>
    recruitee/<company>.json  body of GET /recruitee/<company>/api/offers/
    personio/<company>.xml    body of GET /personio/<company>/xml
    smartrecruiters/<company>/postings.json       JSON array of listed postings;
                              GET /v1/companies/<company>/postings?offset=&limit= pages it
    smartrecruiters/<company>/postings/<id>.json  GET /v1/companies/<company>/postings/<id>
    workable/<account>/jobs.json          JSON array of listed jobs; POST
                              /api/v3/accounts/<account>/jobs pages it (`token`, 5 a page)
    workable/<account>/jobs/<shortcode>.json      GET /api/v2/accounts/<account>/jobs/<shortcode>
    workday/<tenant>/<site>/jobs.json     JSON array of listings; POST
                              /wday/cxs/<tenant>/<site>/jobs pages it (`offset`, `limit`)
    workday/<tenant>/<site>/job/....json  GET /wday/cxs/<tenant>/<site>/job/... (externalPath)
    workday/<tenant>/<site>/source.yaml   the board's sources.yaml fields (tenant, site, host)
    jsonld/<site>/...         static pages under /jsonld/<site>/ (careers.html, sitemap.xml)
    robots.txt                optional; without it everything is allowed

Recruitee and Personio name the board in the host (`<company>.recruitee.com`), so their
sources point `api_base` at `/<type>/<company>` on this server. Files are read on every
request, so a test or a generator can change them while the server runs. In text files
(.html, .xml, .txt) the literal `{base_url}` is replaced by the server's address
(sitemaps need absolute URLs). A missing file is a 404.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

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
#: Workable's page size on this server (small, so that the demo pages).
WORKABLE_PAGE = 5

#: A pager turns a board's JSON array, the query and the JSON body into one page.
Pager = Callable[[list[Any], dict[str, list[str]], dict[str, Any]], Any]


def _safe_child(root: Path, *parts: str) -> Path | None:
    """root/parts if it stays inside root (no '..' escapes), else None."""
    candidate = root.joinpath(*parts).resolve()
    return candidate if candidate.is_relative_to(root.resolve()) else None


def _int_param(query: dict[str, list[str]], name: str, default: int | None) -> int | None:
    try:
        return max(0, int(query[name][0]))
    except (KeyError, IndexError, ValueError):
        return default


def _int_field(body: dict[str, Any], name: str, default: int) -> int:
    value = body.get(name)
    return max(0, value) if isinstance(value, int) and not isinstance(value, bool) else default


def lever_page(items: list[Any], query: dict[str, list[str]], body: dict[str, Any]) -> Any:
    """Lever: the array sliced by `skip` and `limit` (query)."""
    skip = _int_param(query, "skip", 0) or 0
    limit = _int_param(query, "limit", None)
    return items[skip : skip + limit if limit is not None else None]


def smartrecruiters_page(
    items: list[Any], query: dict[str, list[str]], body: dict[str, Any]
) -> Any:
    """SmartRecruiters: `{offset, limit, totalFound, content}` by `offset` and `limit`."""
    offset = _int_param(query, "offset", 0) or 0
    limit = _int_param(query, "limit", 10) or 10
    content = items[offset : offset + limit]
    return {"offset": offset, "limit": limit, "totalFound": len(items), "content": content}


def workable_page(items: list[Any], query: dict[str, list[str]], body: dict[str, Any]) -> Any:
    """Workable: `{total, results, nextPage}`; the token is the next offset."""
    token = body.get("token")
    offset = int(token) if isinstance(token, str) and token.isdigit() else 0
    end = offset + WORKABLE_PAGE
    page = {"total": len(items), "results": items[offset:end]}
    return page | ({"nextPage": str(end)} if end < len(items) else {})


def workday_page(items: list[Any], query: dict[str, list[str]], body: dict[str, Any]) -> Any:
    """Workday CXS: `{total, jobPostings}` by the body's `offset` and `limit`."""
    offset, limit = _int_field(body, "offset", 0), _int_field(body, "limit", 20) or 20
    return {"total": len(items), "jobPostings": items[offset : offset + limit], "facets": []}


#: (method, path pattern, file under root, pager or None for the file as is).
ROUTES: tuple[tuple[str, re.Pattern[str], str, Pager | None], ...] = tuple(
    (method, re.compile(pattern), file, pager)
    for method, pattern, file, pager in (
        ("GET", r"v1/boards/(?P<b>[^/]+)(?:/jobs)?", "greenhouse/{b}.json", None),
        ("GET", r"v0/postings/(?P<b>[^/]+)", "lever/{b}.json", lever_page),
        ("GET", r"posting-api/job-board/(?P<b>[^/]+)", "ashby/{b}.json", None),
        ("GET", r"recruitee/(?P<b>[^/]+)/api/offers", "recruitee/{b}.json", None),
        ("GET", r"personio/(?P<b>[^/]+)/xml", "personio/{b}.xml", None),
        (
            "GET",
            r"v1/companies/(?P<b>[^/]+)/postings",
            "smartrecruiters/{b}/postings.json",
            smartrecruiters_page,
        ),
        (
            "GET",
            r"v1/companies/(?P<b>[^/]+)/postings/(?P<id>[^/]+)",
            "smartrecruiters/{b}/postings/{id}.json",
            None,
        ),
        ("POST", r"api/v3/accounts/(?P<b>[^/]+)/jobs", "workable/{b}/jobs.json", workable_page),
        (
            "GET",
            r"api/v2/accounts/(?P<b>[^/]+)/jobs/(?P<id>[^/]+)",
            "workable/{b}/jobs/{id}.json",
            None,
        ),
        (
            "POST",
            r"wday/cxs/(?P<t>[^/]+)/(?P<s>[^/]+)/jobs",
            "workday/{t}/{s}/jobs.json",
            workday_page,
        ),
        (
            "GET",
            r"wday/cxs/(?P<t>[^/]+)/(?P<s>[^/]+)/(?P<job>job/.+)",
            "workday/{t}/{s}/{job}.json",
            None,
        ),
    )
)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

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
        self._serve("GET", {})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else {}
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            self._send(HTTPStatus.BAD_REQUEST, b'{"error": "the body must be a JSON object"}')
            return
        self._serve("POST", body)

    def _serve(self, method: str, body: dict[str, Any]) -> None:
        split = urlsplit(self.path)
        path = unquote(split.path).strip("/")
        root = self.server.root
        self.server.hits += 1
        if method == "GET" and path == "robots.txt":
            robots = root / "robots.txt"
            self._send(200, robots.read_bytes() if robots.is_file() else _ALLOW_ALL)
            return
        if method == "GET" and path.startswith("jsonld/"):
            self._static(root / "jsonld", path.split("/")[1:])
            return
        for verb, pattern, template, pager in ROUTES:
            match = pattern.fullmatch(path)
            if verb != method or match is None:
                continue
            file = _safe_child(root, *template.format(**match.groupdict()).split("/"))
            if file is None or not file.is_file():
                self._not_found(path)
                return
            items = self.server.json_array(file) if pager else None
            if items is None:  # served as is (a file that is not an array: as is too)
                self._send(200, file.read_bytes(), _TYPES.get(file.suffix, _TYPES[".json"]))
                return
            page = pager(items, parse_qs(split.query), body)
            self._send(200, json.dumps(page, ensure_ascii=False).encode(), _TYPES[".json"])
            return
        self._not_found(path)

    def _static(self, folder: Path, parts: list[str]) -> None:
        file = _safe_child(folder, *parts)
        if file is None or not file.is_file():
            self._not_found("/".join(parts))
            return
        body = file.read_bytes()
        if file.suffix in (".html", ".xml", ".txt"):
            body = body.replace(b"{base_url}", self.server.base_url.encode())
        self._send(200, body, _TYPES.get(file.suffix, "application/octet-stream"))


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
        """One Source per board, all pointing at this server (sorted, stable order).

        A board is a file or folder under `<type>/` named after its token, or, for a type
        whose boards need several fields (Workday), a folder with a `source.yaml`.
        """
        out: list[Source] = []
        for kind, spider in registry().items():
            folder = self.root / kind
            if not folder.is_dir():
                continue
            if spider.board_arg == "urls":  # a folder per site, crawled from its start page
                for site in sorted(p for p in folder.glob("*") if p.is_dir()):
                    start = "careers.html" if (site / "careers.html").is_file() else "sitemap.xml"
                    url = f"{self.base_url}/{kind}/{site.name}/{start}"
                    out.append(Source.model_validate({"type": kind, "urls": [url]}))
                continue
            for entry in _board_entries(folder, spider.board_arg):
                base = self.base_url
                if spider.board_in_host():
                    base = f"{base}/{kind}/{entry[spider.board_arg]}"
                out.append(Source.model_validate({"type": kind, **entry, "api_base": base}))
        return out

    def write_sources_yaml(self, path: Path) -> Path:
        """Write `sources()` as a sources.yaml file; return its path."""
        path = Path(path)
        path.write_text(dump_sources(self.sources()), encoding="utf-8")
        return path


def _board_entries(folder: Path, board_arg: str) -> list[dict[str, Any]]:
    """The sources.yaml fields of each board in a type's folder (without type and api_base)."""
    sidecars = sorted(folder.rglob("source.yaml"))
    if sidecars:
        return [dict(yaml.safe_load(p.read_text(encoding="utf-8"))) for p in sidecars]
    boards = (p for p in sorted(folder.iterdir()) if p.is_dir() or p.suffix in (".json", ".xml"))
    return [{board_arg: p.stem} for p in boards]
