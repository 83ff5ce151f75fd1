"""The seed page (examples/), extracted by kabar and served: everything it shows, in its order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import html as lxml_html

from kabar.archive.sqlite import SqliteArchive, open_archive
from kabar.extract.flat import extract_flat
from kabar.model import RawPage
from kabar.wiring import default_indexers
from serve_support import Client, make_app


@pytest.fixture
def seed_client(tmp_path: Path, example_path: Path) -> Iterator[Client]:
    archive: SqliteArchive = open_archive(tmp_path / "kabar.db", default_indexers())
    archive.add(extract_flat(RawPage(content=example_path.read_text(encoding="utf-8"))))
    yield Client(make_app(archive))
    archive.close()


def test_seed_article_page(seed_client: Client) -> None:
    r = seed_client.get("/artikel/1")
    assert r.status_code == 200
    doc = lxml_html.fromstring(r.text)
    main = doc.xpath("//main")[0]
    assert (
        main.xpath("string(.//h1)") == "Vladimir Putin Telepon Pemimpin Armenia dan Azerbaijan Bahas Konflik"
    )
    assert main.xpath("string(.//p[@class='waktu']/time)") == "Selasa, 3 November 2020 16:50 WIB"
    body = main.xpath(".//div[@class='isi']/*")
    kinds = ["foto" if el.tag == "figure" else "p" for el in body]
    # first picture before the first paragraph, the second before the fifth (as on the page)
    assert kinds == ["foto", "p", "p", "p", "p", "foto", "p", "p", "p"]
    captions = main.xpath(".//figure/figcaption/span[@class='keterangan']/text()")
    credits = main.xpath(".//figure/figcaption/span[@class='kredit']/text()")
    assert captions[0].startswith("Presiden Rusia Vladimir Putin menyampaikan pidato")
    assert credits == [
        "Sputnik/Mikhail Klimentyev/Kremlin",
        "Defence Ministry of Azerbaijan/Handout via REUTERS",
    ]
    text = main.text_content()
    assert "Advertising" not in text
    sources = main.xpath(".//section[@class='sumber']//a/@href")
    assert sources == ["https://tass.com/world/1219289"]
    items = main.xpath(".//section[@class='terkait']/ol/li")
    assert len(items) == 10
    first = items[0]
    assert (
        first.xpath("string(h3)")
        == "Badan Mata-mata Seoul Tuding Korea Utara Rencanakan Serangan terhadap Kedutaan Besar"
    )
    assert first.xpath("string(p[@class='umur'])") == "9 jam lalu"
    assert first.xpath("string(p[@class='ringkas'])").startswith("Badan mata-mata Korea Selatan menuding")
    # the flattened page carries no item URLs: "Baca Selengkapnya" appears only where there is a link
    assert len(main.xpath(".//a[@class='selengkapnya']")) == sum(1 for i in items if i.xpath(".//h3/a"))
    order = [
        text.find("Vladimir Putin Telepon"),
        text.find("Selasa, 3 November 2020 16:50 WIB"),
        text.find("Sputnik/Mikhail"),
        text.find("TEMPO.CO -")
        if "TEMPO.CO -" in text
        else text.find("Presiden Rusia Vladimir Putin kembali"),
        text.find("Defence Ministry"),
        text.find("Arayik Harutyunyan"),
        text.find("Sumber"),
        text.find("Berita terkait"),
        text.find("WSJ: Putin Mungkin"),
    ]
    assert all(p >= 0 for p in order) and order == sorted(order)


def test_seed_jsonld_and_meta(seed_client: Client) -> None:
    import json

    html = seed_client.get("/artikel/1").text
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    assert ld["@type"] == "NewsArticle" and ld["datePublished"] == "2020-11-03T16:50:00+07:00"
    assert ld["citation"] == ["https://tass.com/world/1219289"]
    assert "<title>Vladimir Putin Telepon Pemimpin Armenia dan Azerbaijan Bahas Konflik</title>" in html
    assert 'content="Presiden Rusia Vladimir Putin kembali memediasi' in html  # og:description
