"""The leads sold to a partner, oldest sale first, a page at a time or streamed whole.

Every format reads the same *window*: the sales after the cursor, up to ``limit`` of
them, in (``sold_at``, sale id) order. The window's last sale is found first (one index
range on ``(partner_id, sold_at, id)``), so a streamed response can say in its headers
where the next page starts before it sends a byte of the body, and the body stops at the
same sale however many are sold meanwhile.

- JSON and NDJSON: ``items.lead_item`` per sale, in chunks of ``CHUNK`` (four queries a
  chunk), so memory stays flat however long the stream.
- CSV on PostgreSQL: ``COPY (SELECT ...) TO STDOUT WITH CSV HEADER`` through asyncpg's
  ``copy_from_query``, relayed to the client as PostgreSQL writes it, with the columns of
  ``items.CSV_COLUMNS`` computed in SQL and spreadsheet formulas neutralised in SQL by
  the rule of ``core.csv_export``. On SQLite the same columns come from ``items.csv_row``
  through ``core.csv_export``.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.csv_export import FORMULA_TRIGGERS, stream_csv
from app.core.db import SessionFactory
from app.core.pagination import SortKey, decode_cursor, encode_cursor
from app.partners import items
from app.partners.b2b_schemas import B2BLead
from app.partners.models import LeadSale

SORT = SortKey("sold_at", LeadSale.sold_at, LeadSale.id, descending=False, kind=datetime)
CHUNK = 1000
JSON_LIMIT, JSON_DEFAULT_LIMIT = 1000, 100
STREAM_LIMIT = 1_000_000
# A sale's transaction may commit a moment after a later sale's: a poller resuming
# right after the newest sale it saw could skip it. The resume point stays this far back.
SETTLE = timedelta(seconds=30)
# The longest a COPY may run (a slow client slows it down: the stream has back-pressure).
COPY_TIMEOUT_SECONDS = 3600
COPY_FLUSH_BYTES = 64 * 1024

Position = tuple[datetime, uuid.UUID]


@dataclass(frozen=True)
class Window:
    """Sales in ``(after, through]``; ``through`` None: none."""

    partner_id: uuid.UUID
    after: Position | None
    through: Position | None
    next_cursor: str
    resume_cursor: str


def _encode(position: Position | None) -> str:
    return encode_cursor(SORT, *position) if position else ""


def _at_or_before(position: Position) -> Any:
    value, sale_id = position
    return sa.and_(
        LeadSale.sold_at <= value, sa.or_(LeadSale.sold_at < value, LeadSale.id <= sale_id)
    )


def _positions(partner_id: uuid.UUID, after: Position | None) -> sa.Select[Any]:
    statement = sa.select(LeadSale.sold_at, LeadSale.id).where(LeadSale.partner_id == partner_id)
    if after is not None:
        statement = statement.where(SORT.after(*after))
    return statement


async def find_window(
    session: AsyncSession,
    partner_id: uuid.UUID,
    cursor: str | None,
    limit: int,
    now: datetime,
) -> Window:
    after = decode_cursor(cursor, SORT) if cursor else None
    ascending = _positions(partner_id, after).order_by(*SORT.order_by())
    edge = (await session.execute(ascending.offset(limit - 1).limit(2))).all()
    if edge:
        through: Position | None = (edge[0][0], edge[0][1])
        more = len(edge) == 2
    else:  # fewer than ``limit`` left: the window ends at the newest sale
        newest = (
            await session.execute(
                _positions(partner_id, after)
                .order_by(LeadSale.sold_at.desc(), LeadSale.id.desc())
                .limit(1)
            )
        ).first()
        through = (newest[0], newest[1]) if newest else None
        more = False
    settled = now - SETTLE
    resume = after
    if through is not None and through[0] <= settled:
        resume = through
    elif through is not None:
        last_settled = (
            await session.execute(
                _positions(partner_id, after)
                .where(LeadSale.sold_at <= settled)
                .order_by(LeadSale.sold_at.desc(), LeadSale.id.desc())
                .limit(1)
            )
        ).first()
        if last_settled is not None:
            resume = (last_settled[0], last_settled[1])
    return Window(
        partner_id=partner_id,
        after=after,
        through=through,
        next_cursor=_encode(through) if more else "",
        resume_cursor=_encode(resume),
    )


def _window_rows(window: Window, after: Position | None, limit: int) -> sa.Select[Any]:
    assert window.through is not None
    statement = items.sales_select().where(
        LeadSale.partner_id == window.partner_id, _at_or_before(window.through)
    )
    if after is not None:
        statement = statement.where(SORT.after(*after))
    return statement.order_by(*SORT.order_by()).limit(limit)


async def iter_items(
    session: AsyncSession, window: Window, *, return_window_days: int
) -> AsyncIterator[list[B2BLead]]:
    """The window's items, ``CHUNK`` at a time."""
    if window.through is None:
        return
    after = window.after
    while True:
        rows = (await session.execute(_window_rows(window, after, CHUNK))).all()
        if rows:
            yield await items.items_for(session, rows, return_window_days=return_window_days)
        if len(rows) < CHUNK:
            return
        after = (rows[-1].sold_at, rows[-1].sale_id)


