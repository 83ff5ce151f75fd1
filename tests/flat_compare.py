"""Compare an extracted article with an expected-values file (the seed's and the flat fixtures')."""

from __future__ import annotations

from typing import Any

from kabar.model import normalise_space


def differences(expected: Any, got: Any, path: str = "") -> list[str]:
    """Every expected value that ``got`` lacks: strings compare after collapsing whitespace,
    lists must have the same length, dict keys absent from ``expected`` are ignored."""
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return [f"{path}: expected an object, got {got!r}"]
        out: list[str] = []
        for key, value in expected.items():
            if key.startswith("_") or key == "not_in_body":
                continue
            out += differences(value, got.get(key), f"{path}.{key}")
        return out
    if isinstance(expected, list):
        if not isinstance(got, list) or len(got) != len(expected):
            return [f"{path}: expected {len(expected)} items, got {got!r}"]
        return [
            d
            for i, (e, g) in enumerate(zip(expected, got, strict=True))
            for d in differences(e, g, f"{path}[{i}]")
        ]
    if isinstance(expected, str):
        if not isinstance(got, str) or normalise_space(expected) != normalise_space(got):
            return [f"{path}: expected {expected!r}, got {got!r}"]
        return []
    return [] if expected == got else [f"{path}: expected {expected!r}, got {got!r}"]


def furniture_leaks(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """``not_in_body`` strings found in a paragraph, caption or the headline."""
    texts = [*got["paragraphs"], *(i["caption"] or "" for i in got["images"]), got["headline"] or ""]
    return [s for s in expected.get("not_in_body", []) if any(s in t for t in texts)]
