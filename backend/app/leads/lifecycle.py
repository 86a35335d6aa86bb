"""A lead's status and the one table of the changes it may go through.

Every status change, by staff in the dashboard or by the system (a resubmission, a sale,
a return, a merge), goes through :func:`change_status`, so the rules live here and
nowhere else, and every change is audited with its from/to and why.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, Literal, get_args

from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.audit.service import Action, record
from app.core.errors import Conflict

if TYPE_CHECKING:
    from app.admin.models import AdminUser
    from app.leads.models import Lead

LeadStatus = Literal["new", "unqualified", "sold", "returned", "unsold", "duplicate"]
LEAD_STATUSES: Final[tuple[LeadStatus, ...]] = get_args(LeadStatus)

Actor = Literal["staff", "system"]

ANYONE: Final = frozenset({"staff", "system"})
SYSTEM: Final = frozenset({"system"})

# status -> {next status: who may make the change}. "staff" is a person changing the
# status by hand in the dashboard; "system" is a rule acting on its own or on a staff
# decision taken elsewhere (a sale, an accepted return, a duplicate merged, a
# resubmission that changes the qualification).
TRANSITIONS: Final[dict[str, dict[str, frozenset[Actor]]]] = {
    "new": {"unqualified": ANYONE, "sold": SYSTEM, "unsold": SYSTEM, "duplicate": SYSTEM},
    "unqualified": {"new": ANYONE, "duplicate": SYSTEM},
    "sold": {"returned": SYSTEM},
    "unsold": {"new": SYSTEM},  # offered again (a partner added or resumed)
    "returned": {},
    "duplicate": {},
}

# Statuses whose lead has been sold at least once: its details never change again.
SOLD_STATUSES: Final = frozenset({"sold", "returned"})


def allowed_next(status: str, actor: Actor) -> list[str]:
    """The statuses ``actor`` may move a lead in ``status`` to, in table order."""
    return [to for to, actors in TRANSITIONS.get(status, {}).items() if actor in actors]


def check_transition(current: str, to: str, actor: Actor) -> None:
    """Raise 409 ``invalid_status_transition`` unless ``actor`` may move ``current`` to ``to``."""
    if actor in TRANSITIONS.get(current, {}).get(to, frozenset()):
        return
    allowed = allowed_next(current, actor)
    raise Conflict(
        f"A {current} lead cannot be made {to}"
        + (f"; it can become: {', '.join(allowed)}." if allowed else "."),
        code="invalid_status_transition",
        details={"from": current, "to": to, "allowed": allowed},
    )


def is_sellable(lead: Lead) -> bool:
    """May be offered to partners now: new, not a suspected or merged duplicate, not
    erased. (Every lead has a consent record: it is created with one.)"""
    return (
        lead.status == "new"
        and lead.duplicate_state in (None, "kept_apart")
        and lead.erased_at is None
    )


# Statuses a partner may still be offered the lead in (and so whose answers may change).
UNSOLD_STATUSES: Final = frozenset({"new", "unqualified", "unsold"})


async def change_status(
    session: AsyncSession,
    lead: Lead,
    to: str,
    *,
    actor: Actor,
    reason: str,
    at: datetime,
    user: AdminUser | None = None,
    ip: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Move ``lead`` to ``to`` if the table allows ``actor`` to, and audit it (``user``
    is the staff member behind the change, if any)."""
    if lead.status == to:
        return
    check_transition(lead.status, to, actor)
    previous, lead.status = lead.status, to
    lead.updated_at = at
    await record(
        session,
        action=Action.LEAD_STATUS,
        at=at,
        actor=user,
        target_type="lead",
        target_id=lead.id,
        ip=ip,
        details={"from": previous, "to": to, "by": actor, "reason": reason, **(details or {})},
    )
