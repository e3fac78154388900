"""A report over hand-made postings whose text holds markup and script, and a real warehouse."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from matcher.models import Degree, Extraction, Posting
from matcher.report import Report, build_report
from matcher.scoring.config import ScoringConfig
from matcher.taxonomy import Taxonomy
from tests.matcher.scoring_fixtures import EVIL, candidate, posting, req
from warehouse import Warehouse


def evil_postings(taxonomy: Taxonomy) -> list[tuple[Posting, Extraction]]:
    """Six postings; titles, companies, evidence and one URL carry markup and script."""
    out = []
    for i in range(6):
        reqs = [
            req(taxonomy, "tool.jira", evidence=f"3+ years of Jira {EVIL}", years=3),
            req(taxonomy, "credential.pmp", evidence="PMP or equivalent required."),
            req(taxonomy, "method.kanban", required=i % 2 == 0, evidence=f"Kanban {EVIL}"),
        ]
        out.append(
            posting(
                i,
                reqs,
                min_years=5,
                degree=Degree("bachelor", ["computer science"]),
                level="level.tpm",
                title=f"Technical Program Manager {EVIL}",
                company=f"Acme {EVIL}",
                url="javascript:alert(4)" if i == 0 else f"https://jobs.example.test/acme/{i}",
                location="Austin, TX",
                salary_min=120000 + 5000 * i,
                salary_max=150000,
                salary_currency="USD",
                salary_period="year",
            )
        )
    return out


def evil_report(taxonomy: Taxonomy, config: ScoringConfig) -> Report:
    cand = candidate(
        f"Ada {EVIL}",
        concepts={"tool.jira": 5.0, "credential.csm": None},
        total_years=6,
        degree_level="bachelor",
        degree_field="computer science",
        level_id="level.tpm",
        level_rank=3,
        level_basis="title",
        location="Austin, TX",
        remote_pref="hybrid",
        salary_min=130000,
        salary_currency="USD",
        salary_period="year",
        unknown_skills=[f"basket weaving {EVIL}"],
    )
    return build_report(cand, evil_postings(taxonomy), taxonomy, config, top=4)


def make_warehouse(path: Path, taxonomy: Taxonomy) -> Path:
    """A real DuckDB warehouse holding the evil postings as open postings."""
    postings = evil_postings(taxonomy)
    wh = Warehouse(path)
    with wh.staging("test-run") as st:
        st.load_concepts(taxonomy)
        st.load_postings(
            [p for p, _ in postings],
            crawled_ok={"greenhouse:acme": True},
            seen_at=datetime(2026, 11, 25, 2, 0),
        )
        st.load_extractions([e for _, e in postings])
        st.publish()
    return path