async def page(session: AsyncSession, window: Window, *, return_window_days: int) -> list[B2BLead]:
    found: list[B2BLead] = []
    async for chunk in iter_items(session, window, return_window_days=return_window_days):
        found.extend(chunk)
    return found


@contextlib.asynccontextmanager
async def _reading(session_factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    async with session_factory() as session:
        if not session.in_transaction():
            # A read: on SQLite, do not hold the write lock for the whole download.
            await session.connection(execution_options={"sqlite_begin": "DEFERRED"})
        yield session


async def stream_ndjson(
    session_factory: SessionFactory, window: Window, *, return_window_days: int
) -> AsyncIterator[bytes]:
    async with _reading(session_factory) as session:
        async for chunk in iter_items(session, window, return_window_days=return_window_days):
            yield b"".join(item.model_dump_json().encode() + b"\n" for item in chunk)


async def stream_csv_rows(
    session_factory: SessionFactory, window: Window, *, return_window_days: int
) -> AsyncIterator[bytes]:
    """CSV through ``core.csv_export`` (SQLite, and any database without COPY)."""

    async def rows() -> AsyncIterator[list[list[Any]]]:
        async with _reading(session_factory) as session:
            async for chunk in iter_items(session, window, return_window_days=return_window_days):
                yield [items.csv_row(item) for item in chunk]

    async for data in stream_csv(items.CSV_COLUMNS, rows()):
        yield data


# --- CSV on PostgreSQL: COPY ----------------------------------------------------------------


def _time_sql(expression: str) -> str:
    return f"""to_char(({expression}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""


def _bool_sql(expression: str) -> str:
    return f"CASE WHEN {expression} THEN 'true' WHEN NOT {expression} THEN 'false' END"


def _cents_sql(field: str) -> str:
    return f"round(e.{field} * 100)::bigint::text"


def _float_sql(field: str) -> str:
    return f"e.{field}::text"


# Each CSV column as SQL text, and whether its text can start with a formula trigger
# (ids, times, booleans and non-negative counts cannot).
COPY_COLUMNS: dict[str, tuple[str, bool]] = {
    "lead_id": ("s.lead_id::text", False),
    "sale_id": ("s.id::text", False),
    "sold_at": (_time_sql("s.sold_at"), False),
    "price_cents": ("s.price_cents::text", False),
    "exclusive": (_bool_sql("s.exclusive"), False),
    "buyers": ("s.buyers::text", False),
    "sale_status": ("s.status", True),
    "returnable_until": (_time_sql("s.sold_at + make_interval(days => $2::int)"), False),
    "source": ("l.source", True),
    "created_at": (_time_sql("l.created_at"), False),
    "first_name": ("l.first_name", True),
    "last_name": ("l.last_name", True),
    "email": ("l.email", True),
    "phone": ("l.phone", True),
    "street_address": ("l.street_address", True),
    "city": ("l.city", True),
    "state": ("l.state", True),
    "zip_code": ("l.zip_code", True),
    "homeowner": (_bool_sql("l.homeowner"), False),
    "property_type": ("l.property_type", True),
    "monthly_bill_cents": ("l.monthly_bill_cents::text", True),
    "roof_type": ("l.roof_type", True),
    "shade": ("l.shade", True),
    "credit_band": ("l.credit_band", True),
    "timeline": ("l.timeline", True),
    "battery_interest": (_bool_sql("l.battery_interest"), False),
    "system_size_kw": (_float_sql("system_size_kw"), True),
    "annual_production_kwh": (_float_sql("annual_production_kwh"), True),
    "gross_cost_cents": (_cents_sql("gross_cost_usd"), True),
    "net_cost_cents": (_cents_sql("net_cost_usd"), True),
    "year1_savings_cents": (_cents_sql("year1_savings_usd"), True),
    "lifetime_savings_cents": (_cents_sql("lifetime_savings_usd"), True),
    "payback_years": (_float_sql("payback_years"), True),
    "score": ("l.score::text", False),
    "tier": ("l.tier", True),
    "score_factors": (
        "(SELECT string_agg((f ->> 'factor') || ' ' || (f ->> 'points') || '/' "
        "|| (f ->> 'max_points'), '; ' ORDER BY n) "
        "FROM jsonb_array_elements(l.score_factors) WITH ORDINALITY AS x(f, n))",
        True,
    ),
    "receipt_mode": ("rc.mode", True),
    "receipt_price_rule": ("rc.price_rule", True),
    "receipt_area": ("rc.matched ->> 'area'", True),
    "receipt_max_buyers_consented": ("rc.max_buyers_consented", True),
    "receipt_exclusive_cents": ("rc.compared_cents ->> 'exclusive'", True),
    "receipt_shared_cents": ("rc.compared_cents ->> 'shared'", True),
    "consent_disclosure_version": ("c.disclosure_version", True),
    "consent_disclosure_sha256": (
        "encode(sha256(convert_to(c.disclosure_text, 'UTF8')), 'hex')",
        False,
    ),
    "consent_max_buyers": ("c.max_buyers::text", False),
    "consent_given_at": (_time_sql("c.given_at"), False),
    "consent_ip": ("c.ip", True),
    "consent_user_agent": ("c.user_agent", True),
    "consent_source": ("c.source", True),
    "return_status": ("r.status", True),
    "return_reason": ("r.reason", True),
    "return_filed_at": (_time_sql("r.filed_at"), False),
    "return_credit_cents": ("r.credit_cents::text", True),
    "last_outcome": ("o.outcome", True),
    "last_outcome_at": (_time_sql("o.occurred_at"), False),
    "outcome_count": ("coalesce(o.outcomes, 0)::text", False),
}
assert list(COPY_COLUMNS) == items.CSV_COLUMNS, "the CSV has one column list"

_TRIGGERS_SQL = ", ".join(
    {"\t": "chr(9)", "\r": "chr(13)"}.get(t, "'" + t.replace("'", "''") + "'")
    for t in FORMULA_TRIGGERS
)


def _neutralised(name: str, can_trigger: bool) -> str:
    if not can_trigger:
        return name
    return f"CASE WHEN left({name}, 1) IN ({_TRIGGERS_SQL}) THEN '''' || {name} ELSE {name} END"


def copy_query(window: Window, *, return_window_days: int) -> tuple[str, list[Any]]:
    """The export's SELECT for ``COPY (...) TO STDOUT`` and its arguments."""
    args: list[Any] = [window.partner_id, return_window_days]
    conditions = ["s.partner_id = $1::uuid"]
    if window.through is None:
        conditions.append("false")
    else:
        conditions.append(
            f"(s.sold_at, s.id) <= (${len(args) + 1}::timestamptz, ${len(args) + 2}::uuid)"
        )
        args += list(window.through)
        if window.after is not None:
            conditions.append(
                f"(s.sold_at, s.id) > (${len(args) + 1}::timestamptz, ${len(args) + 2}::uuid)"
            )
            args += list(window.after)
    inner = ",\n    ".join(f"{sql} AS {name}" for name, (sql, _) in COPY_COLUMNS.items())
    outer = ",\n  ".join(
        f"{_neutralised(name, can)} AS {name}" for name, (_, can) in COPY_COLUMNS.items()
    )
    # The JSON documents are read once each (jsonb_to_record), not once per field: a
    # large one is stored compressed, and each read would decompress it again. OFFSET 0
    # keeps the inner query whole, so each column is computed once, not once per mention
    # in the neutralising CASE. Only constants of this module are spliced in; every
    # value is a $n argument.
    query = f"""SELECT
  {outer}
FROM (
  SELECT
    {inner}
  FROM lead_sales s
  JOIN leads l ON l.id = s.lead_id
  LEFT JOIN LATERAL jsonb_to_record(
    CASE WHEN jsonb_typeof(l.estimate) = 'object' THEN l.estimate END
  ) AS e(
    system_size_kw float8, annual_production_kwh float8, payback_years float8,
    gross_cost_usd numeric, net_cost_usd numeric, year1_savings_usd numeric,
    lifetime_savings_usd numeric
  ) ON true
  LEFT JOIN LATERAL jsonb_to_record(s.receipt) AS rc(
    mode text, price_rule text, matched jsonb, max_buyers_consented text, compared_cents jsonb
  ) ON true
  LEFT JOIN LATERAL (
    SELECT cr.disclosure_version, cr.disclosure_text, cr.max_buyers, cr.given_at, cr.ip,
           cr.user_agent, cr.source
    FROM consent_records cr
    WHERE cr.lead_id = s.lead_id AND cr.given_at <= s.sold_at
    ORDER BY cr.given_at DESC, cr.id DESC
    LIMIT 1
  ) c ON true
  LEFT JOIN lead_returns r ON r.sale_id = s.id
  LEFT JOIN LATERAL (
    SELECT lo.outcome, lo.occurred_at, count(*) OVER () AS outcomes
    FROM lead_outcomes lo
    WHERE lo.sale_id = s.id
    ORDER BY lo.occurred_at DESC, lo.recorded_at DESC, lo.id DESC
    LIMIT 1
  ) o ON true
  WHERE {" AND ".join(conditions)}
  ORDER BY s.sold_at, s.id
  OFFSET 0
) AS export"""  # noqa: S608
    return query, args


async def copy_csv(session: AsyncSession, query: str, args: list[Any]) -> AsyncIterator[bytes]:
    """Relay ``COPY (query) TO STDOUT WITH CSV HEADER`` as PostgreSQL writes it. The
    copy runs in a task that hands chunks over a short queue: when the client reads
    slowly the queue fills, the task waits, and PostgreSQL waits for it."""
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None
    queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=8)
    done = object()

    async def copy() -> None:
        try:
            await driver.copy_from_query(
                query,
                *args,
                output=queue.put,
                format="csv",
                header=True,
                timeout=COPY_TIMEOUT_SECONDS,
            )
        except asyncio.CancelledError:
            raise
        except BaseException as exc:  # handed to the reader, which is still there
            await queue.put(exc)
            return
        await queue.put(done)

    task = asyncio.create_task(copy(), name="b2b-csv-copy")
    try:
        buffer = bytearray()
        while (data := await queue.get()) is not done:
            if isinstance(data, BaseException):
                raise data
            buffer += data
            if len(buffer) >= COPY_FLUSH_BYTES:
                yield bytes(buffer)
                buffer.clear()
        if buffer:
            yield bytes(buffer)
    finally:
        if not task.done():
            # The client went away mid-copy. asyncpg cancels the COPY on the server, but
            # what the connection says next is racy (a rollback may meet the copy's
            # tail and read as a lost connection, which discards the whole pool): this
            # one connection is closed instead, and the pool opens a fresh one.
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await connection.invalidate()


async def stream_copy(
    session_factory: SessionFactory, window: Window, *, return_window_days: int
) -> AsyncIterator[bytes]:
    query, args = copy_query(window, return_window_days=return_window_days)
    async with _reading(session_factory) as session:
        async for data in copy_csv(session, query, args):
            yield data
