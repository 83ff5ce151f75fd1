"""Article links on front pages: measured precision/recall on real portal front pages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import urljoin

import lxml.html
import pytest

from conftest import FIXTURES, shared_path
from kabar.sources.frontpage import find_article_links, looks_like_article
from kabar.sources.urls import canonical_url

GOLD = tomllib.loads((FIXTURES / "sources" / "frontpage_gold.toml").read_text(encoding="utf-8"))


def _all_links(html: str, base: str) -> set[str]:
    doc = lxml.html.document_fromstring(html)
    out = {
        canonical_url(urljoin(base, (a.get("href") or "").strip())) for a in doc.iter("a") if a.get("href")
    }
    return {u for u in out if u}


def test_precision_and_recall_on_the_real_front_pages() -> None:
    root = shared_path("pages", "id", "anpandu")
    tp = fp = fn = 0
    for portal, gold in GOLD.items():
        html = (root / gold["file"]).read_text(encoding="utf-8", errors="replace")
        truth = {u for u in _all_links(html, gold["base"]) if re.search(gold["article"], u)}
        found = set(find_article_links(html, gold["base"]).articles)
        assert truth, portal
        tp += len(truth & found)
        fp += len(found - truth)
        fn += len(truth - found)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(
        f"front-page article links: precision {precision:.3f}, recall {recall:.3f} ({tp} tp, {fp} fp, {fn} fn)"
    )
    assert precision >= 0.95 and recall >= 0.95


SMALL = """<html><head><base href="/portal/"></head><body>
<nav><a href="/">Beranda</a> <a href="/kategori/nasional">Nasional</a> <a href="/tag/banjir">#banjir</a>
<a href="/topik/pemilu-2024">Pemilu</a> <a href="/indeks">Indeks</a> <a href="/indeks/2020/11/03">3 Nov</a>
<a href="https://facebook.com/kabar">FB</a> <a href="javascript:void(0)">x</a> <a href="#top">top</a>
<a href="/search?q=x">cari</a> <a href="/page/2">2</a></nav>
<a href="/read/2020/11/03/1650/gempa-lombok">Gempa</a>
<a href="/berita/4567890/harga-cabai-naik-tajam">Cabai</a>
<a href="berita-relatif-di-bawah-portal-ini">relatif</a>
<a href="/berita/4567890/harga-cabai-naik-tajam?utm_source=home#komentar">Cabai lagi</a>
<a href="/img/foto-banjir-jakarta-hari-ini.jpg">foto</a>
</body></html>"""


def test_small_front_page() -> None:
    links = find_article_links(SMALL, "https://kabar.example/")
    assert links.articles == [
        "https://kabar.example/read/2020/11/03/1650/gempa-lombok",
        "https://kabar.example/berita/4567890/harga-cabai-naik-tajam",
        "https://kabar.example/portal/berita-relatif-di-bawah-portal-ini",
    ]
    assert links.skipped >= 9


@pytest.mark.parametrize(
    "url,expected",
    [
        ("https://news.detik.com/berita/d-5241234/pemerintah-umumkan-libur", True),
        ("https://www.kompas.com/tag/jokowi", False),
        ("https://www.liputan6.com/indeks/2016/02/16", False),
        ("https://health.liputan6.com/kategori/konsultasi", False),
        ("https://www.tempo.co/topik/masalah/14/Asap-dan-Kebakaran", False),
        ("https://nasional.kompas.com/", False),
        ("https://a.id/tentang-kami", False),
    ],
)
def test_url_shapes(url: str, expected: bool) -> None:
    assert looks_like_article(url) is expected


@pytest.mark.parametrize(
    "html", ["", "   ", "\x00\x01binary\xff", "<a href='http://[::1'>bad</a>", "<" * 100_000]
)
def test_bad_input_gives_no_links_without_error(html: str) -> None:
    assert find_article_links(html, "https://a.id/").articles == []


def test_many_links_are_all_found(tmp_path: Path) -> None:
    html = "<html><body>" + "".join(
        f'<a href="/berita/{100000 + i}/judul-ke-{i}">x</a>' for i in range(5_000)
    )
    # its CPU time: benchmarks/bounded_time.py
    links = find_article_links(html + "</body></html>", "https://a.id/")
    assert len(links.articles) == 5_000
