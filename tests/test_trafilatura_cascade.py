"""trafilatura's cascade read from one pruned tree gives, call for call, trafilatura's own text."""

from __future__ import annotations

import copy

import pytest
import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura import xpaths
from trafilatura.htmlprocessing import prune_unwanted_nodes

from kabar.extract import trafilatura_cascade
from kabar.extract.html_parse import parse_html
from kabar.extract.trafilatura_cascade import body_text, cascade_supported, prune_raw
from kabar.extract.trafilatura_input import TrafilaturaInput, trafilatura_options

_URL = "https://example.id/berita/1"


def _story(count: int, topic: str = "bendungan") -> str:
    return "".join(
        f"<p>Paragraf {i}: Presiden meresmikan {topic} baru di Subang pada Senin pagi bersama menteri.</p>"
        for i in range(count)
    )


def _page(body: str) -> str:
    return f"<!DOCTYPE html>\n<html><head><title>Bendungan</title></head><body>{body}</body></html>"


# Every branch of the prunes, each with a tail text that must move to its neighbour.
_COMMENTS = (
    '<div id="comments"><p>Komentar pembaca yang panjang sekali tentang bendungan.</p></div> ekor satu'
    '<ol class="commentlist"><li>Komentar pertama pembaca</li></ol> ekor dua'
    '<ul id="disqus_thread"><li>Daftar yang bertahan</li></ul>'  # a list goes only by a comment id
    '<section class="article-comments"><p>Komentar</p></section>'
    '<details id="dsq-comments"><p>Disqus</p></details>'
    '<list class="comment-box"><item>Tag buatan</item></list>'
    '<div class="commentary"><p>Analisis redaksi tetap bagian dari berita ini dan panjang.</p></div>'
)
_FOLLOW_UPS = (
    f'<div class="infinite-scroll"><div><p>Berita lanjutan tanpa judul.</p>{_story(2, "jalan")}</div></div>'
    f'<section id="infinitescroll"><h1>Berita lain dengan judul</h1>{_story(2, "pasar")}</section>'
    f'<div class="mvp-post-add-box"><h1>Berita tambahan</h1>{_story(2, "pelabuhan")}</div>'
    '<aside class="elementor-share-buttons">Bagikan</aside> ekor tiga'
)
PAGES = [
    _page(f"<main><h1>Bendungan</h1>{_story(12)}{_COMMENTS}</main>{_FOLLOW_UPS}"),
    _page(f"<article>{_story(3)}<div class='comments'>{_story(6, 'komentar')}</div></article>"),
    # Short: precision keeps little, recall reads more, and its baseline rescue runs.
    _page(f"<div><span>{_story(1)}</span></div>{_FOLLOW_UPS}"),
    _page("<div><p>Singkat.</p></div>"),
    # The story only in the page's data: recall's baseline rescue reads it, precision does not.
    '<!DOCTYPE html>\n<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
    f'"articleBody": "{"Presiden meresmikan bendungan baru di Subang pada Senin pagi. " * 6}"}}</script>'
    "</head><body><div><p>Singkat saja kabarnya.</p></div></body></html>",
    # A table and nested comment sections inside a follow-up article.
    _page(
        f"<main>{_story(4)}<table><tr><td>Harga</td><td>Rp 10.000</td></tr></table></main>"
        f'<div class="infinite-scroll"><div id="comments">{_COMMENTS}</div></div>'
    ),
]
SETTINGS = [(True, True, False), (False, True, False), (True, False, True)]


def _tree(html: str) -> lxml_html.HtmlElement:
    tree = parse_html(html).tree
    assert isinstance(tree, lxml_html.HtmlElement)
    return tree


def test_the_installed_trafilatura_is_the_one_followed() -> None:
    # Fails when trafilatura's version or prune expressions change: the cascade must be re-read.
    assert cascade_supported()


