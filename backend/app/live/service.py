"""Stream tickets, and what each role may see of an event.

An ``EventSource`` cannot send an ``Authorization`` header, and an access token in a
URL ends up in proxy and server logs. So a signed-in user first asks for a ticket
(``POST /admin/events/ticket``, with the bearer token): a random string kept in the
shared store (Redis with several instances) for ``LIVE_TICKET_SECONDS``, naming the
user and their session version. Opening the stream spends it: of two requests with the
same ticket, whichever deletes it first wins, the other is refused. Only the ticket's
hash is stored.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.admin.models import AdminUser, RefreshToken
from app.core.db import SessionFactory, utcnow
from app.core.errors import Unauthorized
from app.core.events import LiveEvent
from app.core.masking import mask_last_name, mask_mapping

TICKET_PREFIX = "live:ticket:"


@dataclass(frozen=True)
class Viewer:
    """Who holds an open stream, and the sign-in session it came from."""

    user_id: uuid.UUID
    role: str
    session_id: uuid.UUID
    session_version: int

    @property
    def sees_pii(self) -> bool:
        return self.role in ("manager", "admin")


def _key(ticket: str) -> str:
    return TICKET_PREFIX + hashlib.sha256(ticket.encode()).hexdigest()


async def issue_ticket(
    store: Any, user: AdminUser, session_id: uuid.UUID, *, ttl_seconds: int
) -> str:
    ticket = secrets.token_urlsafe(32)
    holder = {
        "user_id": str(user.id),
        "session_id": str(session_id),
        "session_version": user.session_version,
    }
    await store.set(_key(ticket), json.dumps(holder), ttl_seconds=ttl_seconds)
    return ticket


def _refused() -> Unauthorized:
    return Unauthorized(
        "This stream ticket is not valid (tickets are single use and short-lived); "
        "ask for a new one with POST /api/v1/admin/events/ticket.",
        code="invalid_ticket",
    )


async def redeem_ticket(store: Any, ticket: str, session_factory: SessionFactory) -> Viewer:
    """Spend ``ticket`` and return whom it was issued to, as they are now."""
    key = _key(ticket)
    raw = await store.get(key)
    # Only the request whose delete removed it may use it (the store's delete is atomic).
    if raw is None or await store.delete(key) != 1:
        raise _refused()
    try:
        holder = json.loads(raw)
        viewer = Viewer(
            uuid.UUID(holder["user_id"]),
            "",
            uuid.UUID(holder["session_id"]),
            int(holder["session_version"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise _refused() from exc
    role = await current_role(viewer, session_factory, now=utcnow())
    if role is None:
        raise _refused()
    return Viewer(viewer.user_id, role, viewer.session_id, viewer.session_version)


async def current_role(
    viewer: Viewer, session_factory: SessionFactory, *, now: datetime
) -> str | None:
    """The viewer's role while their sign-in still stands; None once they were disabled,
    signed out (everywhere or of that session) or their session expired."""
    async with session_factory() as session:
        row = (
            await session.execute(
                sa.select(AdminUser.role, AdminUser.is_active, AdminUser.session_version)
                .join(RefreshToken, RefreshToken.user_id == AdminUser.id)
                .where(
                    AdminUser.id == viewer.user_id,
                    RefreshToken.family_id == viewer.session_id,
                    RefreshToken.revoked_at.is_(None),
                    RefreshToken.replaced_by.is_(None),
                    RefreshToken.expires_at > now,
                )
            )
        ).first()
    if row is None or not row.is_active or row.session_version != viewer.session_version:
        return None
    return row.role


def view_for(event: LiveEvent, viewer: Viewer) -> dict[str, Any]:
    """The event as ``viewer`` may see it: analysts get no names, emails, phones or
    street addresses (the project's masks, first names to an initial too)."""
    message = event.message()
    if viewer.sees_pii:
        return message
    data = mask_mapping(event.data)
    if isinstance(data.get("first_name"), str):
        data["first_name"] = mask_last_name(data["first_name"])
    return {**message, "data": data}
