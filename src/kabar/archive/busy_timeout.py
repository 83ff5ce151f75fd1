"""How long a writer waits for another writer's lock before it gives up with ArchiveBusy."""

from __future__ import annotations

import math
import os

from kabar.archive.errors import ArchiveSettingError

DEFAULT_BUSY_TIMEOUT = 10.0
BUSY_TIMEOUT_ENV = "KABAR_BUSY_TIMEOUT"
_LONGEST = 24 * 3600.0


def busy_timeout(value: float | None = None) -> float:
    """Seconds to wait: ``value`` when given, else ``$KABAR_BUSY_TIMEOUT``, else 10."""
    where = "busy timeout"
    if value is None:
        raw = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
        if not raw:
            return DEFAULT_BUSY_TIMEOUT
        where = BUSY_TIMEOUT_ENV
        try:
            value = float(raw)
        except ValueError:
            raise ArchiveSettingError(
                where, f"the busy timeout must be a number of seconds, not {raw[:40]!r}"
            ) from None
    if math.isnan(value) or not 0 <= value <= _LONGEST:
        raise ArchiveSettingError(
            where, f"the busy timeout must be from 0 to {_LONGEST:g} seconds, not {value:g}"
        )
    return value


__all__ = ["BUSY_TIMEOUT_ENV", "DEFAULT_BUSY_TIMEOUT", "busy_timeout"]