@pytest.mark.parametrize("html", PAGES)
def test_the_python_prunes_select_what_trafilaturas_expressions_select(html: str) -> None:
    tree = _tree(html)
    theirs = copy.copy(tree)
    for expressions in (xpaths.RAW_TREE_PRUNE_XPATH, xpaths.REMOVE_COMMENTS_AND_LISTS_XPATH):
        prune_unwanted_nodes(theirs, expressions)
    ours = prune_raw(tree).tree
    assert etree.tostring(ours) == etree.tostring(theirs)
    # The post-conversion prune of comment sections (lists are <list> by then).
    converted = copy.copy(tree)
    prune_unwanted_nodes(converted, xpaths.REMOVE_COMMENTS_XPATH)
    trafilatura_cascade._prune(tree, "comments")
    assert etree.tostring(tree) == etree.tostring(converted)


def test_the_prunes_take_out_each_kind_and_keep_the_tails() -> None:
    text = prune_raw(_tree(PAGES[0])).tree.text_content()
    for gone in ("Komentar pertama", "Disqus", "Tag buatan", "tanpa judul", "Berita tambahan", "Bagikan"):
        assert gone not in text
    for kept in ("ekor satu", "ekor dua", "ekor tiga", "Daftar yang bertahan", "Analisis redaksi"):
        assert kept in text
    assert "Berita lain dengan judul" in text  # a scrolled container holding an <h1> may be the story


@pytest.mark.parametrize("html", PAGES)
def test_every_setting_reads_as_trafilaturas_public_call_from_one_pruned_tree(html: str) -> None:
    tree = _tree(html)
    pruned = prune_raw(tree)
    before = etree.tostring(pruned.tree)
    for fast, precision, recall in SETTINGS:
        options = trafilatura_options(_URL, fast=fast, precision=precision, recall=recall)
        expected = trafilatura.extract(tree, url=_URL, options=options) or ""
        assert body_text(pruned, options) == expected
    assert etree.tostring(pruned.tree) == before  # no call changed the tree the next one reads


def test_the_story_in_the_data_is_read_by_recalls_baseline_only() -> None:
    # The fixtures reach the recall setting's own step (its baseline rescue).
    pruned = prune_raw(_tree(PAGES[4]))
    texts = {
        recall: body_text(pruned, trafilatura_options(_URL, fast=True, precision=not recall, recall=recall))
        for recall in (False, True)
    }
    assert texts[False] == "Singkat saja kabarnya."
    assert texts[True] is not None and texts[True].startswith("Presiden meresmikan")


_FORUM = _page(
    '<script type="application/ld+json">{"@type": "DiscussionForumPosting"}</script>'
    f'<div class="comment-list">{_story(8, "diskusi")}</div><p>Pembuka utas.</p>'
)


def test_a_forum_thread_and_other_settings_are_left_to_trafilatura() -> None:
    pruned = prune_raw(_tree(_FORUM))
    assert pruned.forum
    assert body_text(pruned, trafilatura_options(_URL, fast=True, precision=False, recall=True)) is None
    balanced = trafilatura_options(_URL, fast=True, precision=False, recall=False)
    assert body_text(prune_raw(_tree(PAGES[0])), balanced) is None
    # The page reader still answers as trafilatura does, through its public call.
    for fast, precision, recall in SETTINGS:
        options = trafilatura_options(_URL, fast=fast, precision=precision, recall=recall)
        expected = trafilatura.extract(_tree(_FORUM), url=_URL, options=options) or ""
        assert (
            TrafilaturaInput(_FORUM).extract(_URL, fast=fast, precision=precision, recall=recall) == expected
        )


def test_a_changed_prune_expression_turns_the_shared_path_off(monkeypatch: pytest.MonkeyPatch) -> None:
    changed = [*xpaths.RAW_TREE_PRUNE_XPATH[:1], etree.XPath(".//*[self::div][contains(@class, 'x')]")]
    monkeypatch.setattr(xpaths, "RAW_TREE_PRUNE_XPATH", changed)
    cascade_supported.cache_clear()
    try:
        assert not cascade_supported()
    finally:
        monkeypatch.undo()
        cascade_supported.cache_clear()
    assert cascade_supported()
