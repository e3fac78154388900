"""Loaders for labelled sets whose text lives outside the repository.

`tests/data/real_tpm_labels.jsonl` labels 20 real postings written by others (remote
job board Markdown, a Lever posting, "Ask HN: Who is hiring?" posts). Each label line
holds only a *reference* to its posting, exactly as `../shared/data/TPM_INDEX.csv` names
it (`source_dir`, `file`, `record`, `title`), never the text; `load_real_tpm` resolves the
references at run time and hands the extractor the text as it would meet it:

- `remotewlb-remote-jobs`: the Markdown file, read out of the tar.gz, as is;
- `hn-who-is-hiring`: the post's `text`, HTML with escaped entities, as is;
- `remotebear-ats-api` (Lever): the posting's HTML assembled the way the Lever spider
  does (description, then each list as a heading and its items, then `additional`).

The labels follow `tests/data/labelled/README.md`, written before the extractor was run
on these postings. Where real text needed a judgement the guide does not spell out:

- a sentence cue with the meaning of "is a plus" ("would be an asset", "Nice to Have"
  after a list item, "Desirable certifications include ...") makes its item preferred,
  and a "We Value" heading after the qualifications is read as a preferred heading;
- in an HN post, sentences about what the company does are company boilerplate; every
  role line of a multi-role post is part of the job (the post is one posting), while a
  role's own name ("DevOps & Infrastructure Engineer", "Robotics Integration") is a
  role or team name, not the concept (rule 5);
- years: the largest figure in the required part, over all roles of a post (rule 10).

Measured once, after the labels were committed (f9a4285), with the extractor as of
4be92a4 (`python bench/eval_extract.py --errors`, 25 Nov 2026): concept precision 0.727,
recall 0.921 (93 true positives, 35 false positives, 8 false negatives);
required/preferred 0.978 (91/93); minimum years exact 0.556 (5/9); degree level 20/20,
degree required 5/7; career level 11/13. Most false positives come from company and
benefits text the extractor does not recognise as boilerplate (HN posts have no
headings; "THE BENEFITS", "WHAT'S IN IT FOR YOU?", "Life At <Company>") and from role or
team names ("DevOps & Infrastructure Engineer"). Once read, this set is tuning data too.

Held-out 2 (`tests/data/heldout2_labels.jsonl`) is a second such measurement: 20 Google
"Program Manager" / "Project Manager" rows of `job_skills.csv` (TPM_INDEX title-PM rows with
technical content; none of the 13 "Technical Program Manager" rows, no duplicated row). Its
lines have the Google format, so `evaluation.metrics.load_google_tpm` loads them. Labelled
by the guide before the extractor was run on them; judgements the guide does not spell out:
"X teams" and lists of functions ("Engineering, Product Management, QA") are team names;
a product named as part of the job ("Google Cloud security solutions") is labelled; bare
"test" (noun: "assembly and test processes") is `skill.testing`, as in Google row 20;
"consulting skills" is not the consulting sector, "a consulting role" is. Measured once,
after the labels were committed (2c345d6), with the extractor as of 0492d39
(`python bench/eval_extract.py --errors`, 25 Nov 2026): concept precision 0.967, recall
0.980 (147 true positives, 5 false positives, 3 false negatives); required/preferred 1.000
(147/147); minimum years exact 1.000 (20/20); degree level 20/20, degree required 17/17;
career level 20/20. The misses: team names read as skills (Product Management, QA,
Program Management teams: 4), "consulting skills" read as the sector (1), and one-word
"-ing" aliases matched only as written ("test", "Troubleshoot": 3). Once read, this set is
tuning data too.
"""

from __future__ import annotations

import csv
import html
import json
import re
import tarfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from crawlers.spiders.lever import lever_html
from evaluation.metrics import (
    LabelError,
    LabelledPosting,
    PostingLabel,
    _read_jsonl,
    _require,
    parse_label,
)

#: The index of TPM-family postings in the shared data folder.
INDEX_NAME = "TPM_INDEX.csv"

#: Short prefixes for posting ids, per source folder.
ID_PREFIX: dict[str, str] = {
    "remotewlb-remote-jobs": "wlb",
    "hn-who-is-hiring": "hn",
    "remotebear-ats-api": "lever",
}

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def real_posting_id(source_dir: str, record: str) -> str:
    """A short, stable posting id for a reference (used in reports and error lists).

    >>> real_posting_id("remotewlb-remote-jobs", "jobs/Java/2024-06/senior-tpm/README.md")
    'wlb:senior-tpm'
    >>> real_posting_id("hn-who-is-hiring", "id 46875895")
    'hn:46875895'
    >>> real_posting_id("remotebear-ats-api", "3f323cf8-53a1-4a33-8cfa-6cbc463fa572")
    'lever:3f323cf8'
    """
    prefix = ID_PREFIX.get(source_dir)
    if prefix is None:
        raise LabelError(
            f"source_dir {source_dir!r} is not supported; use one of {sorted(ID_PREFIX)}"
        )
    if prefix == "wlb":
        parts = record.rstrip("/").split("/")
        return f"wlb:{parts[-2] if len(parts) >= 2 else parts[-1]}"
    if prefix == "hn":
        return f"hn:{record.removeprefix('id').strip()}"
    return f"lever:{record.split('-')[0]}"


