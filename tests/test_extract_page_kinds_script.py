"""Page kinds in the HTML reader: a story held in a script (Next.js, JSON stores, JSON-LD
articleBody), paywalled teasers, AMP pages. Hand-written fixtures in fixtures/page_kinds/
reproduce each class's structure; hostile scripts are built here."""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES
from kabar.extract.html import extract_html
from kabar.extract.html_body import Body
from kabar.extract.html_script_body import HeldScripts, HeldText, held_body
from kabar.model import Article, RawPage

PAGES = FIXTURES / "page_kinds"
STORY = [
    "Harga beras medium di Pasar Induk Beras Cipinang turun untuk pekan kedua berturut-turut, "
    "menurut catatan pengelola pasar pada Senin pagi.",
    "Kepala pengelola pasar, Sutrisno Hadi, mengatakan pasokan dari sentra produksi di Jawa Barat "
    "dan Jawa Tengah meningkat setelah panen raya dimulai lebih awal tahun ini.",
    '"Stok di gudang kami sekarang mencapai lebih dari 40 ribu ton, jauh di atas batas aman," '
    "kata Sutrisno kepada wartawan di kantornya.",
    "Pedagang berharap penurunan harga ini bertahan hingga akhir bulan, ketika permintaan biasanya "
    "naik menjelang hari raya.",
]
STORY_HTML = "<p>JAKARTA - " + STORY[0] + "</p>" + "".join(f"<p>{p}</p>" for p in STORY[1:])


def read(name: str, edit: tuple[str, str] | None = None) -> Article:
    html = (PAGES / name).read_text(encoding="utf-8")
    if edit is not None:
        assert edit[0] in html
        html = html.replace(*edit)
    return extract_html(RawPage(content=html, kind="html"))


def shell(*scripts: str) -> str:
    """An empty Next.js-style shell page carrying ``scripts``."""
    return (
        '<html lang="id"><head><title>Harga Beras Turun</title></head><body>'
        '<div id="__next"><nav><a href="/">Beranda</a></nav><main></main></div>'
        + "".join(scripts)
        + "</body></html>"
    )


def next_data(data: object) -> str:
    return f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script>'


# -- a story held in a script -------------------------------------------------------------------


def test_next_data_fills_an_empty_shell() -> None:
    article = read("next_shell.html")
    assert article.paragraphs == STORY
    assert article.dateline == "JAKARTA -"
    assert "Harga cabai rawit" not in article.body  # a related item's summary is not the story
    assert any("__NEXT_DATA__" in n for n in article.notes)
    assert "paragraphs" not in article.missing


def test_json_ld_article_body_extends_a_teaser_but_never_a_fuller_page() -> None:
    teaser = read("ld_teaser.html")
    assert len(teaser.paragraphs) == 6  # articleBody's own paragraph breaks
    assert teaser.paragraphs[-1].startswith("Warga diminta tetap waspada")
    assert "Buka di aplikasi" not in teaser.body
    assert any("JSON-LD articleBody" in n for n in teaser.notes)
    # articleBody shorter than the visible body (a summary): the page's paragraphs stand.
    fuller = read("ld_shorter.html")
    assert len(fuller.paragraphs) == 5
    assert "Ringkasan ini" not in fuller.body
    assert not any("articleBody" in n for n in fuller.notes)


def test_json_ld_article_body_gives_its_breaks_to_the_same_text_run_together() -> None:
    body = [
        "Kalimat pertama yang cukup panjang untuk dibaca sebagai paragraf berita di sini.",
        "Kalimat kedua juga cukup panjang agar terbaca sebagai paragraf yang lain lagi.",
        "Kalimat ketiga menutup berita ini dengan keterangan dari pejabat setempat.",
    ]
    ld = {"@type": "NewsArticle", "headline": "Video Banjir", "articleBody": "\n\n".join(body)}
    html = (
        f'<html><head><script type="application/ld+json">{json.dumps(ld)}</script></head>'
        '<body><div class="video-player"><h1>Video Banjir</h1></div></body></html>'
    )
    assert extract_html(RawPage(content=html, kind="html")).paragraphs == body


def test_a_store_in_a_plain_json_script_and_block_lists() -> None:
    store = {"state": {"post": {"blocks": [{"type": "paragraph", "text": p} for p in STORY]}}}
    html = shell(f'<script type="application/json" id="store">{json.dumps(store)}</script>')
    article = extract_html(RawPage(content=html, kind="html"))
    assert article.paragraphs == STORY
    assert any("the store script" in n for n in article.notes)


def test_hostile_scripts_are_skipped_and_a_good_one_still_read() -> None:
    deep = "[" * 10_000 + "]" * 10_000
    deep_dict = '{"body":' * 10_000 + '"x"' + "}" * 10_000
    invalid = '{"body": "<p>tidak lengkap</p><p>' + "x" * 300
    html = shell(
        f'<script type="application/json">{invalid}</script>',
        f'<script type="application/json">{deep}</script>',
        f'<script type="application/json">{deep_dict}</script>',
        '<script type="application/json">NaN</script>',
        next_data({"props": {"pageProps": {"post": {"content": STORY_HTML}}}}),
    )
    article = extract_html(RawPage(content=html, kind="html"))
    assert article.paragraphs == STORY


