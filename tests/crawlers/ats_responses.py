"""Turn the real ATS responses of ../shared/data/remotebear-ats-api into what the spiders ask.

Three of the recorded responses are not the exact shape our spiders request, so the
tests rebuild that shape from the real records (titles, ids, locations, dates, and
Personio's real HTML descriptions stay as recorded):

- Personio was recorded as its `search.json`; `personio_xml` writes the same positions as
  the `/xml` feed;
- Workday was recorded from the legacy search UI (338 listings of Zoom in 7 pages);
  `workday_listings` gives them as CXS `jobPostings` entries;
- SmartRecruiters, Workable and Workday list responses have no descriptions: their
  detail responses are the recorded entry plus a short description written here
  (`DETAIL_HTML`), so that the postings pass validation and their fields can be checked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

#: The description the tests add to detail responses (our text).
DETAIL_HTML = "<p>Plan the roadmap with the engineering teams.</p><ul><li>Own the launch.</li></ul>"
#: A company description the SmartRecruiters spider must leave out of the text.
COMPANY_HTML = "<p>We are a company that does company things.</p>"


def personio_xml(positions: list[dict[str, Any]]) -> bytes:
    """Personio's XML feed holding the recorded search.json positions."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<workzag-jobs>']
    for p in positions:
        parts.append(
            "<position>"
            f"<id>{p['id']}</id><office>{escape(p['office'])}</office>"
            f"<department>{escape(p['department'])}</department>"
            f"<name>{escape(p['name'])}</name>"
            "<jobDescriptions><jobDescription><name>Description</name>"
            f"<value><![CDATA[{p['description']}]]></value>"
            "</jobDescription></jobDescriptions>"
            f"<employmentType>{escape(p['employment_type'])}</employmentType>"
            f"<seniority>{escape(p['seniority'])}</seniority>"
            f"<schedule>{escape(p['schedule'])}</schedule>"
            f"<keywords>{escape(p['keywords'])}</keywords>"
            "</position>"
        )
    parts.append("</workzag-jobs>\n")
    return "\n".join(parts).encode("utf-8")


def _legacy_items(page: dict[str, Any]) -> list[dict[str, Any]]:
    result = next(c for c in page["body"]["children"] if c.get("widget") == "facetSearchResult")
    lists = [c for c in result["children"] if c.get("widget") == "facetSearchResultList"]
    return lists[0].get("listItems") or [] if lists else []


def workday_listings(folder: Path) -> list[dict[str, Any]]:
    """The 338 recorded Zoom listings as CXS `jobPostings` entries (in page order)."""
    out: list[dict[str, Any]] = []
    for n in range(1, 8):
        page = json.loads((folder / f"response-{n}.json").read_text(encoding="utf-8"))
        for item in _legacy_items(page):
            texts = [s["instances"][0]["text"] for s in item["subtitles"]]
            link = item["title"]["commandLink"]
            out.append(
                {
                    "title": item["title"]["instances"][0]["text"],
                    "externalPath": link[link.index("/job/") :],
                    "locationsText": texts[1] if len(texts) > 1 else "",
                    "postedOn": texts[2] if len(texts) > 2 else "",
                    "bulletFields": [texts[0]],
                }
            )
    return out


def workday_detail(listing: dict[str, Any]) -> dict[str, Any]:
    """A CXS job detail for a listing (with DETAIL_HTML as its description)."""
    return {
        "jobPostingInfo": {
            "id": listing["bulletFields"][0],
            "title": listing["title"],
            "jobDescription": f"<p>Requisition {listing['bulletFields'][0]}.</p>{DETAIL_HTML}",
            "location": listing["locationsText"],
            "postedOn": listing["postedOn"],
            "jobReqId": listing["bulletFields"][0],
            "timeType": "Full time",
            "externalUrl": f"https://zoom.wd5.myworkdayjobs.com/Zoom{listing['externalPath']}",
        },
        "hiringOrganization": {"name": "Zoom", "url": ""},
    }
