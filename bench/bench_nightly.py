"""Benchmark: the nightly flow over a generated board of 10,000 postings, then 1% changed.

Writes Greenhouse, Lever and Ashby board files (the demo board's layout, each job built on
one of the demo board's TPM jobs for its shape) with postings whose text is put together
from TPM sentence templates, serves them with `DemoBoard(root=...)`, registers the example
candidate, and runs the nightly flow (ephemeral Prefect, as `tpm-match nightly` does) into
a temporary warehouse. Then edits the description of 1% of the postings and runs again,
`--repeats` times (another 1% each time: one sample of a noisy shared machine says
little). Prints every run's time per stage, each second run's ratio to the first and
their median (target: a second run costs <= 10% of the first), and the peak RSS of this
process and of the largest child (a Scrapy crawl). All runs are in this one process, so
a second run does not pay Python's imports again; a night started by cron or a Prefect
worker is a new process and also pays them (a few seconds: Prefect, spaCy, DuckDB).

    python bench/bench_nightly.py [--postings 10000] [--changed 0.01] [--repeats 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import html
import json
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from flows.runtime import configure_prefect, local_run_settings  # noqa: E402
from flows.settings import Settings  # noqa: E402

DEMO = REPO / "crawlers" / "demo" / "boards"
# (kind, template file, boards, share of the postings)
LAYOUT: tuple[tuple[str, str, int, float], ...] = (
    ("greenhouse", "northwind-cloud", 2, 0.4),
    ("lever", "quarry-games", 2, 0.3),
    ("ashby", "ledgerly", 2, 0.3),
)
COMPANIES = (
    "Acorn Robotics", "Bluefin Data", "Cobalt Health", "Driftwood Games", "Ember Energy",
    "Fjord Logistics", "Granite Bank", "Harbor Cloud", "Iris Biotech", "Juniper Retail",
    "Kite Aerospace", "Lumen Media",
)  # fmt: skip
LEVELS = ("", "Senior ", "Staff ", "Principal ", "Associate ", "Lead ")
ROLES = (
    "Technical Program Manager", "Technical Project Manager", "Engineering Program Manager",
    "IT Project Manager", "Scrum Master", "Technical Delivery Manager",
)  # fmt: skip
AREAS = (
    "Cloud Platform", "Payments", "Data Infrastructure", "Mobile Apps", "Security Operations",
    "Machine Learning", "Developer Tools", "Network Reliability", "ERP Migration", "Compliance",
    "Observability", "Identity", "Storage", "Search", "Edge Compute", "Release Engineering",
)  # fmt: skip
LOCATIONS = (
    "Remote - US", "Seattle, WA", "Austin, TX", "New York, NY", "London, UK", "Berlin, Germany",
    "Toronto, ON", "Remote (EU)", "Denver, CO (Hybrid)", "Boston, MA",
)  # fmt: skip
DOING = (
    "Drive the {area} roadmap from planning through launch across several engineering teams.",
    "Own the program plan, milestones and critical path for {area} and keep them current in Jira.",
    "Run sprint planning, daily stand-ups and retrospectives for two Scrum teams.",
    "Identify risks and dependencies early and keep a risk register with clear owners.",
    "Report status to executives and stakeholders every week with a concise dashboard.",
    "Coordinate release planning with QA, SRE and product management.",
    "Manage a budget of several million dollars and track spend against forecast.",
    "Lead vendor selection and manage contracts with outside partners.",
    "Define OKRs for the {area} program with engineering leadership.",
    "Improve our change management and incident review processes.",
    "Build program dashboards in Power BI or Tableau from SQL queries.",
    "Facilitate architecture reviews and capture decisions and trade-offs.",
    "Plan capacity with engineering managers and balance resourcing across teams.",
    "Drive the migration of legacy services to AWS with zero customer downtime.",
    "Keep Confluence documentation, RACI charts and runbooks up to date.",
    "Mentor junior program managers and grow our PMO practices.",
)  # fmt: skip
NEEDS = (
    "{years}+ years of experience in technical program management.",
    "Bachelor's degree in Computer Science, Engineering or equivalent practical experience.",
    "Experience with Agile and Scrum, and with Kanban for operational work.",
    "Hands-on experience with Jira and Confluence.",
    "Strong stakeholder management and communication skills.",
    "Experience managing cross-functional programs with distributed teams.",
    "Working knowledge of cloud computing (AWS, Azure or GCP).",
    "Experience with risk management and dependency tracking.",
    "Ability to read SQL and build simple reports.",
    "Experience with budgeting and financial tracking for programs.",
    "Familiarity with CI/CD pipelines and the software development lifecycle.",
    "At least {years2} years of experience working directly with software engineers.",
)  # fmt: skip
NICE = (
    "PMP or PgMP certification.",
    "Certified Scrum Master (CSM) or SAFe certification.",
    "MBA or a Master's degree in engineering.",
    "Experience with MS Project or Smartsheet.",
    "Background in {area} or a related domain.",
    "Experience with Kubernetes and microservices.",
    "Lean Six Sigma training.",
)  # fmt: skip


def _description(rng: random.Random, area: str, company: str) -> str:
    """An HTML description put together from the sentence pools."""
    fill = {"area": area, "years": rng.randint(3, 10), "years2": rng.randint(2, 6)}
    doing = [s.format(**fill) for s in rng.sample(DOING, 6)]
    needs = [s.format(**fill) for s in rng.sample(NEEDS, 6)]
    nice = [s.format(**fill) for s in rng.sample(NICE, 3)]

    def items(lines: list[str]) -> str:
        return "<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>"

    return (
        f"<p>{company} is hiring for its {area} group. You will work with engineering, "
        "product and operations to ship on time and keep everyone informed.</p>"
        f"<h2>What you'll do</h2>{items(doing)}"
        f"<h2>Requirements</h2>{items(needs)}"
        f"<h2>Nice to have</h2>{items(nice)}"
        f"<p>The base salary range is ${rng.randint(110, 160)},000 - "
        f"${rng.randint(170, 240)},000 per year.</p>"
    )


def _template(kind: str, name: str) -> tuple[Any, dict[str, Any]]:
    data = json.loads((DEMO / kind / f"{name}.json").read_text(encoding="utf-8"))
    jobs = data if isinstance(data, list) else data["jobs"]
    title_key = "text" if kind == "lever" else "title"
    job = next(j for j in jobs if "Technical Program Manager" in (j.get(title_key) or ""))
    return data, job


def _job(kind: str, template: dict[str, Any], index: int, rng: random.Random, company: str) -> Any:
    job = copy.deepcopy(template)
    area = rng.choice(AREAS)
    title = f"{rng.choice(LEVELS)}{rng.choice(ROLES)}, {area} {index}"
    text = _description(rng, area, company)
    location = rng.choice(LOCATIONS)
    if kind == "greenhouse":
        job.update(id=9_000_000 + index, internal_job_id=8_000_000 + index, title=title)
        job.update(content=html.escape(text), company_name=company, location={"name": location})
        job["absolute_url"] = f"https://boards.greenhouse.io/bench/jobs/{9_000_000 + index}"
    elif kind == "lever":
        job.update(id=f"bench-{index:06d}", text=title, description=text, descriptionBody=text)
        job.update(descriptionPlain=None, descriptionBodyPlain=None, lists=[])
        job["categories"] = {**job.get("categories", {}), "location": location}
        job["hostedUrl"] = f"https://jobs.lever.co/bench/bench-{index:06d}"
    else:
        job.update(id=f"bench-{index:06d}", title=title, descriptionHtml=text, location=location)
        job.update(descriptionPlain=None, jobUrl=f"https://jobs.ashbyhq.com/bench/{index}")
    return job


def generate(root: Path, total: int, seed: int = 7) -> dict[str, list[str]]:
    """Write the boards under `root`; return {board file: [job ids]} for later edits."""
    rng = random.Random(seed)
    written: dict[str, list[str]] = {}
    index = 0
    for kind, name, boards, share in LAYOUT:
        data, template = _template(kind, name)
        per_board = round(total * share / boards)
        (root / kind).mkdir(parents=True, exist_ok=True)
        for b in range(boards):
            company = COMPANIES[(len(written)) % len(COMPANIES)]
            jobs = []
            for _ in range(per_board):
                jobs.append(_job(kind, template, index, rng, company))
                index += 1
            path = root / kind / f"bench-{kind}-{b}.json"
            if kind == "lever":
                body: Any = jobs
            else:
                body = {**{k: v for k, v in data.items() if k != "jobs"}, "jobs": jobs}
                if kind == "greenhouse":
                    body["meta"] = {"total": len(jobs)}
            path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
            written[str(path)] = [str(j["id"]) for j in jobs]
    return written


def edit(root: Path, fraction: float, seed: int = 11) -> int:
    """Append a sentence to the description of `fraction` of the postings; return how many."""
    boards = {
        path: json.loads(path.read_text(encoding="utf-8")) for path in sorted(root.glob("*/*.json"))
    }
    slots = [
        (path, i)
        for path, data in boards.items()
        for i in range(len(data if isinstance(data, list) else data["jobs"]))
    ]
    chosen = random.Random(seed).sample(slots, round(len(slots) * fraction))
    key = {"greenhouse": "content", "lever": "description", "ashby": "descriptionHtml"}
    extra = "<p>Update: this role now also owns the quarterly vendor review.</p>"
    for path, i in chosen:
        kind = path.parent.name
        data = boards[path]
        job = (data if isinstance(data, list) else data["jobs"])[i]
        job[key[kind]] += html.escape(extra) if kind == "greenhouse" else extra
        if kind == "lever":
            job["descriptionBody"] = job["description"]
    for path, data in boards.items():
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return len(chosen)


def _stage_timer() -> tuple[dict[str, float], Any]:
    from flows.progress import ProgressEvent

    started: dict[str, float] = {}
    seconds: dict[str, float] = {}

    def listen(event: ProgressEvent) -> None:
        now = time.perf_counter()
        started.setdefault(event.stage, now)
        if event.done:
            seconds[event.stage] = now - started.pop(event.stage)

    return seconds, listen


class PeakRSS:
    """Samples the RSS of this process and of its descendants every 0.5 s (psutil)."""

    def __init__(self) -> None:
        self.self_mb = 0.0
        self.child_mb = 0.0
        self.total_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            try:
                own = me.memory_info().rss / 2**20
                children = []
                for child in me.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        children.append(child.memory_info().rss / 2**20)
            except psutil.Error:
                continue
            self.self_mb = max(self.self_mb, own)
            self.child_mb = max([self.child_mb, *children])
            self.total_mb = max(self.total_mb, own + sum(children))
            self._stop.wait(0.5)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def warm_up() -> None:
    """Run an empty flow so that Prefect's temporary server is up before the timings."""
    from prefect import flow

    @flow(name="bench-warm-up")
    def empty() -> None:
        return None

    empty()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=10_000)
    parser.add_argument("--changed", type=float, default=0.01)
    parser.add_argument("--repeats", type=int, default=3, help="second runs to time")
    parser.add_argument("--keep", type=Path, help="keep the board and warehouse in DIR")
    args = parser.parse_args()
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="tpm-bench-nightly-"))
    tmp.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        warehouse_path=tmp / "warehouse" / "tpm.duckdb",
        work_dir=tmp / "out",
        reports_dir=tmp / "reports",
        sources_path=tmp / "sources.yaml",
        taxonomy_path=REPO / "skills_taxonomy.yaml",
        scoring_config_path=REPO / "scoring.yaml",
        crawl_retries=0,
    )
    configure_prefect(settings, log_level="WARNING")
    from crawlers.demo_board import DemoBoard
    from flows.candidates import add_candidate
    from flows.nightly import nightly
    from flows.progress import listening

    board_root = tmp / "board"
    t0 = time.perf_counter()
    generate(board_root, args.postings)
    print(f"generated {args.postings} postings in {time.perf_counter() - t0:.1f} s ({tmp})")
    runs: list[tuple[float, dict[str, float], dict[str, Any]]] = []
    with DemoBoard(root=board_root) as board, PeakRSS() as peak:
        board.write_sources_yaml(settings.sources_path)
        add_candidate(settings, REPO / "examples" / "profile.yaml")
        t0 = time.perf_counter()
        warm_up()  # starts Prefect's temporary server, which neither run should pay for
        print(f"Prefect temporary server started in {time.perf_counter() - t0:.1f} s")
        labels = ["first run", *(f"second run {i + 1}" for i in range(max(1, args.repeats)))]
        for number, label in enumerate(labels):
            if number:
                n = edit(board_root, args.changed, seed=10 + number)
                print(f"edited the description of {n} postings")
            seconds, listener = _stage_timer()
            start = time.perf_counter()
            with listening(listener), local_run_settings(settings):
                summary = nightly(settings)
            elapsed = time.perf_counter() - start
            runs.append((elapsed, seconds, summary))
            stages = summary["stage_counts"]
            other = elapsed - sum(seconds.values())
            print(
                f"{label}: {elapsed:.1f} s, status {summary['status']}; "
                + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items())
                + f", other (reads, dedup, Prefect) {other:.1f} s"
            )
            print(f"  {json.dumps(stages)}")
    first, crawl_1 = runs[0][0], runs[0][1].get("crawl", 0.0)
    print(f"first run:   {first:.1f} s")
    ratios = []
    for number, (second, seconds, _) in enumerate(runs[1:], start=1):
        crawl_2 = seconds.get("crawl", 0.0)
        ratios.append(second / first)
        print(
            f"second run {number}: {second:.1f} s = {second / first:.1%} of the first "
            f"(without the crawl stage: {(second - crawl_2) / (first - crawl_1):.1%})"
        )
    print(f"median ratio: {statistics.median(ratios):.1%} (target <= 10%)")
    print(
        f"peak RSS:   this process {peak.self_mb:.0f} MB, largest child process "
        f"{peak.child_mb:.0f} MB, all together {peak.total_mb:.0f} MB"
    )
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
