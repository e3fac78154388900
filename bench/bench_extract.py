"""Throughput and memory of the extraction pipeline on 6,672 real postings.

    python bench/bench_extract.py                 # all postings, batch 256, one process
    python bench/bench_extract.py --n-process 2   # also the Extractor on two processes
    python bench/bench_extract.py --limit 1000 --rounds 1

Reads the Markdown postings straight out of
../shared/data/remotewlb-remote-jobs/remote-jobs_jobs-tree.tar.gz (nothing is extracted
to disk) and measures, in the same run and on the same texts:

- the bare spaCy tokenizer (`nlp.tokenizer.pipe`), the reference;
- the tpm pipeline (`nlp.pipe`: tokenizer + tpm_sentences + tpm_lemmas + tpm_taxonomy);
- the whole Extractor (`extract_many`: the pipeline plus sections, cues, years, degree,
  level and the Extraction objects);
- for reference, spaCy's own `sentencizer` and lookup `lemmatizer` on a blank pipeline,
  which the tpm components replace.

Every figure is the best of `--rounds` interleaved rounds (the machine is shared), by
wall time and by this process's CPU time (steadier under load from other processes);
ratios are to the tokenizer's postings/s in the same run (target: pipeline >= 0.5).
Each batch runs inside `nlp.memory_zone()`; RSS is sampled after every batch to show
that memory stays flat, and the process's peak RSS is reported.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tarfile
import time
from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path

import psutil
import spacy
from spacy.language import Language

from matcher.extract import Extractor
from matcher.taxonomy import load_taxonomy

REPO_ROOT = Path(__file__).resolve().parents[1]
TARBALL = (
    REPO_ROOT.parent / "shared" / "data" / "remotewlb-remote-jobs" / "remote-jobs_jobs-tree.tar.gz"
)


def read_postings(path: Path, limit: int | None) -> list[str]:
    """The Markdown files of the tarball, read in memory."""
    if not path.is_file():
        sys.exit(f"error: {path} is missing (the shared data folder beside the repository)")
    texts: list[str] = []
    with tarfile.open(path) as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".md"):
                handle = tar.extractfile(member)
                if handle is not None:
                    texts.append(handle.read().decode("utf-8", "replace"))
            if limit and len(texts) >= limit:
                break
    return texts


def batches(texts: list[str], size: int) -> Iterable[list[str]]:
    stream = iter(texts)
    while chunk := list(islice(stream, size)):
        yield chunk


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def run_pipe(nlp: Language, texts: list[str], batch_size: int, rss: list[float]) -> int:
    """nlp.pipe batch by batch, each in a memory zone; returns the number of spans."""
    spans = 0
    for chunk in batches(texts, batch_size):
        with nlp.memory_zone():
            for doc in nlp.pipe(chunk, batch_size=batch_size):
                spans += len(doc.spans.get("tpm", ()))
        rss.append(rss_mb())
    return spans


def run_tokenizer(nlp: Language, texts: list[str], batch_size: int, rss: list[float]) -> int:
    tokens = 0
    for chunk in batches(texts, batch_size):
        with nlp.memory_zone():
            for doc in nlp.tokenizer.pipe(chunk, batch_size=batch_size):
                tokens += len(doc)
        rss.append(rss_mb())
    return tokens


def timed(job: Callable[[], object]) -> tuple[float, float, object]:
    """Wall seconds, CPU seconds of this process, and the job's result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = job()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N postings")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--n-process", type=int, default=1, help="also run extract_many on N")
    parser.add_argument("--rounds", type=int, default=2, help="best of N rounds per figure")
    args = parser.parse_args()

    texts = read_postings(TARBALL, args.limit)
    n = len(texts)
    chars = sum(map(len, texts))
    print(f"{n} postings, {chars / n:,.0f} characters on average, batch size {args.batch_size}")
    rss_start = rss_mb()

    start = time.perf_counter()
    extractor = Extractor(load_taxonomy(REPO_ROOT / "skills_taxonomy.yaml"))
    print(f"pipeline built in {time.perf_counter() - start:.2f}s: {extractor.nlp.pipe_names}")
    nlp = extractor.nlp
    items = [(str(i), text, None) for i, text in enumerate(texts)]

    reference = spacy.blank("en")
    sentencizer = spacy.blank("en")
    sentencizer.add_pipe("sentencizer")
    lemmatizer = spacy.blank("en")
    lemmatizer.add_pipe("lemmatizer", config={"mode": "lookup"})
    lemmatizer.initialize()

    rss: dict[str, list[float]] = {}
    jobs: list[tuple[str, Callable[[], object]]] = [
        ("bare tokenizer", lambda: run_tokenizer(reference, texts, args.batch_size, rss["t"])),
        ("tpm pipeline (nlp.pipe)", lambda: run_pipe(nlp, texts, args.batch_size, rss["p"])),
        (
            "Extractor.extract_many",
            lambda: sum(
                len(e.requirements)
                for e in extractor.extract_many(items, batch_size=args.batch_size)
            ),
        ),
        ("ref: spaCy sentencizer", lambda: run_pipe(sentencizer, texts, args.batch_size, [])),
        ("ref: spaCy lookup lemmatizer", lambda: run_pipe(lemmatizer, texts, args.batch_size, [])),
    ]
    if args.n_process > 1:
        jobs.append(
            (
                f"Extractor.extract_many n_process={args.n_process}",
                lambda: sum(
                    len(e.requirements)
                    for e in extractor.extract_many(
                        items, batch_size=args.batch_size, n_process=args.n_process
                    )
                ),
            )
        )
    rss["t"], rss["p"] = [], []
    # Rounds are interleaved (every stage once, then again) so that load from other
    # processes on the shared machine falls on every stage alike; best round kept.
    results: dict[str, tuple[float, float, object]] = {}
    for _ in range(args.rounds):
        for name, job in jobs:
            wall, cpu, result = timed(job)
            prior = results.get(name)
            results[name] = (
                min(wall, prior[0]) if prior else wall,
                min(cpu, prior[1]) if prior else cpu,
                result,
            )

    base_wall = n / results["bare tokenizer"][0]
    base_cpu = n / results["bare tokenizer"][1]
    print(
        f"\n{'stage':<44}{'wall s':>8}{'post/s':>8}{'ratio':>7}"
        f"{'cpu s':>8}{'post/s':>8}{'ratio':>7}"
    )
    for name, (wall, cpu, _) in results.items():
        child = "n_process" in name  # workers' CPU time is not this process's
        cpu_cols = (
            f"{'-':>8}{'-':>8}{'-':>7}"
            if child
            else f"{cpu:>8.2f}{n / cpu:>8.0f}{n / cpu / base_cpu:>7.2f}"
        )
        print(f"{name:<44}{wall:>8.2f}{n / wall:>8.0f}{n / wall / base_wall:>7.2f}{cpu_cols}")
    spans = results["tpm pipeline (nlp.pipe)"][2]
    reqs = results["Extractor.extract_many"][2]
    print(f"\nconcept spans found: {spans}; requirements reported: {reqs}")
    pipe_rss = rss["p"]
    half = pipe_rss[len(pipe_rss) // 2 :] or pipe_rss
    print(
        f"RSS: {rss_start:.0f} MB at start; pipeline batches {min(pipe_rss):.0f}-"
        f"{max(pipe_rss):.0f} MB (second half {min(half):.0f}-{max(half):.0f} MB); "
        f"peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    pipe_wall, pipe_cpu = results["tpm pipeline (nlp.pipe)"][:2]
    ext_wall, ext_cpu = results["Extractor.extract_many"][:2]
    print(
        f"pipeline/tokenizer ratio: {n / pipe_cpu / base_cpu:.2f} by CPU time, "
        f"{n / pipe_wall / base_wall:.2f} by wall time (target >= 0.50); "
        f"whole Extractor: {n / ext_cpu / base_cpu:.2f} / {n / ext_wall / base_wall:.2f}"
    )


if __name__ == "__main__":
    main()
