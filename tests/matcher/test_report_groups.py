"""Reports read asks as a recruiter does: "met by PMP", "PMP or PgMP", in all four formats."""

from __future__ import annotations

import html
import json
from dataclasses import replace
from pathlib import Path

import pytest

from matcher.report import Report, build_report, render
from matcher.report.text import render_text
from matcher.scoring.config import ScoringConfig, load_scoring_config
from matcher.taxonomy import Taxonomy
from tests.matcher.scoring_fixtures import candidate, posting, req

ROOT = Path(__file__).resolve().parents[2]
PMP = "Project Management Professional (PMP)"
PGMP = "Program Management Professional (PgMP)"
CAPM = "Certified Associate in Project Management (CAPM)"


@pytest.fixture(scope="module")
def report(taxonomy: Taxonomy) -> Report:
    config: ScoringConfig = load_scoring_config(ROOT / "scoring.yaml")

    def group(ids: list[str], evidence: str) -> list:
        return [replace(req(taxonomy, c, evidence=evidence), group=1) for c in ids]

    postings = [
        posting(1, group(["credential.pgmp", "credential.pmp"], "PgMP or PMP required.")),
        posting(2, [req(taxonomy, "method.agile", evidence="Agile experience.")]),
        posting(3, group(["tool.aws", "tool.azure", "tool.gcp"], "AWS, Azure or GCP.")),
        posting(4, group(["credential.pgmp", "credential.capm"], "PgMP or CAPM required.")),
    ]
    cand = candidate(
        "Pat", concepts={"credential.pmp": None, "method.scrum": 5.0, "tool.gcp": None}
    )
    return build_report(cand, postings, taxonomy, config, top=4)


def _by_posting(report: Report) -> dict[str, object]:
    return {m.posting_id.rsplit(":", 1)[1]: m for m in report.matches}


def test_model_and_json(report: Report) -> None:
    m = _by_posting(report)
    assert [(r.id, r.via.concept_id) for r in m["1"].matched] == [
        ("credential.pgmp", "credential.pmp")
    ]
    assert m["1"].missing_required == [] and m["1"].breakdown["credential_penalty"] == 0
    assert m["2"].matched[0].met_by == "met by Scrum"
    assert m["3"].missing_required == [] and m["3"].matched[0].via.concept_id == "tool.gcp"
    [missing] = m["4"].missing_required
    assert missing.name == f"{PGMP} or {CAPM}"
    data = {
        x["posting_id"].rsplit(":", 1)[1]: x for x in json.loads(render(report, "json"))["matches"]
    }
    assert data["1"]["matched"][0]["via"] == {
        "relation": "alternative",
        "concept_id": "credential.pmp",
    }
    assert data["2"]["matched"][0]["via"] == {"relation": "narrower", "concept_id": "method.scrum"}
    assert data["2"]["matched"][0]["any_of"] is None
    assert data["3"]["matched"][0]["any_of"] == ["tool.aws", "tool.azure", "tool.gcp"]
    [item] = data["4"]["missing_required"]
    assert item["id"] == "credential.pgmp" and item["any_of"] == [
        "credential.pgmp",
        "credential.capm",
    ]
    assert item["via"] is None
    assert all(
        g["concept_id"] not in {"credential.pgmp", "tool.aws", "method.agile"}
        or g["concept_id"] == "credential.pgmp"
        for g in json.loads(render(report, "json"))["gaps"]
    )


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_every_format_says_met_by_and_or(report: Report, fmt: str) -> None:
    out = render_text(report, width=400) if fmt == "text" else render(report, fmt)  # no wraps
    if fmt == "html":
        out = html.unescape(out)
    if fmt == "md":
        out = out.replace("\\", "")
    flat = " ".join(out.split())
    assert f"met by {PMP}" in flat
    assert "met by Scrum" in flat
    assert "met by Google Cloud Platform" in flat
    assert f"{PGMP} or {CAPM}" in flat
    assert "Microsoft Azure" not in flat.split("What would raise")[1]