def _plain(text: str) -> str:
    """HTML or Markdown reduced to single-spaced plain words (for title checks only)."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", html.unescape(text)))).strip()


def _resolve(data_dir: Path, source_dir: str, file: str) -> Path:
    """The file a reference names: relative to its source folder, else to the data folder."""
    for candidate in (data_dir / source_dir / file, data_dir / file):
        if candidate.is_file():
            return candidate
    raise LabelError(
        f"{data_dir / source_dir / file} is missing (nor is it at {data_dir / file}); "
        "the shared data folder is not the one the labels were made for"
    )


class _Sources:
    """Opens each source file once and reads records out of it."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._stack = ExitStack()
        self._tars: dict[Path, tarfile.TarFile] = {}
        self._json: dict[Path, Any] = {}

    def close(self) -> None:
        """Close the archives opened so far."""
        self._stack.close()

    def _load_json(self, path: Path) -> Any:
        if path not in self._json:
            try:
                self._json[path] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise LabelError(f"{path}: cannot read as JSON ({exc})") from None
        return self._json[path]

    def remotewlb(self, path: Path, record: str, title: str, where: str) -> str:
        if path not in self._tars:
            try:
                # Closed by close() through the ExitStack, after the last record is read.
                archive = tarfile.open(path, "r:gz")  # noqa: SIM115
                self._tars[path] = self._stack.enter_context(archive)
            except (OSError, tarfile.TarError) as exc:
                raise LabelError(f"{path}: cannot open the archive ({exc})") from None
        try:
            member = self._tars[path].extractfile(record)
        except KeyError:
            member = None
        if member is None:
            raise LabelError(f"{where}: {path} has no file {record!r}")
        text = member.read().decode("utf-8")
        first = text.splitlines()[0] if text else ""
        if title.strip() not in first:
            raise LabelError(
                f"{where}: {record} in {path} starts {first[:80]!r}, not the title {title!r}"
            )
        return text

    def hn(self, path: Path, record: str, title: str, where: str) -> str:
        try:
            wanted = int(record.removeprefix("id").strip())
        except ValueError:
            raise LabelError(f"{where}: record {record!r} is not 'id NUMBER'") from None
        jobs = self._load_json(path).get("jobs") or []
        found = [job for job in jobs if isinstance(job, dict) and job.get("id") == wanted]
        if not found or not isinstance(found[0].get("text"), str):
            raise LabelError(f"{where}: {path} has no post with id {wanted} and a text")
        text: str = found[0]["text"]
        if not _plain(text).startswith(_plain(title)):
            raise LabelError(
                f"{where}: post {wanted} in {path} starts {_plain(text)[:80]!r}, "
                f"not the title {title!r}"
            )
        return text

    def lever(self, path: Path, record: str, title: str, where: str) -> str:
        data = self._load_json(path)
        found = [p for p in data if isinstance(p, dict) and p.get("id") == record]
        if not found:
            raise LabelError(f"{where}: {path} has no Lever posting with id {record!r}")
        posting = found[0]
        if posting.get("text") != title:
            raise LabelError(
                f"{where}: Lever posting {record} is titled {posting.get('text')!r}, "
                f"the label says {title!r}"
            )
        return lever_html(posting)


def _index(data_dir: Path) -> dict[tuple[str, str, str], str]:
    path = data_dir / INDEX_NAME
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise LabelError(f"{path}: cannot read ({exc.strerror})") from None
    return {(r["source_dir"], r["file"], r["record"]): r["title_or_first_line"] for r in rows}


def load_real_tpm(
    data_dir: str | Path, labels_path: str | Path
) -> tuple[list[LabelledPosting], list[PostingLabel]]:
    """The real held-out postings and their labels, resolved from `data_dir` at run time.

    `data_dir` is `../shared/data` (relative to the repository root). Every label must
    name a row of `TPM_INDEX.csv` with the same title, and the record must exist in the
    file it names; otherwise a `LabelError` says which label line and what differs.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise LabelError(
            f"{data_dir} is missing: the real postings are read from ../shared/data beside "
            "the repository (see its README); check out the workspace's shared/ folder"
        )
    index = _index(data_dir)
    sources = _Sources(data_dir)
    readers: dict[str, Callable[[Path, str, str, str], str]] = {
        "remotewlb-remote-jobs": sources.remotewlb,
        "hn-who-is-hiring": sources.hn,
        "remotebear-ats-api": sources.lever,
    }
    postings: list[LabelledPosting] = []
    labels: list[PostingLabel] = []
    seen: set[str] = set()
    try:
        for where, obj in _read_jsonl(Path(labels_path)):
            if not isinstance(obj, dict):
                raise LabelError(f"{where}: expected a JSON object")
            source_dir = _require(obj, "source_dir", str, where)
            file = _require(obj, "file", str, where)
            record = _require(obj, "record", str, where)
            title = _require(obj, "title", str, where)
            if source_dir not in readers:
                raise LabelError(
                    f"{where}: source_dir {source_dir!r} is not supported; "
                    f"use one of {sorted(readers)}"
                )
            indexed = index.get((source_dir, file, record))
            if indexed is None:
                raise LabelError(
                    f"{where}: ({source_dir}, {file}, {record}) is not a row of "
                    f"{data_dir / INDEX_NAME}; copy source_dir, file and record from it"
                )
            if indexed != title:
                raise LabelError(
                    f"{where}: {INDEX_NAME} titles this record {indexed!r}, "
                    f"the label says {title!r}"
                )
            pid = real_posting_id(source_dir, record)
            if pid in seen:
                raise LabelError(f"{where}: posting {pid!r} is labelled twice")
            seen.add(pid)
            label = parse_label({**obj, "id": pid}, where)
            text = readers[source_dir](_resolve(data_dir, source_dir, file), record, title, where)
            postings.append(LabelledPosting(pid, text, _plain(title)))
            labels.append(label)
    finally:
        sources.close()
    return postings, labels
