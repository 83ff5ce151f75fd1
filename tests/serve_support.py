"""Helpers for the serve tests: an app over a real archive (SQLite or PostgreSQL), called in-process."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from backends import open_test_archive
from kabar.archive.articles_core import CoreArchive
from kabar.archive.sqlite import SqliteArchive
from kabar.model import Article, Entity, Image, RelatedItem
from kabar.serve.app import create_app
from kabar.serve.state import ServeOptions
from kabar.wiring import default_indexers

WIB = timezone(timedelta(hours=7))
NOW = datetime(2020, 11, 4, 2, 0, tzinfo=UTC)  # 4 Nov 2020 09:00 WIB: the tests' "request time"


class Client:
    """httpx through ASGITransport: the whole app in-process, no socket."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    async def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.request(method, url, **kwargs)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return asyncio.run(self._request("GET", url, **kwargs))

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return asyncio.run(self._request("POST", url, **kwargs))

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return asyncio.run(self._request(method, url, **kwargs))


def make_app(
    archive: CoreArchive, token: str | None = None, clock: Callable[[], datetime] = lambda: NOW, **opts: Any
) -> FastAPI:
    db = archive.options.path if isinstance(archive, SqliteArchive) else archive.url
    return create_app(ServeOptions(db=db, archive=archive, token=token, clock=clock, **opts))


def make_article(n: int, outlet: str = "TEMPO.CO", **overrides: Any) -> Article:
    base = Article(
        headline=f"Berita nomor {n} tentang banjir Jakarta",
        published=datetime(2020, 11, 3, 16, 50, tzinfo=WIB) - timedelta(hours=n),
        outlet=outlet,
        paragraphs=[f"Paragraf pertama berita {n} tentang banjir.", f"Paragraf kedua berita {n}."],
        url=f"https://example.id/berita/{n}",
        canonical_url=f"https://example.id/berita/{n}",
        description=f"Ringkasan berita {n}.",
    )
    for key, value in overrides.items():
        setattr(base, key, value)
    return base


def rich_article() -> Article:
    """An article with every part the article page shows: images, sources, related, entities."""
    return Article(
        headline="Putin Telepon Pemimpin Armenia",
        published=datetime(2020, 11, 3, 16, 50, tzinfo=WIB),
        outlet="TEMPO.CO",
        dateline="TEMPO.CO -",
        paragraphs=[
            "Putin menelepon Pashinyan soal Karabakh.",
            "Aliyev menerima telepon dari Moskow.",
            "Gencatan senjata gagal lagi.",
        ],
        images=[
            Image(caption="Keterangan foto pertama.", credit="Kredit Satu", position=0),
            Image(caption="Keterangan foto kedua.", credit="Kredit Dua", position=2),
        ],
        sources=["https://tass.com/world/1219289"],
        related=[
            RelatedItem(
                headline="Berita terkait A", age_text="9 jam lalu", age_seconds=32400, description="Des A"
            ),
            RelatedItem(
                headline="Berita terkait B",
                published=datetime(2020, 11, 2, 2, 0, tzinfo=UTC),
                description="Des B",
                url="https://example.id/berita/b",
            ),
        ],
        entities=[Entity(name="Vladimir Putin", type="person", role="Presiden Rusia")],
        url="https://tempo.example/putin",
        canonical_url="https://tempo.example/putin",
    )


def fill(location: Path | str, articles: list[Article]) -> CoreArchive:
    """An archive (a SQLite path or a PostgreSQL URL) with kabar's indexers, holding ``articles``."""
    archive = open_test_archive(str(location), default_indexers())
    for article in articles:
        archive.add(article)
    return archive


def story_article(n: int) -> Article:
    """Articles about one event: the story indexer groups them, the entity indexer links their names."""
    return make_article(
        n,
        headline=f"Putin telepon Pashinyan dan Aliyev soal Nagorno-Karabakh, bagian {n}",
        paragraphs=[
            "Presiden Rusia Vladimir Putin menelepon Perdana Menteri Armenia Nikol Pashinyan dan Presiden "
            f"Azerbaijan Ilham Aliyev membahas konflik Nagorno-Karabakh pada 1 November 2020. Bagian {n}.",
            "Pertempuran di Nagorno-Karabakh meletus pada 27 September 2020.",
        ],
        entities=[
            Entity(name="Vladimir Putin", type="person", role="Presiden Rusia"),
            Entity(name="Nagorno-Karabakh", type="place"),
        ],
    )


def indosum_articles(path: Path, limit: int) -> list[Article]:
    """The first ``limit`` IndoSum records mapped as ``kabar ingest`` maps them."""
    import json

    from kabar.sources.records import map_record

    out: list[Article] = []
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if len(out) >= limit:
                break
            mapped = map_record(json.loads(line), f"indosum:{i}")
            if mapped.article is not None:
                out.append(mapped.article)
    return out
