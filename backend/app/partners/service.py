"""Partner rules: create, change, pause and resume, top up, keys; every change audited.

The staff API, the partner's own B2B account API and the ``aurum partner`` command all
call these, so a partner is the same whoever changes it. ``actor`` is the staff member
(None for the command line or the partner itself, said in ``via``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.audit.service import Action, record
from app.admin.models import AdminUser
from app.core import outbox
from app.core.errors import Conflict, NotFound, ValidationFailed
from app.partners import keys, ledger
from app.partners.distribution import PARTNERS_CHANGED
from app.partners.models import ApiKey, LedgerEntry, Partner
from app.partners.schemas import Caps, Filters, Prices, ServiceArea, valid_timezone


@dataclass(frozen=True)
class Who:
    """Who makes a change: a staff member, the command line, or the partner itself."""

    via: str  # api | cli | partner
    at: datetime
    user: AdminUser | None = None
    ip: str | None = None
    partner_id: uuid.UUID | None = None


async def _audit(
    session: AsyncSession, who: Who, action: str, target: Any, details: dict[str, Any]
) -> None:
    await record(
        session,
        action=action,
        at=who.at,
        actor=who.user,
        target_type="partner",
        target_id=target,
        ip=who.ip,
        details={"via": who.via, **details},
    )


def _partners_changed(session: AsyncSession, partner: Partner, at: datetime) -> None:
    """What a partner buys or can afford changed: open leads are offered again."""
    outbox.publish(
        session, PARTNERS_CHANGED, key=partner.id, payload={"partner_id": str(partner.id)}, now=at
    )


async def get_partner(session: AsyncSession, partner_id: uuid.UUID) -> Partner:
    partner = await session.get(Partner, partner_id)
    if partner is None:
        raise NotFound("No partner has this id.", code="partner_not_found")
    return partner


PARTNER_FIELDS = (
    "name",
    "contact_name",
    "contact_email",
    "contact_phone",
    "timezone",
    "service_area",
    "filters",
    "prices",
    "caps",
    "cap_limits",
    "allowed_states",
    "person_window_days",
    "billing_mode",
    "credit_limit_cents",
    "low_balance_cents",
)


def _normalised(field: str, value: Any) -> Any:
    """A field's value in its stored form, validated (422 when not valid)."""
    try:
        if field == "service_area":
            return ServiceArea.model_validate(value).model_dump()
        if field == "filters":
            return Filters.model_validate(value).model_dump()
        if field == "prices":
            return Prices.model_validate(value).model_dump()
        if field in ("caps", "cap_limits"):
            return Caps.model_validate(value).model_dump()
        if field == "allowed_states":
            return ServiceArea(states=value).states
        if field == "timezone":
            return valid_timezone(value)
    except ValueError as exc:
        raise ValidationFailed(f"Invalid {field}: {exc}", code="invalid_partner") from exc
    return value


def _check_caps_within_limits(partner: Partner) -> None:
    caps, limits = Caps.model_validate(partner.caps), Caps.model_validate(partner.cap_limits)
    for name in ("day", "week", "month", "month_spend_cents"):
        limit = getattr(limits, name)
        value = getattr(caps, name)
        if limit is not None and (value is None or value > limit):
            raise ValidationFailed(
                f"The {name} cap may be at most {limit}.",
                code="cap_above_limit",
                details={"cap": name, "limit": limit, "value": value},
            )


async def create_partner(session: AsyncSession, fields: dict[str, Any], who: Who) -> Partner:
    partner = Partner(id=uuid.uuid4(), status="active", balance_cents=0)
    for field in PARTNER_FIELDS:
        if field in fields and fields[field] is not None:
            setattr(partner, field, _normalised(field, fields[field]))
    partner.service_area = partner.service_area or ServiceArea().model_dump()
    partner.filters = partner.filters or Filters().model_dump()
    partner.prices = partner.prices or Prices().model_dump()
    partner.caps = partner.caps or Caps().model_dump()
    partner.cap_limits = partner.cap_limits or Caps().model_dump()
    partner.allowed_states = partner.allowed_states or list(
        ServiceArea.model_validate(partner.service_area).states
    )
    partner.timezone = partner.timezone or "America/New_York"
    partner.person_window_days = partner.person_window_days or 30
    partner.billing_mode = partner.billing_mode or "prepaid"
    partner.credit_limit_cents = partner.credit_limit_cents or 0
    partner.low_balance_cents = partner.low_balance_cents or 0
    partner.created_at = partner.updated_at = who.at
    _check_caps_within_limits(partner)
    session.add(partner)
    await session.flush()
    _partners_changed(session, partner, who.at)
    await _audit(session, who, Action.PARTNER_CREATE, partner.id, {"name": partner.name})
    return partner


