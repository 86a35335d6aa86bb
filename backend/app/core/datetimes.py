"""Datetimes from clients: timezone-aware, and representable once converted to UTC.

``0001-01-01T00:00:00+14:00`` is a valid ISO 8601 time that Python cannot convert to
UTC (it falls before year 1): used as a filter or inside a cursor it would be a 500 on
the first comparison. Every datetime a client sends goes through :data:`UTCDatetime`,
which converts it once and refuses what cannot be converted, as a 422.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime


def as_utc(value: datetime) -> datetime:
    """``value`` in UTC; ValueError when it has no offset or falls outside years 1-9999."""
    if value.tzinfo is None:
        raise ValueError("a time needs a UTC offset, e.g. 2026-12-01T09:00:00+00:00")
    try:
        converted = value.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise ValueError("the time is outside the years 1 to 9999 once in UTC") from exc
    if converted.year < 2 or converted.year > 9998:
        # One year of margin: an interval's end may be computed a day or a year later.
        raise ValueError("the time is outside the years 2 to 9998")
    return converted


UTCDatetime = Annotated[AwareDatetime, AfterValidator(as_utc)]
