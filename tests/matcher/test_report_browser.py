"""The HTML report in real headless Chromium: sections present, nothing executed, not blank."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from matcher.report import render
from matcher.scoring.config import load_scoring_config
from matcher.taxonomy import Taxonomy
from tests.matcher.report_fixtures import evil_report

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SECTIONS = ("candidate", "charts", "matches", "gaps", "guidance")


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(
            "Debian's chromium is missing: run `make browser` (or apt-get install chromium)"
        )
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1280,2000",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def _png_pixels(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA, non-interlaced PNG: width, height, bytes a pixel, rows."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, chunks, header = 8, [], b""
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos : pos + 4]), data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and color in (2, 6) and interlace == 0, "unexpected PNG layout"
    bpp = 3 if color == 2 else 4
    raw, stride, rows, prev = (
        zlib.decompress(b"".join(chunks)),
        width * bpp,
        [],
        bytearray(width * bpp),
    )
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (
                    line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)
                ) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


@pytest.mark.browser
@pytest.mark.slow
def test_html_report_renders_in_chromium(tmp_path: Path, taxonomy: Taxonomy) -> None:
    report = evil_report(taxonomy, load_scoring_config(ROOT / "scoring.yaml"))
    page = tmp_path / "report.html"
    page.write_text(render(report, "html"), encoding="utf-8")
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    for section in SECTIONS:
        assert f'<section id="{section}">' in dom, f"section {section!r} missing after rendering"
    assert dom.count('class="match"') == 4
    assert dom.count("<svg") == 3 and dom.count("<rect") > 10
    # the posting's markup stayed text: no script or img element exists in the live DOM
    assert "<script" not in dom and "<img" not in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    shot = tmp_path / "shot.png"
    _chromium(tmp_path, f"--screenshot={shot}", page.as_uri())
    width, height, bpp, rows = _png_pixels(shot.read_bytes())
    assert (width, height) == (1280, 2000)
    colours = {row[i : i + 3] for row in rows[::8] for i in range(0, len(row), bpp * 8)}
    assert len(colours) > 20, "the screenshot is (nearly) blank"