async def update_partner(
    session: AsyncSession, partner_id: uuid.UUID, changes: dict[str, Any], who: Who
) -> Partner:
    partner = await ledger.lock_partner(session, partner_id)
    changed: list[str] = []
    for field, value in changes.items():
        if field == "status":
            continue
        if field not in PARTNER_FIELDS:
            raise ValidationFailed(f"{field} cannot be changed here.", code="invalid_partner")
        stored = _normalised(field, value)
        if getattr(partner, field) != stored:
            setattr(partner, field, stored)
            changed.append(field)
    if "status" in changes and changes["status"] != partner.status:
        await set_status(session, partner, changes["status"], who)
    if changed:
        _check_caps_within_limits(partner)
        partner.updated_at = who.at
        _partners_changed(session, partner, who.at)
        await _audit(session, who, Action.PARTNER_UPDATE, partner.id, {"fields": changed})
    await session.flush()
    return partner


async def set_status(session: AsyncSession, partner: Partner, status: str, who: Who) -> Partner:
    if status not in ("active", "paused", "suspended"):
        raise ValidationFailed("status is active, paused or suspended.", code="invalid_status")
    if who.via == "partner" and (partner.status == "suspended" or status == "suspended"):
        raise Conflict(
            "A suspended account can only be changed by Aurum.", code="partner_suspended"
        )
    previous, partner.status = partner.status, status
    partner.updated_at = who.at
    if status == "active":
        _partners_changed(session, partner, who.at)
    await _audit(session, who, Action.PARTNER_STATUS, partner.id, {"from": previous, "to": status})
    return partner


async def topup(
    session: AsyncSession,
    partner_id: uuid.UUID,
    *,
    amount_cents: int,
    who: Who,
    kind: str = "topup",
    note: str | None = None,
) -> LedgerEntry:
    """A top-up (positive) or an adjustment (either sign) of the partner's balance."""
    if kind not in ("topup", "adjustment"):
        raise ValidationFailed("kind is topup or adjustment.", code="invalid_ledger_kind")
    if kind == "topup" and amount_cents <= 0:
        raise ValidationFailed("A top-up is a positive amount.", code="invalid_amount")
    if amount_cents == 0:
        raise ValidationFailed("An adjustment is not zero.", code="invalid_amount")
    partner = await ledger.lock_partner(session, partner_id)
    entry = await ledger.post(
        session,
        partner,
        kind=kind,
        amount_cents=amount_cents,
        at=who.at,
        note=note,
        created_by=who.user.id if who.user else None,
    )
    # Money arrived: leads nobody could afford may sell now.
    _partners_changed(session, partner, who.at)
    await session.flush()
    await _audit(
        session,
        who,
        Action.PARTNER_LEDGER,
        partner.id,
        {"kind": kind, "amount_cents": amount_cents, "balance_cents": partner.balance_cents},
    )
    return entry


async def issue_key(
    session: AsyncSession,
    partner_id: uuid.UUID,
    *,
    name: str,
    scopes: list[str],
    who: Who,
    expires_at: datetime | None = None,
) -> keys.IssuedKey:
    partner = await get_partner(session, partner_id)
    try:
        issued = await keys.issue(
            session, partner, name=name, scopes=scopes, now=who.at, expires_at=expires_at
        )
    except ValueError as exc:
        raise ValidationFailed(str(exc), code="invalid_scopes") from exc
    await _audit(
        session,
        who,
        Action.API_KEY_CREATE,
        partner.id,
        {"key_id": str(issued.key.id), "prefix": issued.key.display_prefix, "scopes": scopes},
    )
    return issued


async def rotate_key(
    session: AsyncSession,
    partner_id: uuid.UUID,
    key_id: uuid.UUID,
    *,
    who: Who,
    overlap: Any = None,
) -> keys.IssuedKey:
    partner = await get_partner(session, partner_id)
    key = await keys.get_key(session, partner_id, key_id)
    issued = await keys.rotate(
        session, partner, key, now=who.at, **({"overlap": overlap} if overlap else {})
    )
    await _audit(
        session,
        who,
        Action.API_KEY_ROTATE,
        partner.id,
        {
            "key_id": str(key.id),
            "new_key_id": str(issued.key.id),
            "old_key_valid_until": key.expires_at.isoformat() if key.expires_at else None,
        },
    )
    return issued


async def revoke_key(
    session: AsyncSession, partner_id: uuid.UUID, key_id: uuid.UUID, *, who: Who
) -> ApiKey:
    key = await keys.get_key(session, partner_id, key_id)
    keys.revoke(key, who.at)
    await _audit(session, who, Action.API_KEY_REVOKE, partner_id, {"key_id": str(key.id)})
    return key


async def list_partners(session: AsyncSession, status: str | None = None) -> list[Partner]:
    statement = sa.select(Partner).order_by(Partner.name, Partner.id)
    if status:
        statement = statement.where(Partner.status == status)
    return list((await session.execute(statement)).scalars())
