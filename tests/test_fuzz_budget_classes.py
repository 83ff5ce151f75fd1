r"""The over-budget classes the mutation fuzzer found, each rebuilt here from its structure.

* **Attribute floods**: libxml2 checks each attribute of a tag against all those before it, so a
  tag of 100,000 attributes, left unterminated by the nested markup after it (the fuzzer's
  huge_attribute + deep_nesting, 1.2 MB), took 16 s in ``parse_html`` and 28 s more in
  trafilatura's parse. Such a tag keeps only its name, closed or not, whatever its values hold;
  so does any start tag whose run to the next '>' passes 16 KB (a flood with flipped bytes in it,
  which no longer reads as attributes: 17 s in each parse).
* **A raw-text opener inside a tag**: giants inside script and style bodies are left alone (the
  parser reads no tags there). Tag soup put ``<style ...>`` inside a span's attributes, where
  libxml2 reads no tag, and the flood after it was taken as shielded (1.2 MB: 30 s in
  ``parse_html``, 26 s in trafilatura's). Bodies are now read as a parser reads them.
* **Tagger batches**: the entity tagger decoded a caller's 256 sentences at once with ~13 KB a
  token of arrays, so a page whose title ran on over 94 kB of markup (tag soup) took +75 MB for
  0.09 MB of input. Batches are now cut by tokens and the score sums kept per slot.
* **Page-link pattern**: ``(?:\d+\s*){2,}`` tried every split of a run of digits, so a paragraph
  of 250,000 digits (a garbage date repeated, then a letter) never finished; 24 digits took 5 s.
* **trafilatura's string caches**: its link-density test trims the text of every nested <div>,
  and ``trim`` is cached by whole text: on unclosed divs (tag soup) the cache held depth × page
  (a 1 MB page: +205 MB, 160 MB of it kept after the page). Long texts bypass the cache now.
* **trafilatura's time on tag soup**: the same test trims each nested element's whole text, so
  its time follows the sum of text length × depth. A 1 MB mutant (an enormous line and tag soup,
  58 M of nested text) took about 2 s per trafilatura pass, three passes, and went over the
  10 s budget on a loaded machine; another held a 1.3 MB script 60 elements deep, which kabar
  strips but trafilatura's test reads (12.5 s). Above a bound no real page comes near, counted as
  trafilatura reads the page, kabar's own walker (one visit per element) reads the body instead.
* **Short names among hundreds**: the same mutant's 900 kB line of capitalised words made
  thousands of "names", and each short form was checked against every name sharing its rarest
  word (300 kB of such words: 4.9 s of CPU in understanding). Beyond what one name's runs of
  words can be, the short form is left unresolved, as an ambiguous one is.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from kabar.extract import extract, html_body
from kabar.extract.html_body import NESTED_TEXT_LIMIT, nested_text, too_nested
from kabar.extract.html_parse import _MAX_ATTRIBUTES, clean_text, parse_html, raw_text_bodies, strip_inert
from kabar.extract.html_text import is_furniture_text
from kabar.model import Article, RawPage
from kabar.sources.files import read_page
from kabar.understand import entities
from kabar.understand.entities import find_entities
from kabar.understand.ner.tagger import MAX_BATCH_TOKENS, load_tagger

_PARAGRAPHS = [
    "Presiden Joko Widodo meresmikan Bendungan Sadawarna di Subang, Jawa Barat, pada Senin pagi.",
    "Menteri Pekerjaan Umum dan Perumahan Rakyat Basuki Hadimuljono mengatakan bendungan itu "
    "mengairi 4.000 hektare sawah di tiga kabupaten.",
]


def _flood(attributes: int, value: str = '"x"') -> str:
    return " ".join(f"a{i}={value}" for i in range(attributes))


def _page_with_flood(attributes: int, value: str = '"x"', closed: bool = False) -> str:
    """An article page whose one tag carries ``attributes`` attributes; unless ``closed``, the tag
    runs straight into deeply nested markup (no '>' of its own), as the fuzzer's mutant did."""
    after = ">" if closed else ""
    body = "".join(f"<p>{p}</p>" for p in _PARAGRAPHS)
    return (
        "<html><head><title>Bendungan Sadawarna diresmikan</title></head><body><article>"
        f"{body}<div {_flood(attributes, value)}{after}{'<b>' * 2000}catatan{'</b>' * 2000}</div>"
        "</article></body></html>"
    )


