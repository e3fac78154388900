"""Read schema.org JobPosting from HTML: JSON-LD blocks and microdata.

Pure functions over text (no Scrapy) used by the `jsonld` spider. A block that is not
valid JSON is reported, never fatal: the other blocks and pages go on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from parsel import Selector

_WRAPPER_RE = re.compile(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$")


@dataclass
class PageData:
    """What one page holds: JobPosting objects, the other types seen, and bad blocks."""

    postings: list[dict[str, Any]] = field(default_factory=list)
    other_types: list[str] = field(default_factory=list)
    bad_blocks: list[str] = field(default_factory=list)
    blocks: int = 0


def _types(node: dict[str, Any]) -> list[str]:
    value = node.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return [str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values]


def _walk(node: Any, page: PageData) -> None:
    if isinstance(node, list):
        for child in node:
            _walk(child, page)
        return
    if not isinstance(node, dict):
        return
    types = _types(node)
    if "JobPosting" in types:
        page.postings.append(node)
        return
    page.other_types += [t for t in types if t]
    for key in ("@graph", "itemListElement", "item", "mainEntity", "hasPart"):
        if key in node:
            _walk(node[key], page)


def parse_page(html_text: str) -> PageData:
    """Every JobPosting on the page (JSON-LD first, then microdata).

    >>> page = parse_page('<script type="application/ld+json">{"@type": "JobPosting",'
    ...                   '"title": "TPM"}</script><script type="application/ld+json">{oops'
    ...                   '</script>')
    >>> [p["title"] for p in page.postings], len(page.bad_blocks)
    (['TPM'], 1)
    """
    page = PageData()
    selector = Selector(text=html_text or "<html></html>")
    scripts = selector.xpath(
        "//script[translate(@type, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
        " = 'application/ld+json']/text()"
    ).getall()
    for index, raw in enumerate(scripts):
        page.blocks += 1
        text = _WRAPPER_RE.sub("", raw).strip()
        try:
            data = json.loads(text, strict=False)  # strict=False: raw newlines in strings
        except json.JSONDecodeError as exc:
            page.bad_blocks.append(
                f"JSON-LD block {index + 1} is not valid JSON "
                f"({exc.msg} at line {exc.lineno} column {exc.colno})"
            )
            continue
        _walk(data, page)
    page.postings += list(microdata_postings(selector))
    return page


def _micro_value(node: Any, name: str) -> Any:
    """The value of one itemprop element (nested itemscope -> dict)."""
    if node.get("itemscope") is not None:
        return _micro_item(node)
    for attr in ("content", "datetime", "href", "src"):
        if node.get(attr) is not None:
            return node.get(attr).strip()
    if name == "description":  # keep the markup: inner HTML
        inner = (node.text or "") + "".join(
            etree.tostring(child, encoding="unicode", method="html") for child in node
        )
        return inner.strip()
    return " ".join(node.text_content().split())


def _micro_collect(node: Any, out: dict[str, Any]) -> None:
    for child in node:
        if not isinstance(child.tag, str):
            continue
        prop = child.get("itemprop")
        if prop:
            value = _micro_value(child, prop)
            for name in prop.split():
                if name in out:
                    existing = out[name]
                    out[name] = (
                        [*existing, value] if isinstance(existing, list) else [existing, value]
                    )
                else:
                    out[name] = value
            if child.get("itemscope") is not None:
                continue
        elif child.get("itemscope") is not None:
            continue  # an unrelated nested item
        _micro_collect(child, out)


def _micro_item(node: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"@type": (node.get("itemtype") or "").rsplit("/", 1)[-1]}
    _micro_collect(node, out)
    return out


def microdata_postings(selector: Selector) -> Iterator[dict[str, Any]]:
    """JobPosting microdata (`itemtype=".../JobPosting"`) as JSON-LD-shaped dicts.

    >>> sel = Selector(text='<div itemscope itemtype="https://schema.org/JobPosting">'
    ...   '<h1 itemprop="title">TPM</h1><div itemprop="jobLocation" itemscope>'
    ...   '<span itemprop="addressLocality">Austin</span></div></div>')
    >>> [(p["title"], p["jobLocation"]["addressLocality"]) for p in microdata_postings(sel)]
    [('TPM', 'Austin')]
    """
    for scope in selector.xpath("//*[@itemscope][contains(@itemtype, 'schema.org/JobPosting')]"):
        yield _micro_item(scope.root)


def _name(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("name") or value.get("value")
    if isinstance(value, list):
        value = next((v for v in (_name(x) for x in value) if v), None)
    return str(value).strip() or None if value not in (None, "") else None


def location_text(value: Any) -> str | None:
    """A readable location from jobLocation (Place, list of Places, or text).

    >>> location_text({"address": {"addressLocality": "Austin", "addressRegion": "TX"}})
    'Austin, TX'
    """
    if isinstance(value, list):
        names = [n for n in (location_text(v) for v in value) if n]
        return "; ".join(dict.fromkeys(names)) or None
    if isinstance(value, str):
        return value.strip() or None
    if not isinstance(value, dict):
        return None
    address = value.get("address", value)
    if isinstance(address, str):
        return address.strip() or None
    if not isinstance(address, dict):
        return _name(value)
    parts = [
        _name(address.get(k))
        for k in ("addressLocality", "addressRegion", "addressCountry")
        if address.get(k)
    ]
    return ", ".join(p for p in parts if p) or _name(value)


def identifier_value(value: Any) -> Any:
    """JobPosting.identifier as given: a PropertyValue's value, or the plain value.

    The spider checks its type (a string or an integer); None when there is none.

    >>> identifier_value({"@type": "PropertyValue", "value": 17}), identifier_value("A-1")
    (17, 'A-1')
    """
    if isinstance(value, dict):
        value = value.get("value") or value.get("@id") or value.get("name")
    return value


def salary_fields(value: Any) -> dict[str, Any]:
    """baseSalary (MonetaryAmount) as salary_min/max/currency and the raw unit text.

    >>> salary_fields({"currency": "USD", "value": {"minValue": 1, "maxValue": 2,
    ...                "unitText": "YEAR"}})
    {'salary_min': 1, 'salary_max': 2, 'salary_currency': 'USD', 'salary_period': 'YEAR'}
    """
    if not isinstance(value, dict):
        return {}
    amount = value.get("value")
    out: dict[str, Any] = {"salary_currency": value.get("currency")}
    if isinstance(amount, dict):
        low = amount.get("minValue", amount.get("value"))
        out |= {"salary_min": low, "salary_max": amount.get("maxValue", low)}
        out["salary_period"] = amount.get("unitText") or value.get("unitText")
    elif isinstance(amount, int | float | str):
        out |= {"salary_min": amount, "salary_max": amount, "salary_period": value.get("unitText")}
    return {
        k: out[k]
        for k in ("salary_min", "salary_max", "salary_currency", "salary_period")
        if k in out
    }