def test_script_size_and_depth_are_bounded() -> None:
    padding = ["lorem ipsum " * 8] * 20_000  # ~2 MB of JSON before the story
    data = {"props": {"pageProps": {"padding": padding, "article": {"body": STORY_HTML}}}}
    big = json.dumps(data)
    assert 1_500_000 < len(big) < 5_000_000
    found = held_body(Body(), HeldScripts(scripts=[HeldText("__NEXT_DATA__", big)]), None)
    assert found is not None and found.body.paragraphs[1:] == STORY[1:]
    # Over the size cap (5 MB): not read at all.
    huge = json.dumps({"pad": "x" * 5_100_000, "body": STORY_HTML})
    assert held_body(Body(), HeldScripts(scripts=[HeldText("__NEXT_DATA__", huge)]), None) is None
    # Deeper than the walk goes (json reads it; the walk stops at its depth limit).
    nested: object = {"body": STORY_HTML}
    for _ in range(200):
        nested = {"a": nested}
    deep = HeldScripts(scripts=[HeldText("__NEXT_DATA__", json.dumps(nested))])
    assert held_body(Body(), deep, None) is None


# -- paywalls -----------------------------------------------------------------------------------


def test_paywalled_teaser_keeps_the_teaser_without_the_wall() -> None:
    article = read("paywalled.html")
    assert article.paywalled is True
    assert len(article.paragraphs) == 2
    assert "Berlangganan" not in article.body and "pelanggan" not in article.body
    # articleBody holds the subscribers' text: a paywalled page's body stays its teaser.
    assert "Kalimat ini hanya ada untuk pelanggan" not in article.body


@pytest.mark.parametrize(
    "flag",
    [
        '"isAccessibleForFree":"False",',
        '"isAccessibleForFree":false,',
        '"hasPart":[{"@type":"WebPageElement","isAccessibleForFree":false,"cssSelector":".isi"}],',
    ],
)
def test_not_free_flag_alone_marks_the_page(flag: str) -> None:
    # A page with no wall block: the JSON-LD flag on the article, or on a part of it.
    article = read("ld_shorter.html", edit=('"@type":"NewsArticle",', '"@type":"NewsArticle",' + flag))
    assert article.paywalled is True
    assert len(article.paragraphs) == 5


def test_not_free_flag_on_a_page_that_holds_the_paid_text() -> None:
    flag = '"hasPart":{"@type":"WebPageElement","isAccessibleForFree":false,"cssSelector":".isi"},'
    marked = ('"@type":"NewsArticle",', '"@type":"NewsArticle",' + flag)
    # A metered tier: the page was served whole.
    metered = read("ld_shorter.html", edit=marked)
    assert metered.paywalled is True  # (the flag alone: see above)
    html = (PAGES / "ld_shorter.html").read_text(encoding="utf-8").replace(*marked)
    served = html.replace("<head>", '<head><meta property="article:content_tier" content="metered">')
    article = extract_html(RawPage(content=served, kind="html"))
    assert article.paywalled is False and len(article.paragraphs) == 5
    assert any("isAccessibleForFree: false" in n and "metered" in n for n in article.notes)
    # The paid part the JSON-LD names is in the page, holding the story.
    more = "<p>" + " ".join(STORY) + "</p></article>"
    holds = html.replace("<article>", '<article class="isi">').replace("</article>", more)
    article = extract_html(RawPage(content=holds, kind="html"))
    assert article.paywalled is False
    assert any("the paid part is in the page" in n for n in article.notes)


def test_wall_block_without_a_flag_and_not_a_newsletter_box() -> None:
    article = read("wall_no_flag.html")
    assert article.paywalled is True
    assert len(article.paragraphs) == 2
    assert not any(w in article.body for w in ("akses penuh", "Langganan", "Login"))
    # The same page without its wall: the newsletter sign-up box is no wall.
    free = read("wall_no_flag.html", edit=('<section id="premium-gate"', '<section id="x-gate" hidden'))
    assert free.paywalled is False


def test_locked_content_tier_meta() -> None:
    article = read(
        "ld_shorter.html", edit=("<head>", '<head><meta property="article:content_tier" content="locked">')
    )
    assert article.paywalled is True
    metered = read(
        "ld_shorter.html", edit=("<head>", '<head><meta property="article:content_tier" content="metered">')
    )
    assert metered.paywalled is False


# -- AMP ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("marker", ["<html amp", "<html ⚡"])
def test_amp_page(marker: str) -> None:
    article = read("amp.html", edit=("<html amp", marker))
    # The article's identity is the canonical page, not the AMP copy that og:url names.
    assert article.canonical_url == "https://kabar.contoh.id/nasional/gunung-lewotobi-erupsi"
    assert len(article.paragraphs) == 3
    assert not any("Gempa" in p or "Longsor" in p for p in article.paragraphs)  # the carousel
    [image] = article.images
    assert image.url == "https://img.contoh.id/2026/02/lewotobi.jpg"
    assert image.caption == "Kolom abu membubung dari puncak gunung, Jumat (6/2/2026)."
    assert image.credit == "Yohanes Bata"
    assert image.position == 0


def test_amp_pair_names_one_canonical_url() -> None:
    amp_url = "https://kabar.contoh.id/amp/nasional/gunung-lewotobi-erupsi"
    original_url = "https://kabar.contoh.id/nasional/gunung-lewotobi-erupsi"
    html = (PAGES / "amp.html").read_text(encoding="utf-8")
    amp = extract_html(RawPage(content=html, kind="html", url=amp_url))
    # The original page names its AMP copy and carries no canonical link or og:url of its own.
    original_html = (
        html.replace("<html amp", "<html")
        .replace(f'<link rel="canonical" href="{original_url}">', f'<link rel="amphtml" href="{amp_url}">')
        .replace(f'<meta property="og:url" content="{amp_url}">', "")
    )
    original = extract_html(RawPage(content=original_html, kind="html", url=original_url))
    assert amp.canonical_url == original.canonical_url == original_url
    # A relative canonical link is read against the page's URL.
    relative = html.replace(f'href="{original_url}"', 'href="/nasional/gunung-lewotobi-erupsi"')
    assert extract_html(RawPage(content=relative, kind="html", url=amp_url)).canonical_url == original_url
