"""Take lines out of a read body while every image keeps its place between the same paragraphs."""

from __future__ import annotations

from collections.abc import Callable

from kabar.extract.html_body import Body


def drop_paragraphs(body: Body, drop: Callable[[str], bool]) -> int:
    """Remove the paragraphs ``drop`` says are not body text; returns how many were removed."""
    kept: list[str] = []
    kept_before: list[int] = []  # for each old index: how many kept paragraphs stand before it
    for text in body.paragraphs:
        kept_before.append(len(kept))
        if not drop(text):
            kept.append(text)
    kept_before.append(len(kept))
    removed = len(body.paragraphs) - len(kept)
    if removed:
        for image in body.images:
            image.position = kept_before[max(0, min(image.position, len(body.paragraphs)))]
        body.paragraphs = kept
    return removed
