"""An article's text analysed once: its headline's and each paragraph's terms.

The search index stores an article's analysed headline and body, and the story clustering
counts the analysed headline and lead: the same tokeniser, stopwords and stemmer over the same
text. Ingest analyses each article once into an :class:`AnalysedArticle` and hands it to both
(the archive's indexing pass, :mod:`kabar.archive.index_pass`), where each used to analyse the
text on its own.

Kept per paragraph because the story features read only part of the body (the paragraphs that
tell the story, up to a length): a paragraph's terms are the same whether it is analysed alone
or inside the body, since a token never runs across the blank line between paragraphs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain

from kabar.lang.analysis import Analyzer
from kabar.model import Subheading, headings_in_place


@dataclass(slots=True, frozen=True)
class AnalysedArticle:
    headline: list[str]
    paragraphs: list[list[str]]  # one list per paragraph of the article, in order
    # The analyser that made it, to analyse more text the same way (a cut paragraph, a slug).
    analyzer: Analyzer = field(repr=False, compare=False)
    # The subheadings' terms, each with the paragraph index it stands before: searchable body
    # text, kept apart so ``paragraphs[i]`` stays ``Article.paragraphs[i]``'s terms.
    headings: tuple[tuple[int, list[str]], ...] = ()

    @property
    def body(self) -> list[str]:
        """The body's terms: what analysing ``Article.body`` (blocks joined by blank lines) gives."""
        return list(chain.from_iterable(headings_in_place(self.paragraphs, self.headings)))


def analyse_article(
    headline: str | None,
    paragraphs: Sequence[str],
    analyzer: Analyzer,
    subheadings: Sequence[Subheading] = (),
) -> AnalysedArticle:
    return AnalysedArticle(
        headline=analyzer.analyze(headline or ""),
        paragraphs=[analyzer.analyze(p) for p in paragraphs],
        analyzer=analyzer,
        headings=tuple((s.position, analyzer.analyze(s.text)) for s in subheadings),
    )


__all__ = ["AnalysedArticle", "analyse_article"]
