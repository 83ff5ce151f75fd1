"""Nothing from a page is ever rendered unescaped; dangerous URLs never become links."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import html as lxml_html

from kabar.archive.sqlite import SqliteArchive
from kabar.serve.security import CONTENT_SECURITY_POLICY, highlight, jsonld, safe_url
from serve_hostile import hostile_article
from serve_support import Client, fill, make_app


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x01javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "/\\evil.example",
        "http://",
        "ftp://example.org/file",
        "mailto:a@b.c",
        "",
        None,
        "https://" + "a" * 5000 + ".com",
    ],
)
def test_safe_url_refuses(url: str | None) -> None:
    assert safe_url(url) is None


@pytest.mark.parametrize(
    "url", ["https://tass.com/world/1219289", "http://example.id/a?b=c#d", "/artikel/1/x"]
)
def test_safe_url_keeps(url: str) -> None:
    assert safe_url(url) == url


def test_highlight_escapes_before_marking() -> None:
    out = str(highlight("a «<b>banjir</b>» di «Jakarta» <script>x</script> «stray"))
    assert out == (
        "a <mark>&lt;b&gt;banjir&lt;/b&gt;</mark> di <mark>Jakarta</mark> &lt;script&gt;x&lt;/script&gt; stray"
    )
    assert str(highlight(None)) == ""


def test_jsonld_cannot_close_its_script() -> None:
    data = {"headline": "</script><script>alert(1)</script> <!-- & \u2028"}
    text = str(jsonld(data))
    assert "<" not in text and ">" not in text and "&" not in text.replace("\\u0026", "")
    assert json.loads(text) == data


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[tuple[Client, SqliteArchive]]:
    archive = fill(tmp_path / "k.db", [hostile_article()])
    yield Client(make_app(archive)), archive
    archive.close()


def _assert_inert(html: str) -> None:
    doc = lxml_html.fromstring(html)
    scripts = doc.xpath("//script")
    assert all(s.get("type") == "application/ld+json" and not s.get("src") for s in scripts)
    assert len(scripts) <= 1
    for tag in (
        "iframe",
        "img",
        "svg",
        "style",
        "object",
        "embed",
        "base",
        "frame",
        "form[@action!='/cari']",
    ):
        assert not doc.xpath(f"//{tag}"), tag
    links = doc.xpath("//link")
    assert all(link.get("href", "").startswith(("/", "http://testserver")) for link in links)
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            if name in ("href", "src", "action"):
                assert re.match(r"^(https?://|/(?!/))", value), (element.tag, name, value)
                # a plain https link to a page's own picture may stay; nothing may load from it
                assert element.tag == "a" or "evil.example" not in value, value
    assert (
        "alert('xss-headline')</script>"
        not in html.split('type="application/ld+json">', 1)[-1].split("</script>")[0]
    )


def test_hostile_article_page_is_inert(hostile: tuple[Client, SqliteArchive]) -> None:
    client, _ = hostile
    r = client.get("/artikel/1")
    assert r.status_code == 200
    _assert_inert(r.text)
    # the payloads are shown as text, escaped
    assert "&lt;script&gt;alert(&#39;xss-script&#39;)&lt;/script&gt;" in r.text
    assert "{{ 7*7 }}" in r.text  # content is never a template
    assert 'href="https://tass.com/world/1219289"' in r.text
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', r.text, re.S)
    assert ld and json.loads(ld.group(1))["headline"].startswith("Judul </script><script>")


@pytest.mark.parametrize(
    "path", ["/", "/media/%3Cb%20onmouseover%3Dalert(1)%3EEVIL%3C%2Fb%3E", "/cari?q=%3Cscript%3E"]
)
def test_other_pages_with_hostile_content_are_inert(hostile: tuple[Client, SqliteArchive], path: str) -> None:
    client, _ = hostile
    r = client.get(path)
    assert r.status_code == 200
    _assert_inert(r.text)


def test_hostile_query_is_escaped_on_the_search_page(hostile: tuple[Client, SqliteArchive]) -> None:
    client, _ = hostile
    r = client.get('/cari?q="><script>alert(1)</script>')
    assert "<script>alert(1)" not in r.text
    _assert_inert(r.text)


def test_security_headers_on_pages_api_feeds_and_errors(hostile: tuple[Client, SqliteArchive]) -> None:
    client, _ = hostile
    for path in ("/", "/artikel/1", "/api/articles", "/feed/rss/terbaru", "/nope", "/static/kabar.css"):
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert csp == CONTENT_SECURITY_POLICY
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "'unsafe-inline'" not in csp and "script-src 'self'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"


def test_hostile_feeds_are_well_formed(hostile: tuple[Client, SqliteArchive]) -> None:
    from lxml import etree

    client, archive = hostile
    article = hostile_article()
    article.headline = "control \x00\x01\x0b chars " + (article.headline or "")
    article.canonical_url = "https://hostile.example/2"
    archive.add(article)
    for fmt in ("rss", "atom"):
        r = client.get(f"/feed/{fmt}/terbaru")
        assert r.status_code == 200
        root = etree.fromstring(r.content)
        assert not root.xpath("//*[local-name()='script']")
        assert b"<script>" not in r.content
