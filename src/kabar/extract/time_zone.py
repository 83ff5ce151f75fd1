"""``Article.published_zone``: the zone as the page shows it, for both readers.

Indonesian pages print the zone by name ("14.05 WIB"): WIB is +07:00, WITA +08:00, WIT +09:00, and
the name is kept as printed. A time whose zone the page does not name (a machine time with an
offset, or a zone assumed from the portal) is shown as its offset ("+07:00").
"""

from __future__ import annotations

from datetime import datetime

__all__ = ["shown_zone"]

_NAMED = frozenset({"WIB", "WITA", "WIT"})


def shown_zone(printed: str | None, value: datetime | None) -> str | None:
    """The printed zone name when it is one of Indonesia's, else the value's UTC offset."""
    if printed and printed.upper() in _NAMED:
        return printed.upper()
    offset = value.utcoffset() if value is not None else None
    if offset is None:
        return None
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
