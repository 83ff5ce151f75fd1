"""JSON from pages and records, with every string valid Unicode.

``json.loads`` turns an escaped lone surrogate (``"\\udcff"``, common in scraped data) into a
Python string that cannot be encoded as UTF-8: the CLI's output and the archive's insert then
fail far from where the text came in. Here such a surrogate becomes U+FFFD as the JSON is read.
Escaped pairs (emoji) are joined by json itself and left alone.
"""

from __future__ import annotations

import json
import re
from typing import Any

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def loads_text(text: str) -> Any:
    """``json.loads``, then lone surrogates replaced (only when the text escapes one: cheap otherwise)."""
    value = json.loads(text)
    if _SURROGATE_ESCAPE.search(text) is None and _LONE_SURROGATE.search(text) is None:
        return value
    return _scrub(value)


def _clean(text: str) -> str:
    return _LONE_SURROGATE.sub("\ufffd", text)


def _scrub(value: Any) -> Any:
    # Iterative: json.loads accepts nesting close to the recursion limit, so a recursive walk could not.
    if isinstance(value, str):
        return _clean(value)
    root = [value]
    stack: list[list[Any] | dict[str, Any]] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            for i, item in enumerate(node):
                if isinstance(item, str):
                    node[i] = _clean(item)
                elif isinstance(item, (list, dict)):
                    stack.append(item)
        else:
            for key in list(node):
                item = node.pop(key)
                if isinstance(item, str):
                    item = _clean(item)
                elif isinstance(item, (list, dict)):
                    stack.append(item)
                node[_clean(key)] = item
    return root[0]


__all__ = ["loads_text"]
