"""When a page is a photo gallery, for both readers: captioned photos with little other text.

The HTML reader finds the photos in the page's caption elements (:mod:`kabar.extract.photos`), the
flattened-page reader in its caption lines that carry a photo credit; the rule that decides
(thresholds in ``data/page_kinds.json``, ``gallery``) and what a gallery's text becomes (its
captions, each under its photo) are one, here.
"""

from __future__ import annotations

from kabar.extract.page_kind_rules import page_kind_rules
from kabar.model import Article, Image, normalise_space

KIND_NOTE = "page kind: "
# A body line that prints a caption (perhaps with its credit after it) is known by its start.
_CAPTION_KEY_CHARS = 40


def caption_key(text: str) -> str:
    """The line's first characters, whitespace collapsed, lower-case. Only a prefix is normalised
    (widened while it is mostly whitespace): a hostile page's one-line body may be megabytes."""
    size = _CAPTION_KEY_CHARS * 4
    while True:
        key = normalise_space(text[:size])
        if len(key) > _CAPTION_KEY_CHARS or size >= len(text):
            return key.lower()[:_CAPTION_KEY_CHARS]
        size *= 4


def caption_keys(images: list[Image]) -> set[str]:
    return {caption_key(i.caption) for i in images if i.caption}


def prose_chars(paragraphs: list[str], captions: set[str]) -> int:
    """Text in lines that are not a photo's caption (a caption line may carry its credit too)."""
    return sum(len(p) for p in paragraphs if caption_key(p) not in captions)


def prose_limit(declared: bool) -> int:
    """The most other text a gallery may hold: more when the page declares itself one."""
    rules = page_kind_rules().gallery
    return rules.declared_max_prose_chars if declared else rules.max_prose_chars


def counts_as_caption(caption: str | None) -> bool:
    """A caption long enough to describe a photo (a bare name or a credit alone is not one)."""
    return caption is not None and len(caption.split()) >= page_kind_rules().gallery.min_caption_words


def reads_as_gallery(photos: list[Image], prose: int, declared: bool) -> bool:
    """``photos`` (captioned) and ``prose`` characters of other text make a gallery: a declared
    one with any photo and not too much text; an undeclared one needs several photos whose
    captions outweigh the text."""
    if not photos or prose > prose_limit(declared):
        return False
    if declared:
        return True
    caption_chars = sum(len(i.caption or "") for i in photos)
    return len(photos) >= page_kind_rules().gallery.min_photos and caption_chars > prose


def make_gallery(article: Article, photos: list[Image]) -> None:
    """Mark ``article`` a gallery of ``photos``; with no text at all, the captions are the text,
    each under its photo."""
    article.kind = "gallery"
    if not article.paragraphs and not article.subheadings:
        article.paragraphs = [i.caption for i in photos if i.caption]
        article.images = [Image(i.caption, i.credit, n, i.url) for n, i in enumerate(photos)]
    article.notes.append(f"{KIND_NOTE}gallery of {len(photos)} captioned photos")
