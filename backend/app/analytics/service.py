"""Rebuilding the rollups of a range of days from the raw rows (the nightly job and
``aurum analytics rebuild``): one transaction per day, so a long range never holds a
lock for long, and safe to run again at any time (each day is replaced, not added to)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from app.admin.audit.service import Action, record
from app.analytics.rollups import rebuild_day
from app.core.db import SessionFactory, utcnow
from app.core.errors import ValidationFailed

MAX_REBUILD_DAYS = 3660  # ten years: a typo in a year should not mean a day of work


@dataclass(frozen=True)
class Rebuilt:
    start: date
    end: date
    days: int
    rows: int


FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


def check_range(start: date, end: date) -> None:
    for name, day in (("--from", start), ("--to", end)):
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ValidationFailed(
                f"{name} {day} is outside {FIRST_DAY}..{LAST_DAY}.", code="date_out_of_range"
            )
    if start > end:
        raise ValidationFailed(f"--from ({start}) is after --to ({end}).", code="invalid_period")
    if (end - start).days + 1 > MAX_REBUILD_DAYS:
        raise ValidationFailed(
            f"At most {MAX_REBUILD_DAYS} days at once; this range has {(end - start).days + 1}.",
            code="period_too_long",
        )


async def rebuild(
    session_factory: SessionFactory,
    start: date,
    end: date,
    *,
    batch_days: int = 7,
    progress: Callable[[date, date, int], None] | None = None,
    via: str = "worker",
) -> Rebuilt:
    """Rebuild [start, end]; ``progress(first, last, rows)`` after each batch of days.
    Audited as ``analytics.rebuild`` (the range and the rows written)."""
    check_range(start, end)
    day, days, rows = start, 0, 0
    while day <= end:
        first, batch_rows = day, 0
        while day <= end and (day - first).days < batch_days:
            async with session_factory() as session:
                batch_rows += await rebuild_day(session, day)
            day += timedelta(days=1)
            days += 1
        rows += batch_rows
        if progress is not None:
            progress(first, day - timedelta(days=1), batch_rows)
    async with session_factory() as session:
        await record(
            session,
            action=Action.ANALYTICS_REBUILD,
            at=utcnow(),
            target_type="analytics",
            details={
                "via": via,
                "from": start.isoformat(),
                "to": end.isoformat(),
                "days": days,
                "rows": rows,
            },
        )
    return Rebuilt(start, end, days, rows)
