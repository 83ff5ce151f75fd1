"""WARC files for the backfill tests: Indonesian articles (the IndoSum sample wrapped as HTML),
English pages, non-HTML records, a 404, and faults on request."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kabar.sources.warc_write import WarcRecordSpec, write_record

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "indosum-sample.jsonl"

ENGLISH = (
    "<!doctype html><html lang='en'><head><title>Markets rally as inflation cools</title></head><body>"
    "<article><h1>Markets rally as inflation cools</h1>"
    + "<p>Stocks rose on Tuesday after new figures showed that inflation in the United States cooled "
    "for a third month in a row, and investors bet that the central bank would cut interest rates "
    "before the end of the year.</p>" * 4 + "</article></body></html>"
)


@dataclass(frozen=True, slots=True)
class SampleArticle:
    url: str
    title: str
    body: str
    published: datetime


def sample_articles(n: int, skip: int = 0) -> list[SampleArticle]:
    """The first ``n`` sample articles on a host of kabar's list (goal.com is international)."""
    out = []
    with SAMPLE.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if "goal.com" in rec["url"]:
                continue
            if skip:
                skip -= 1
                continue
            out.append(
                SampleArticle(
                    rec["url"],
                    rec["title_from_slug"],
                    rec["body"],
                    datetime.fromisoformat(rec["published_utc"]),
                )
            )
            if len(out) == n:
                break
    return out


def article_html(a: SampleArticle) -> bytes:
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in a.body.split("\n\n") if p.strip())
    title = html.escape(a.title.capitalize())
    return (
        f"<!doctype html><html lang='id'><head><meta charset='utf-8'><title>{title}</title>"
        f"<meta property='og:title' content='{title}'>"
        f"<meta property='article:published_time' content='{a.published.isoformat()}'></head>"
        f"<body><article><h1>{title}</h1>{paras}</article></body></html>"
    ).encode()


def article_spec(a: SampleArticle) -> WarcRecordSpec:
    return WarcRecordSpec(url=a.url, payload=article_html(a), date=a.published + timedelta(hours=1))


def noise_specs() -> list[WarcRecordSpec]:
    """Records the pre-filter drops, one for each reason."""
    indonesian = sample_articles(1, skip=40)[0]
    return [
        WarcRecordSpec(url="https://www.kompas.com/english/markets", payload=ENGLISH.encode()),
        WarcRecordSpec(url="https://blog.example.org/catatan", payload=article_html(indonesian)),
        WarcRecordSpec(
            url="https://www.suara.com/logo.png", payload=b"\x89PNG" + bytes(300), content_type="image/png"
        ),
        WarcRecordSpec(url="https://www.suara.com/hilang", payload=b"<html>tidak ada</html>", status=404),
        WarcRecordSpec(url="https://www.suara.com/", payload=b"GET / HTTP/1.1\r\n\r\n", warc_type="request"),
    ]


def write_warc(path: Path, specs: list[WarcRecordSpec]) -> Path:
    with path.open("wb") as out:
        for spec in specs:
            write_record(out, spec)
    return path


def mixed_warc(path: Path, articles: list[SampleArticle]) -> Path:
    """The articles with the noise records between them."""
    specs = [article_spec(a) for a in articles]
    noise = noise_specs()
    mixed: list[WarcRecordSpec] = []
    for i, spec in enumerate(specs):
        mixed.append(spec)
        if i < len(noise):
            mixed.append(noise[i])
    mixed.extend(noise[len(specs) :])
    return write_warc(path, mixed)


def when(a: SampleArticle) -> datetime:
    return a.published.astimezone(UTC)
