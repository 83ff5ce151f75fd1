"""The fundus pages (``../shared/pages/fundus``): each page with the values fundus's parser reviewed for it.

A publisher's ``<Publisher>.json`` holds one entry per page (``V1``, ``V1_1``, …, newest last), paired with
its pages in crawl-date order (the set's ``README.md``). Publishers fall into a *tune* half and a *check*
half by a hash of ``country/Publisher``: rules are written looking at the tune half only, and the check half
says whether they carry over to publishers nobody looked at.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["FundusPage", "fundus_pages", "half_of"]


@dataclass(slots=True)
class FundusPage:
    key: str  # "de/BR_2024_04_22.html.gz"
    publisher: str  # "de/BR"
    half: str  # "tune" | "check"
    url: str | None
    html: str
    title: str | None
    authors: list[str]
    published: datetime | None  # with the offset the gold states
    paragraphs: list[str] = field(default_factory=list)


def half_of(publisher: str) -> str:
    """The publisher's half: fixed by the name alone, so it never moves when pages are added."""
    digest = hashlib.sha256(publisher.encode("utf-8")).digest()
    return "tune" if digest[0] % 2 == 0 else "check"


def _paragraphs(body: Any) -> list[str]:
    if not isinstance(body, dict):
        return []
    out = [str(p) for p in body.get("summary") or []]
    for section in body.get("sections") or []:
        out.extend(str(p) for p in section.get("paragraphs") or [])
    return [p for p in out if p.strip()]


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def fundus_pages(root: Path) -> list[FundusPage]:
    pages: list[FundusPage] = []
    for info_path in sorted(root.glob("*/meta.info")):
        country = info_path.parent
        info: dict[str, dict[str, str]] = json.loads(info_path.read_text(encoding="utf-8"))
        by_publisher: dict[str, list[str]] = {}
        for name in info:
            by_publisher.setdefault(name.rsplit("_", 3)[0], []).append(name)
        for publisher, names in sorted(by_publisher.items()):
            gold_path = country / f"{publisher}.json"
            if not gold_path.exists():
                continue
            versions = list(json.loads(gold_path.read_text(encoding="utf-8")).values())
            names.sort(key=lambda n: info[n].get("crawl_date", ""))
            if len(versions) != len(names):
                raise SystemExit(f"{gold_path}: {len(versions)} entries for {len(names)} pages")
            pub = f"{country.name}/{publisher}"
            for name, gold in zip(names, versions, strict=True):
                html = gzip.decompress((country / name).read_bytes()).decode("utf-8", "replace")
                pages.append(
                    FundusPage(
                        key=f"{country.name}/{name}",
                        publisher=pub,
                        half=half_of(pub),
                        url=info[name].get("url"),
                        html=html,
                        title=gold.get("title"),
                        authors=[str(a) for a in gold.get("authors") or []],
                        published=_time(gold.get("publishing_date")),
                        paragraphs=_paragraphs(gold.get("body")),
                    )
                )
    return pages
