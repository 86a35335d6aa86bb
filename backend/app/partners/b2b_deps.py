"""Who is calling the partner API, and may it: ``PartnerDep`` and ``RequireScope``.

A partner presents an API key as ``Authorization: Bearer ak_live_...``. The key is
looked up by its hash (``keys.authenticate``): unknown, revoked and expired keys are 401
alike, so a caller learns nothing about keys it does not hold. A paused partner still
reads, files returns and resumes itself; a suspended one is refused everything (403)
until Aurum lifts the suspension. Each request counts against the partner's
``RATE_LIMIT_B2B`` whichever of its keys it uses; requests without a usable key count
against their client address, so a flood of guesses is throttled too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.core.clientip import client_ip
from app.core.db import SessionDep
from app.core.errors import Forbidden, Unauthorized
from app.core.ratelimit import Audience, b2b_rate_limit, enforce, ip_identity
from app.core.security import ClockDep
from app.partners import keys
from app.partners.models import API_KEY_SCOPES, ApiKey, Partner
from app.partners.service import Who

# ``last_used_at`` is written at most this often: a busy integration costs no write
# per request.
LAST_USED_RESOLUTION = timedelta(seconds=60)

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="PartnerApiKey",
    description="A partner API key, `ak_live_...`, issued by Aurum (shown once).",
)


@dataclass(frozen=True)
class PartnerPrincipal:
    """The partner calling, the key it used, and when."""

    partner: Partner
    key: ApiKey
    ip: str
    now: datetime

    @property
    def id(self) -> uuid.UUID:
        return self.partner.id

    def who(self) -> Who:
        """The partner as the author of a change (audited as ``via: partner``)."""
        return Who(via="partner", at=self.now, ip=self.ip, partner_id=self.partner.id)


def _unauthorized(code: str, message: str) -> Unauthorized:
    return Unauthorized(message, code=code, headers={"WWW-Authenticate": "Bearer"})


async def authenticate_partner(
    request: Request,
    session: SessionDep,
    clock: ClockDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> PartnerPrincipal:
    now = clock()
    key = await keys.authenticate(session, credentials.credentials, now) if credentials else None
    if key is None:
        await enforce(request, Audience.B2B, f"ip:{ip_identity(request)}")
        if credentials is None:
            raise _unauthorized(
                "not_authenticated", "Send your API key as `Authorization: Bearer ak_live_...`."
            )
        raise _unauthorized("invalid_api_key", "The API key is unknown, revoked or expired.")
    partner = await session.get(Partner, key.partner_id)
    if partner is None:  # pragma: no cover - the foreign key cascades
        raise _unauthorized("invalid_api_key", "The API key is unknown, revoked or expired.")
    await b2b_rate_limit(request, partner.id)
    if partner.status == "suspended":
        raise Forbidden(
            "Your account is suspended; contact Aurum to lift the suspension.",
            code="partner_suspended",
        )
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        await session.execute(sa.update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=now))
    return PartnerPrincipal(partner=partner, key=key, ip=client_ip(request), now=now)


PartnerDep = Annotated[PartnerPrincipal, Depends(authenticate_partner)]


def require_scope(scope: str) -> Any:
    if scope not in API_KEY_SCOPES:  # a typo in a route, caught at import
        raise ValueError(f"unknown scope {scope!r}")

    async def _require(principal: PartnerDep) -> PartnerPrincipal:
        if scope not in principal.key.scopes:
            raise Forbidden(
                f"This API key lacks the `{scope}` scope; ask Aurum for a key that has it.",
                code="insufficient_scope",
                details={"required_scope": scope, "scopes": list(principal.key.scopes)},
            )
        return principal

    return _require


def RequireScope(scope: str) -> Any:
    """``principal: Annotated[PartnerPrincipal, RequireScope("leads:read")]``."""
    return Depends(require_scope(scope))


LeadsReader = Annotated[PartnerPrincipal, RequireScope("leads:read")]
ReturnsWriter = Annotated[PartnerPrincipal, RequireScope("returns:write")]
OutcomesWriter = Annotated[PartnerPrincipal, RequireScope("outcomes:write")]
AccountReader = Annotated[PartnerPrincipal, RequireScope("account:read")]
AccountWriter = Annotated[PartnerPrincipal, RequireScope("account:write")]
