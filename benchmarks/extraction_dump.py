"""kabar's reading of every real page, one JSON line each: diff two dumps to show a change is exact.

    PYTHONPATH=src:. .venv/bin/python -m benchmarks.extraction_dump OUT.jsonl

The pages are the benchmarks' (the Zyte set, every HTML page of the Indonesian set, fundus), each
read through :func:`kabar.extract.html.extract_html` as the benchmark readers read it; a speed
change that is meant to give the same output must leave ``cmp before.jsonl after.jsonl`` silent.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

from benchmarks._common import shared
from benchmarks.extraction_pages import ID_PAGES, id_page_urls, read_html, zyte_pages
from benchmarks.fundus_pages import fundus_pages
from kabar.extract import ExtractError
from kabar.extract.html import extract_html
from kabar.model import RawPage
from kabar.serialize import article_to_dict


def _pages() -> Iterator[tuple[str, str, str | None]]:
    for page in zyte_pages()[0]:
        yield f"zyte/{page.key}", page.html, page.url
    urls = id_page_urls()  # front pages too: they have no known URL
    for path in sorted(ID_PAGES.rglob("*")):
        if path.name.endswith((".html", ".html.gz")):
            key = str(path.relative_to(ID_PAGES))
            yield f"id/{key}", read_html(path), urls.get(key)
    for fundus in fundus_pages(shared("pages", "fundus")):
        yield f"fundus/{fundus.key}", fundus.html, fundus.url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path, help="where to write the JSON lines")
    args = parser.parse_args()
    count = 0
    with args.out.open("w", encoding="utf-8") as out:
        for key, html, url in _pages():
            try:
                reading = article_to_dict(extract_html(RawPage(content=html, kind="html", url=url)))
            except ExtractError as exc:
                reading = {"error": str(exc)}
            line = json.dumps(
                {"key": key, "article": reading}, ensure_ascii=False, sort_keys=True, default=str
            )
            out.write(line + "\n")
            count += 1
    print(f"{count} pages -> {args.out}")


if __name__ == "__main__":
    main()
