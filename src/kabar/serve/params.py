"""The parameter types every route shares: ids, dates and the portal's day filters.

Each type carries its own bounds, so a route that takes an id or a date cannot hand
the archive a value it cannot store or compute with (an id past SQLite's 64-bit
INTEGER, a year-1 date that overflows when moved to UTC). The checks raise errors
of kabar's own types (``id_out_of_range``, ``date_out_of_range``) that
``serve.errors`` answers with 404 and 400.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

from kabar.serve.filters import WIB

# SQLite's INTEGER is a signed 64-bit number; ids are positive and never reach 2**62.
MAX_ID = 2**62
# News is dated well inside these years; anything outside is a typo or a probe, and
# both ends leave room for the day arithmetic and zone shifts the filters do.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)

ID_OUT_OF_RANGE = "id_out_of_range"
DATE_OUT_OF_RANGE = "date_out_of_range"


def _id_in_range(value: int) -> int:
    if not 1 <= value <= MAX_ID:
        raise PydanticCustomError(
            ID_OUT_OF_RANGE, "no such id (ids run from 1 to {max_id})", {"max_id": MAX_ID}
        )
    return value


def _day_in_range(value: date | None) -> date | None:
    if value is None:
        return None
    day = value.date() if isinstance(value, datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise PydanticCustomError(
            DATE_OUT_OF_RANGE,
            "date out of range (from {first} to {last})",
            {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
        )
    return value


def _moment_in_range(value: datetime | None) -> datetime | None:
    """API times without a zone are read as WIB, like the portal's date filters."""
    if value is None:
        return None
    _day_in_range(value)
    return value.replace(tzinfo=WIB) if value.tzinfo is None else value


def _iso_moment(value: Any) -> Any:
    """Only ISO 8601 text is a time here: pydantic would read ``since=0`` as a Unix timestamp,
    which the schema (``format: date-time``) does not promise and no reader means."""
    if not isinstance(value, str):
        return value
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        raise PydanticCustomError("datetime_parsing", "not an ISO 8601 date or time") from None


def _lenient_day(value: Any) -> Any:
    """A form may send ``dari=`` or a half-typed date: those mean "no filter", as before.

    Only text that reads as a date goes on to the range check; a well-formed day out
    of range is refused rather than silently dropped, so the reader learns why.
    """
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()[:10]
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


# Path ids: articles, stories, entities. The bounds are checked by kabar's own
# validator (not ``le=``) so an id out of range answers 404, like an id that is absent.
ItemId = Annotated[
    int,
    AfterValidator(_id_in_range),
    Path(description=f"an id from 1 to {MAX_ID}", json_schema_extra={"minimum": 1, "maximum": MAX_ID}),
]

# API time filters (ISO 8601 date or date-time; without a zone, WIB).
Moment = Annotated[datetime | None, BeforeValidator(_iso_moment), AfterValidator(_moment_in_range)]

# The portal's day filters (``dari``/``sampai``): malformed text is ignored, out of range refused.
Day = Annotated[date | None, BeforeValidator(_lenient_day), AfterValidator(_day_in_range)]
