"""Names for the shared-names signal: capitalised spans split at titles, or entities."""

from __future__ import annotations

from kabar.link.names import NameOptions, article_names, name_spans, name_word_set, shares_name
from kabar.model import Article, Entity, Mention


def test_spans_split_at_titles_and_skip_sentence_openers() -> None:
    text = (
        "Jakarta, CNN Indonesia -- Kepala Bidang Humas Polda Metro Jaya Komisaris Besar Argo Yuwono "
        "mengatakan akan menjemput Imam Besar Front Pembela Islam Rizieq Shihab. Menurut KPK, "
        "Baca juga: Setya Novanto. Sementara itu pelatih Real Madrid, Zinedine Zidane, tersenyum."
    )
    names = name_spans(text)
    assert "polda metro jaya" in names and "argo yuwono" in names
    assert "front pembela islam rizieq shihab" in names
    assert "kpk" in names and "setya novanto" in names and "zinedine zidane" in names
    assert "real madrid" in names
    assert not {"jakarta", "menurut", "sementara", "baca juga", "kepala bidang humas"} & set(names)


def test_shortened_names_are_shared() -> None:
    names = article_names(
        Article(headline="Zinedine Zidane bicara", paragraphs=["Pelatih Zinedine Zidane senang."])
    )
    words = name_word_set(names)
    assert shares_name("zidane", names, words) and shares_name("zinedine zidane", names, words)
    assert not shares_name("lionel messi", names, words)


def test_entities_win_over_spans() -> None:
    a = Article(
        headline="Presiden bertemu mitra",
        paragraphs=["Presiden Joko Widodo bertemu Perdana Menteri di Istana."],
        entities=[
            Entity(
                name="Joko Widodo", type="person", aliases=["Jokowi"], mentions=[Mention(0, 5, "Jokowi")] * 3
            )
        ],
    )
    assert article_names(a) == {"joko widodo": 3, "jokowi": 3}


def test_hostile_text_is_bounded() -> None:
    # its CPU time: benchmarks/bounded_time.py
    names = name_spans("Nama Besar " * 500_000, NameOptions(max_chars=4_000))
    assert 0 < len(names) < 2_000  # read up to max_chars, not the whole 5.5 MB
    assert name_spans("") == [] and name_spans("\x00\udcff ÃƒÂ© 123 ...") == []
