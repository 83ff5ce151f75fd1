"""Where the benchmark's pages live and how to load them (shared data, read-only)."""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("KABAR_SHARED", ROOT.parent / "shared")).resolve()
ZYTE = SHARED / "pages" / "zyte"
ID_PAGES = SHARED / "pages" / "id"
GOLD = ROOT / "tests" / "gold" / "id_gold.json"


@dataclass(slots=True)
class Page:
    key: str  # path under pages/id/ or the Zyte id
    html: str
    url: str | None


def read_html(path: Path) -> str:
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def zyte_pages() -> tuple[list[Page], dict[str, str]]:
    truth = json.loads((ZYTE / "ground-truth.json").read_text(encoding="utf-8"))
    pages = [
        Page(k, read_html(ZYTE / "html" / f"{k}.html.gz"), v.get("url")) for k, v in sorted(truth.items())
    ]
    return pages, {k: v.get("articleBody") or "" for k, v in truth.items()}


def id_page_urls() -> dict[str, str]:
    """Known URLs of the Indonesian pages (what a crawler knows about a page it fetched)."""
    urls: dict[str, str] = {}
    expected = ID_PAGES / "anpandu" / "expected_from_tests.json"
    if expected.exists():
        for name, value in json.loads(expected.read_text(encoding="utf-8")).items():
            urls[f"anpandu/{name}"] = value["url"]
    for info in ID_PAGES.glob("fundus-mediaindonesia/**/meta.info"):
        for name, value in json.loads(info.read_text(encoding="utf-8")).items():
            rel = info.parent.relative_to(ID_PAGES) / name
            urls[str(rel)] = value["url"]
    return urls


def id_article_pages() -> list[Page]:
    """Every Indonesian article page (front pages are not articles)."""
    urls = id_page_urls()
    return [Page(key, read_html(ID_PAGES / key), url) for key, url in sorted(urls.items())]
