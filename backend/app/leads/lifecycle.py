"""A lead's status and the one table of the changes it may go through.

Every status change, by staff in the dashboard or by the system (a resubmission, a sale,
a return), goes through :func:`change_status`, so the rules live here and nowhere else.
The caller records the change in the audit log with its from/to.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

from app.core.errors import Conflict

LeadStatus = Literal["new", "unqualified", "sold", "returned"]
LEAD_STATUSES: Final[tuple[LeadStatus, ...]] = get_args(LeadStatus)

Actor = Literal["staff", "system"]

# status -> {next status: who may make the change}
TRANSITIONS: Final[dict[str, dict[str, frozenset[Actor]]]] = {
    "new": {
        "unqualified": frozenset({"staff", "system"}),
        "sold": frozenset({"staff", "system"}),
    },
    "unqualified": {"new": frozenset({"staff", "system"})},
    "sold": {"returned": frozenset({"staff", "system"})},
    "returned": {},
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