def _attributes_in_tree(html: str) -> int:
    return max(len(el.attrib) for el in parse_html(html).tree.iter())


def _best_of(runs: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def test_an_unterminated_attribute_flood_keeps_only_its_tag_name() -> None:
    for value in ('"x"', '">"', "'<'", "x"):
        html = _page_with_flood(20_000, value)
        assert _attributes_in_tree(html) <= _MAX_ATTRIBUTES, value
        assert "catatan" in parse_html(html).text  # only the tag's attributes go; what follows stays


def test_a_closed_flood_with_quoted_brackets_keeps_only_its_tag_name() -> None:
    # Quoted '>' split the tag into short runs, which the 16 KB tag-length rule never saw.
    assert _attributes_in_tree(_page_with_flood(20_000, '">"', closed=True)) <= _MAX_ATTRIBUTES


def test_ordinary_tags_and_script_bodies_are_left_alone() -> None:
    page = _page_with_flood(_MAX_ATTRIBUTES - 1, closed=True)
    assert _attributes_in_tree(page) == _MAX_ATTRIBUTES - 1
    # In a script body '<' opens no tag, and a thousand words there read like attributes.
    script = "<script>for (i = 0; i <n " + " ".join(f"w{i} = {i};" for i in range(3000)) + "</script>"
    html = f"<html><head>{script}</head><body><p>teks</p></body></html>"
    assert clean_text(html)[0] == html


def _flood_after(opener: str, attributes: int = 20_000) -> str:
    """A page where ``opener`` (markup holding '<style' or '<script') comes before a flood."""
    body = "".join(f"<p>{p}</p>" for p in _PARAGRAPHS)
    return f"<html><body><article>{body}{opener}<a {_flood(attributes)}>catatan</a></article></body></html>"


def test_a_style_or_script_start_inside_another_tag_shields_nothing() -> None:
    for opener in (
        '<span class="ikon" i<style ng-transition="x">teks</span>',  # the fuzzed page's shape
        '<span title="a > b <style>" data-x=1>teks</span>',  # a quoted '>' ends no tag
        "<span class='x' <script src=a.js>teks</span>",
        '<div data-x="never closed <script>',  # an open quote: nothing after it is a body
        '<li><a href="x">teks</a></<style type="text/css">a></li>',  # '</' then '<style': a comment
        "<p>teks</ <script>a</p>",
        "<p>teks<!-- <style> -->a</p>",  # in a comment, as libxml2 reads each of these
        "<p>teks<? x <style> ?>a</p>",
        "<p>teks<!x <script>a</p>",
    ):
        assert _attributes_in_tree(_flood_after(opener)) <= _MAX_ATTRIBUTES, opener


def test_a_bogus_end_tag_opens_no_body_even_when_a_real_one_ends_later() -> None:
    # libxml2 reads '</<style ...>' as a comment (checked in the test below): the style body the
    # tokens would open there would run to the real '</style>' far down, shielding a flood between.
    html = '<p>a</<style type="x">b</p><p>c</p><style>p { color: red }</style>'
    assert [html[s:e] for s, e in raw_text_bodies(html)] == ["p { color: red }"]
    for shield in ("<!-- <style> -->", "<? <style> ?>", "<![CDATA[ <style> ]]>", "<!x <script>"):
        html = f"<p>a{shield}b</p><style>p {{ color: red }}</style>"
        assert [html[s:e] for s, e in raw_text_bodies(html)] == ["p { color: red }"], shield
    page = _flood_after('<i>a</<style type="x">b</i>').replace("</article>", "</article><style>p{}</style>")
    assert _attributes_in_tree(page) <= _MAX_ATTRIBUTES
    tree = parse_html('<p>a</<style type="x">b</p><p>c</p>').tree
    assert [p.xpath("string()") for p in tree.iter("p")] == ["ab", "c"]


def test_a_body_left_open_to_the_end_shields_nothing() -> None:
    # No end tag: the cut cannot eat one, and an opener misread by the tokens must not shield.
    page = _flood_after("<script>var a = 1;").replace("</article></body></html>", "")
    cleaned = clean_text(page)[0]
    assert len(cleaned) < len(page) // 4 and "catatan" in cleaned


def test_real_script_and_style_bodies_are_found_and_still_shield() -> None:
    script = "<script>if (a <b " + " ".join(f"w{i} = {i};" for i in range(3000)) + "</script>"
    style = "<STYLE type='text/css'>p > a { color: red }</STYLE>"
    html = f"<html><head>{style}{script}</head><body><p>teks</p></body></html>"
    bodies = raw_text_bodies(html)
    assert [html[s:e][:10] for s, e in bodies] == ["p > a { co", "if (a <b w"]
    assert clean_text(html)[0] == html
    assert raw_text_bodies("<p>a <script>unclosed") == [(len("<p>a <script>"), len("<p>a <script>unclosed"))]


def test_finding_bodies_is_linear_in_the_page() -> None:
    def page(n: int) -> str:
        return "<p a='1' b=\"2\">x > y</p><script>a<b</script><i" * n

    small, large = page(2_000), page(20_000)
    assert len(raw_text_bodies(large)) == 20_000
    ratio = _best_of(3, lambda: raw_text_bodies(large)) / max(
        _best_of(3, lambda: raw_text_bodies(small)), 1e-4
    )
    assert ratio < 40, f"finding bodies grew {ratio:.0f}× for 10× the page"  # linear: ~10×


def test_a_flooded_page_reads_its_article_in_linear_time() -> None:
    small, large = _page_with_flood(10_000), _page_with_flood(100_000)
    article = extract(RawPage(content=large, kind="html", source="flood.html"))
    assert any("Sadawarna" in p for p in article.paragraphs)
    ratio = _best_of(3, lambda: parse_html(large)) / max(_best_of(3, lambda: parse_html(small)), 1e-4)
    assert ratio < 40, f"parse time grew {ratio:.0f}× for 10× the attributes"  # linear: ~10×


def _mangled_flood(attributes: int) -> str:
    """A flood whose early attributes took flipped bytes (a stray quote, '<'), so that it no longer
    reads as a run of attributes, ended by a '>' far down the run, as the fuzzer's mutant had it."""
    head = " ".join(f"a{i}=<'x" if i % 7 == 3 else f'a{i}="x"' for i in range(30))
    return (
        "<html><body><article>"
        + "".join(f"<p>{p}</p>" for p in _PARAGRAPHS)
        + f"<span {head} {_flood(attributes)}>catatan</span></article></body></html>"
    )


def test_a_mangled_flood_is_cut_by_its_length_and_parses_in_linear_time() -> None:
    small, large = _mangled_flood(10_000), _mangled_flood(100_000)
    assert _attributes_in_tree(large) <= _MAX_ATTRIBUTES
    assert "catatan" in parse_html(large).text
    article = extract(RawPage(content=large, kind="html", source="flood.html"))
    assert any("Sadawarna" in p for p in article.paragraphs)
    ratio = _best_of(3, lambda: parse_html(large)) / max(_best_of(3, lambda: parse_html(small)), 1e-4)
    assert ratio < 40, f"parse time grew {ratio:.0f}× for 10× the attributes"  # linear: ~10×


def _run_on_sentences(count: int) -> list[list[str]]:
    """A title that ran on over a page of markup: many sentences of ~100 tokens (under a window)."""
    words = ["Kompas.com", "meta", "name", "=", '"', "viewport", '"', "Jakarta", "Presiden", "Joko"]
    return [[*(words[(k + i) % len(words)] for i in range(99)), "."] for k in range(count)]


def _traced_peak(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_tagging_memory_is_flat_in_the_batch_size() -> None:
    tagger = load_tagger("idner")
    conventions = ("nerui", "idner")
    one_group = _run_on_sentences(MAX_BATCH_TOKENS // 100)
    many = _run_on_sentences(12 * len(one_group))
    tagger.tag_batch(one_group, conventions)  # caches filled outside the measurement
    tagger.tag_batch(many, conventions)
    small = _traced_peak(lambda: tagger.tag_batch(one_group, conventions))
    large = _traced_peak(lambda: tagger.tag_batch(many, conventions))
    tokens = sum(map(len, one_group))
    assert small / tokens < 8 * 1024, f"{small / tokens:.0f} bytes a token"
    assert large < 2 * small, f"peak {large >> 20} MB for 12× the sentences vs {small >> 20} MB"
    # Cut into groups or not, each sentence gets the tags it gets alone.
    assert tagger.tag_batch(many[:3], conventions) == [
        tagger.tag_conventions(s, conventions) for s in many[:3]
    ]


def test_a_run_on_title_is_understood_within_100_times_its_size() -> None:
    title = " ".join(" ".join(s) for s in _run_on_sentences(300))  # ~30,000 tokens, ~170 kB
    article = Article(headline=title, paragraphs=list(_PARAGRAPHS))
    find_entities(article)  # the tagger's caches filled outside the measurement
    peak = _traced_peak(lambda: find_entities(article))
    size = len(title.encode()) + sum(len(p) for p in _PARAGRAPHS)
    assert peak < 100 * size, f"peak {peak >> 20} MB for {size >> 10} kB"


def test_a_run_of_digits_is_checked_for_page_links_in_linear_time() -> None:
    short, long = "9" * 2_000 + " x", "9" * 20_000 + " x"
    assert is_furniture_text("1 2 3 Selanjutnya") and is_furniture_text("12") and not is_furniture_text("1")
    ratio = _best_of(3, lambda: is_furniture_text(long)) / max(
        _best_of(3, lambda: is_furniture_text(short)), 1e-5
    )
    assert ratio < 40, f"{ratio:.0f}× for 10× the digits"  # linear: ~10×


def _unclosed_divs(depth: int, words: int) -> str:
    """Tag soup: every <div> left open, so each holds the rest of the page, and each has a link."""
    text = "Presiden Joko Widodo meresmikan bendungan di Subang pada Senin pagi . " * words
    divs = "".join(f"<div class='c{i}'><p><a href='/b{i}'>Baca juga {i}</a> {text}" for i in range(depth))
    return f"<html><head><title>Bendungan</title></head><body>{divs}</body></html>"


def test_unclosed_divs_are_read_without_holding_depth_times_the_page() -> None:
    html = _unclosed_divs(50, 400)  # 1.7 MB
    extract(RawPage(content=_unclosed_divs(3, 5), kind="html", source="warm.html"))
    tracemalloc.start()
    try:
        extract(RawPage(content=html, kind="html", source="soup.html"))
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = len(html)
    assert kept < 2 * size, f"{kept >> 20} MB still held after a {size >> 10} kB page"
    assert peak < 30 * size, f"peak {peak >> 20} MB for {size >> 10} kB"


def _stripped_nested_text(html: str) -> int:
    tree = parse_html(html).tree
    strip_inert(tree)
    return nested_text(tree)


def _soup_story(depth: int, words: int) -> str:
    """Tag soup of story text: every <div> and <a> left open, so each holds the rest of the page."""
    text = "Presiden Joko Widodo meresmikan bendungan di Subang pada Senin pagi. " * words
    divs = "".join(f"<div class='c{i}'><p>{text}<a href='/b{i}'>bendungan {i}" for i in range(depth))
    return f"<html><head><title>Bendungan</title></head><body>{divs}</body></html>"


def test_deep_tag_soup_is_read_by_kabars_walker_without_trafilatura(monkeypatch: pytest.MonkeyPatch) -> None:
    html = _soup_story(50, 400)
    assert _stripped_nested_text(html) > NESTED_TEXT_LIMIT

    def refuse(*args: object, **kwargs: object) -> list[str]:
        raise AssertionError("trafilatura asked to read a page whose nested text is over the bound")

    monkeypatch.setattr(html_body, "trafilatura_paragraphs", refuse)
    article = extract(RawPage(content=html, kind="html", source="soup.html"))
    assert any("Presiden Joko Widodo meresmikan bendungan" in p for p in article.paragraphs)


def test_an_ordinary_page_is_still_read_by_trafilatura(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    read = html_body.trafilatura_paragraphs

    def counted(*args: object, **kwargs: object) -> list[str]:
        calls.append("trafilatura")
        return read(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(html_body, "trafilatura_paragraphs", counted)
    html = _unclosed_divs(3, 5)
    assert _stripped_nested_text(html) < NESTED_TEXT_LIMIT
    extract(RawPage(content=html, kind="html", source="small.html"))
    assert calls == ["trafilatura"]


def test_nested_text_counts_each_text_once_per_enclosing_element() -> None:
    tree = parse_html("<html><body><div>ab<p>cde</p>f</div></body></html>").tree
    # html > body > div: "ab" and the tail "f" at depth 3, "cde" inside <p> at depth 4
    assert nested_text(tree) == 2 * 3 + 3 * 4 + 1 * 3


def test_too_nested_answers_as_the_walk_does_at_every_bound() -> None:
    """The shortcut (text x deepest level) never says no where the exact sum is over the bound."""
    pages = [
        "<html><body><div>ab<p>cde</p>f</div></body></html>",
        _soup_story(6, 3),
        _unclosed_divs(3, 5),
        "<html><body><div>x<!-- a long comment, one level deeper -->y</div></body></html>",
    ]
    for html in pages:
        tree = parse_html(html).tree
        exact = nested_text(tree)
        for limit in {1, exact - 1, exact, exact + 1, 2 * exact, 10 * exact} - {0}:
            assert too_nested(tree, limit) is (exact > limit), (html[:40], limit, exact)


def test_a_script_deep_in_tag_soup_sends_the_page_to_the_walker(monkeypatch: pytest.MonkeyPatch) -> None:
    """trafilatura reads script bodies in its link-density test; kabar strips them before reading."""
    story = "".join(f"<p>{p}</p>" for p in _PARAGRAPHS)
    soup = "".join(f"<li><a href='/m{i}'>menu {i}<div class='d{i}'>" for i in range(60))
    script = "<script>var x = '" + "Besok Mei Sejak Februari Pukul " * 40_000 + "';</script>"
    html = f"<html><head><title>Bendungan</title></head><body>{story}{soup}{script}</body></html>"
    assert nested_text(parse_html(html).tree) > NESTED_TEXT_LIMIT
    assert _stripped_nested_text(html) < NESTED_TEXT_LIMIT / 100

    def refuse(*args: object, **kwargs: object) -> list[str]:
        raise AssertionError("trafilatura asked to read a page whose nested text is over the bound")

    monkeypatch.setattr(html_body, "trafilatura_paragraphs", refuse)
    article = extract(RawPage(content=html, kind="html", source="script-soup.html"))
    assert any("Bendungan Sadawarna" in p for p in article.paragraphs)


def test_real_pages_stay_far_under_the_nested_text_bound(shared: Path) -> None:
    pages = sorted(p for p in (shared / "pages").rglob("*.htm*") if p.is_file())
    assert len(pages) > 300, "the shared page sets are incomplete"
    # As trafilatura reads a page: scripts and styles counted (the real pages' worst is 5 M).
    worst = max(nested_text(parse_html(read_page(p).content).tree) for p in pages)
    assert worst < NESTED_TEXT_LIMIT / 3, f"a real page reaches {worst:,} of {NESTED_TEXT_LIMIT:,}"


def test_a_short_name_shared_by_hundreds_of_names_is_not_checked_against_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = {f"Budi Nama{i} Putra" for i in range(300)} | {"Sri Mulyani Indrawati"}
    people = entities._People(names)
    checks: list[int] = []
    contains = entities._contains

    def counted(haystack: list[str], needle: list[str]) -> bool:
        checks.append(1)
        return contains(haystack, needle)

    monkeypatch.setattr(entities, "_contains", counted)
    assert people.widest("Putra") is None  # 300 names hold it: ambiguous, and no pairwise search
    assert checks == []
    assert people.widest("Budi Nama7") == "Budi Nama7 Putra"  # its rarest word is in one name
    assert people.widest("Mulyani") == "Sri Mulyani Indrawati"


@pytest.mark.parametrize(
    "html",
    [
        "<html><body>" + "<div>" * 9 + "dalam" + "</div>" * 9 + "<p>luar</p></body></html>",
        "<html><body><div><p>a</p></div><span>b</span></body></html>",
        "<p>tanpa dokumen</p>",
    ],
)
def test_the_depth_path_answers_as_counting_ancestors(html: str) -> None:
    tree = parse_html(html).tree
    for levels in range(14):
        assert html_body._deeper_than_path(levels)(tree) == html_body._deeper_than()(tree, levels=levels)
