"""Keyset pagination: an opaque cursor holding the last row's sort key and id.

Pages stay fast and stable however deep a user scrolls, and rows inserted meanwhile
never shift a page. A cursor is only valid with the sort it was made for.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.core.datetimes import as_utc
from app.core.errors import ValidationFailed

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# Integer sort keys in a cursor must fit a 32-bit column (scores, counts): anything else
# was not made by us.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


@dataclass(frozen=True)
class SortKey:
    """A sort choice: ``-created_at`` is newest first; ties broken by id, same way."""

    name: str
    column: Any
    id_column: Any
    descending: bool
    kind: type  # datetime or int: how the cursor's value is read back

    def order_by(self) -> list[Any]:
        if self.descending:
            return [self.column.desc(), self.id_column.desc()]
        return [self.column.asc(), self.id_column.asc()]

    def after(self, value: Any, row_id: uuid.UUID) -> Any:
        """Rows strictly after (value, id) in this order. The plain bound on the column
        lets both databases start an index range there instead of reading every row
        before the cursor and filtering (deep pages would cost their depth)."""
        if self.descending:
            return sa.and_(
                self.column <= value, sa.or_(self.column < value, self.id_column < row_id)
            )
        return sa.and_(self.column >= value, sa.or_(self.column > value, self.id_column > row_id))


def encode_cursor(sort: SortKey, value: Any, row_id: uuid.UUID) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    raw = json.dumps([sort.name, value, str(row_id)], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: SortKey) -> tuple[Any, uuid.UUID]:
    invalid = ValidationFailed(
        "The cursor is not valid for this listing; start again without it.",
        code="invalid_cursor",
    )
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        name, value, row_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if name != sort.name:
            raise invalid
        if sort.kind is datetime:
            value = as_utc(datetime.fromisoformat(value))
        elif sort.kind is int and (
            not isinstance(value, int) or isinstance(value, bool) or not INT_MIN <= value <= INT_MAX
        ):
            raise invalid
        return value, uuid.UUID(row_id)
    except (
        ValueError,
        TypeError,
        OverflowError,
        binascii.Error,
        UnicodeDecodeError,
        json.JSONDecodeError,
    ) as exc:
        raise invalid from exc


def page_query(
    statement: sa.Select[Any], sort: SortKey, cursor: str | None, limit: int
) -> sa.Select[Any]:
    """``statement`` in ``sort`` order, after ``cursor``, one row more than ``limit`` (to
    know whether another page exists)."""
    if cursor:
        value, row_id = decode_cursor(cursor, sort)
        statement = statement.where(sort.after(value, row_id))
    return statement.order_by(*sort.order_by()).limit(limit + 1)


def next_cursor(rows: list[Any], sort: SortKey, limit: int, attr: str) -> str | None:
    """The cursor of the page after ``rows`` (fetched with ``limit + 1``), or None."""
    if len(rows) <= limit:
        return None
    last = rows[limit - 1]
    return encode_cursor(sort, getattr(last, attr), last.id)
