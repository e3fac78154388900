"""`tpm-match nightly --demo`: the whole pipeline on the bundled demo board, offline.

Starts the demo board server (crawlers/demo/boards) on a free localhost port, writes a
sources file for it under the work dir, registers the example candidate
(`examples/profile.yaml`), runs the nightly flow (ephemeral Prefect, no server) into
`settings.warehouse_path`, writes the candidate's HTML report and the night's digest
(`out/digests/<id>.html`; the demo sends no alert) and returns where everything is. A
rich progress display shows each stage.

Import this module only after `flows.runtime.configure_prefect`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from flows.progress import ProgressEvent, listening
from flows.settings import Settings

#: The example candidate the demo registers (written by the report room).
EXAMPLE_PROFILE = Path("examples/profile.yaml")
STAGES: tuple[tuple[str, str], ...] = (
    ("board", "demo board"),
    ("candidate", "example candidate"),
    ("crawl", "crawl"),
    ("extract", "extract"),
    ("load", "load + dedup"),
    ("score", "score"),
    ("publish", "publish"),
    ("report", "report"),
)


@dataclass(slots=True)
class DemoResult:
    """Where the demo put things, and what the nightly run said."""

    warehouse_path: Path
    report_path: Path | None
    candidate_id: str
    summary: dict[str, Any] = field(default_factory=dict)
    #: the example candidate's digest of the night (written to a file; nothing is sent)
    digest_path: Path | None = None


class StageDisplay:
    """A rich progress bar per stage, driven by `flows.progress` events."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            SpinnerColumn(finished_text="[green]✓"),
            TextColumn("[bold]{task.fields[label]:<18}"),
            BarColumn(bar_width=24),
            TextColumn("{task.description}", markup=False),  # board and candidate text
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, event: ProgressEvent) -> None:
        task = self.tasks.get(event.stage)
        if task is None:
            return
        self.progress.start_task(task)
        update: dict[str, Any] = {"description": event.message}
        if event.total is not None:
            update["total"] = max(event.total, 1)
        if event.completed is not None:
            update["completed"] = event.completed
        if event.done:
            done_total = self.progress.tasks[self._index(task)].total or 1
            update["total"] = done_total
            update["completed"] = done_total
        self.progress.update(task, **update)

    def _index(self, task: TaskID) -> int:
        return [t.id for t in self.progress.tasks].index(task)

    @contextmanager
    def shown(self) -> Iterator[StageDisplay]:
        with self.progress:
            for stage, label in STAGES:
                self.tasks[stage] = self.progress.add_task(
                    "waiting", label=label, total=None, start=False
                )
            with listening(self):
                yield self


def run_demo(
    settings: Settings, console: Console, *, profile: Path = EXAMPLE_PROFILE
) -> DemoResult:
    """Run the demo end to end; raise on failure (the CLI turns that into a clear error)."""
    from crawlers.demo_board import DemoBoard
    from flows.candidates import add_candidate
    from flows.commands.digest import write_digest
    from flows.match_report import match_report
    from flows.nightly import nightly
    from flows.progress import emit
    from flows.runtime import local_run_settings

    demo_dir = settings.work_dir / "demo"
    demo_dir.mkdir(parents=True, exist_ok=True)
    display = StageDisplay(console)
    with display.shown(), DemoBoard() as board:
        sources_path = board.write_sources_yaml(demo_dir / "sources.yaml")
        emit("board", f"{len(board.sources())} boards at {board.base_url}", done=True)
        run_settings = settings.model_copy(
            update={
                "sources_path": sources_path,
                "crawl_retry_delay_s": 2.0,
                # the demo's boards are small: start several Scrapy processes at once
                "crawl_concurrency": max(settings.crawl_concurrency, 4),
                # the demo sends no alert: the digest is written to a file instead
                "alert_send": False,
            }
        )
        emit("candidate", f"registering {profile}")
        registered = add_candidate(run_settings, profile)
        emit("candidate", f"{registered.facts.name} ({registered.facts.candidate_id})", done=True)
        with local_run_settings(run_settings):
            summary = nightly(run_settings)
            emit("report", f"writing the report of {registered.facts.name}")
            report = Path(match_report(registered.facts.candidate_id, run_settings))
            digest = write_digest(run_settings, registered.facts.candidate_id)
        emit("report", str(report), done=True)
    return DemoResult(
        settings.warehouse_path, report, registered.facts.candidate_id, summary, digest
    )
