"""Who may call what: every /api/v1/admin and /api/v1/auth route x every kind of caller.

The table below is the rule book. ``test_every_guarded_route_is_in_the_matrix`` reads
the app's route table, so a new route without a row here fails the suite until someone
decides who may call it.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security import create_access_token
from tests.partners.selling import selling_records
from tests.support.staff import PASSWORD, PREFIXES, IssuedTokens, api_routes, issue_tokens

IDENTITIES = [
    "anonymous",
    "analyst",
    "manager",
    "admin",
    "expired_token",
    "tampered_token",
    "wrong_audience",
    "disabled_user",
]
ROLES = ("analyst", "manager", "admin")


@dataclass(frozen=True)
class Rule:
    """Who passes (by minimum role) and with what status; everyone else gets ``denied``
    (401 without a usable token, 403 with a role too low)."""

    minimum: str | None  # None: the route does not look at the caller
    ok: int
    body: Callable[[dict[str, Any]], Any] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    public_status: int | None = None  # for minimum=None: the status everyone gets


def _new_user(_ctx: dict[str, Any]) -> dict[str, Any]:
    return {
        "email": f"new-{uuid.uuid4().hex[:10]}@example.com",
        "role": "analyst",
        "password": "a fine password",
    }


_PERIOD = {"from": "2026-11-01", "to": "2026-11-30"}

MATRIX: dict[tuple[str, str], Rule] = {
    # Signing in looks at the body, not the caller: a wrong password is 401 for all.
    ("POST", "/api/v1/auth/login"): Rule(
        None,
        401,
        body=lambda c: {"email": c["email"], "password": "wrong password"},
        public_status=401,
    ),
    # No refresh cookie: 401 whoever calls.
    ("POST", "/api/v1/auth/refresh"): Rule(None, 401, public_status=401),
    # Signing out always answers 204.
    ("POST", "/api/v1/auth/logout"): Rule(None, 204, public_status=204),
    ("GET", "/api/v1/auth/me"): Rule("analyst", 200),
    ("POST", "/api/v1/auth/password"): Rule(
        "analyst",
        204,
        body=lambda c: {"current_password": PASSWORD, "new_password": "another good password"},
    ),
    ("GET", "/api/v1/admin/analytics/summary"): Rule("analyst", 200, params=_PERIOD),
    ("GET", "/api/v1/admin/analytics/timeseries"): Rule("analyst", 200, params=_PERIOD),
    ("GET", "/api/v1/admin/analytics/breakdown"): Rule(
        "analyst", 200, params={**_PERIOD, "by": "partner"}
    ),
    ("GET", "/api/v1/admin/analytics/funnel"): Rule("analyst", 200, params=_PERIOD),
    ("GET", "/api/v1/admin/leads"): Rule("analyst", 200),
    ("GET", "/api/v1/admin/leads/export.csv"): Rule("analyst", 200),
    ("GET", "/api/v1/admin/leads/{lead_id}"): Rule("analyst", 200),
    ("PATCH", "/api/v1/admin/leads/{lead_id}"): Rule(
        "manager", 200, body=lambda c: {"status": "unqualified", "notes": "checked"}
    ),
    # The lead is no suspected duplicate: past the role check it is 409.
    ("POST", "/api/v1/admin/leads/{lead_id}/duplicate"): Rule(
        "manager", 409, body=lambda c: {"decision": "keep_apart"}
    ),
    ("POST", "/api/v1/admin/privacy/erase"): Rule(
        "manager", 200, body=lambda c: {"email": c["lead_email"], "confirm": True}
    ),
    ("GET", "/api/v1/admin/conversations"): Rule("analyst", 200),
    ("GET", "/api/v1/admin/conversations/{conversation_id}"): Rule("analyst", 200),
    # Webhooks: unknown deliveries and endpoints are 404 once past the role check.
    ("GET", "/api/v1/admin/webhook-deliveries"): Rule("analyst", 200),
    ("POST", "/api/v1/admin/webhook-deliveries/{delivery_id}/redeliver"): Rule("manager", 404),
    ("GET", "/api/v1/admin/webhook-endpoints"): Rule("analyst", 200),
    ("POST", "/api/v1/admin/webhook-endpoints/{endpoint_id}/replay"): Rule(
        "manager", 404, body=lambda c: {"since": "2026-11-01T00:00:00+00:00"}
    ),
    ("POST", "/api/v1/admin/webhook-endpoints/{endpoint_id}/enable"): Rule("manager", 404),
    # The live feed: any staff role gets a ticket; the stream itself takes only a ticket
    # (never a bearer token), so without one it is 422 whoever calls (tests/live).
    ("POST", "/api/v1/admin/events/ticket"): Rule("analyst", 200),
    ("GET", "/api/v1/admin/events"): Rule(None, 422, public_status=422),
    ("GET", "/api/v1/admin/system"): Rule("manager", 200),
    ("GET", "/api/v1/admin/users"): Rule("admin", 200),
    ("POST", "/api/v1/admin/users"): Rule("admin", 201, body=_new_user),
    ("GET", "/api/v1/admin/users/{user_id}"): Rule("admin", 200),
    ("PATCH", "/api/v1/admin/users/{user_id}"): Rule(
        "admin", 200, body=lambda c: {"role": "manager"}
    ),
    ("GET", "/api/v1/admin/audit-log"): Rule("admin", 200),
    # Selling: analysts read, managers change partners, keys and balances, decide returns.
    ("GET", "/api/v1/admin/partners"): Rule("analyst", 200),
    ("POST", "/api/v1/admin/partners"): Rule(
        "manager", 201, body=lambda c: {"name": "Matrix Solar", "service_area": {"states": ["AZ"]}}
    ),
    ("GET", "/api/v1/admin/partners/{partner_id}"): Rule("analyst", 200),
    ("PATCH", "/api/v1/admin/partners/{partner_id}"): Rule(
        "manager", 200, body=lambda c: {"status": "paused"}
    ),
    ("GET", "/api/v1/admin/partners/{partner_id}/api-keys"): Rule("analyst", 200),
    ("POST", "/api/v1/admin/partners/{partner_id}/api-keys"): Rule(
        "manager", 201, body=lambda c: {"name": "matrix", "scopes": ["leads:read"]}
    ),
    ("POST", "/api/v1/admin/partners/{partner_id}/api-keys/{key_id}/rotate"): Rule(
        "manager", 201, body=lambda c: {"overlap_hours": 1}
    ),
    ("POST", "/api/v1/admin/partners/{partner_id}/api-keys/{key_id}/revoke"): Rule("manager", 200),
    ("GET", "/api/v1/admin/partners/{partner_id}/ledger"): Rule("analyst", 200),
    ("POST", "/api/v1/admin/partners/{partner_id}/ledger"): Rule(
        "manager", 201, body=lambda c: {"amount_cents": 5_000, "note": "matrix"}
    ),
    ("GET", "/api/v1/admin/partners/{partner_id}/outcomes"): Rule("analyst", 200),
    ("GET", "/api/v1/admin/sales"): Rule("analyst", 200),
    ("GET", "/api/v1/admin/returns"): Rule("analyst", 200),
    ("POST", "/api/v1/admin/returns/{return_id}/decision"): Rule(
        "manager", 200, body=lambda c: {"decision": "accept"}
    ),
}

RANK = {"analyst": 1, "manager": 2, "admin": 3}


def expected_status(rule: Rule, identity: str) -> int:
    if rule.minimum is None:
        return rule.public_status or rule.ok
    if identity not in ROLES:
        return 401
    return rule.ok if RANK[identity] >= RANK[rule.minimum] else 403


def guarded_routes(app: FastAPI) -> set[tuple[str, str]]:
    return {(m, p) for m, p in api_routes(app) if p.startswith(PREFIXES)}


def test_every_guarded_route_is_in_the_matrix(app: FastAPI) -> None:
    routes = guarded_routes(app)
    missing = routes - set(MATRIX)
    stale = set(MATRIX) - routes
    assert not missing, f"routes with no row in the authorization matrix: {sorted(missing)}"
    assert not stale, f"matrix rows for routes that no longer exist: {sorted(stale)}"
    assert len(routes) == len(MATRIX) >= 16


def _tamper(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["role"] = "admin"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{forged}.{signature}"


async def _headers_for(
    identity: str,
    app: FastAPI,
    session: AsyncSession,
    make_user: Callable[..., Awaitable[Any]],
) -> dict[str, str]:
    settings = app.state.settings
    if identity == "anonymous":
        return {}
    if identity in ROLES:
        issued: IssuedTokens = await issue_tokens(session, settings, await make_user(identity))
        return issued.headers
    user = await make_user("admin")
    if identity == "expired_token":
        past = datetime.now(UTC) - timedelta(minutes=settings.access_token_minutes + 1)
        return (await issue_tokens(session, settings, user, now=past)).headers
    if identity == "tampered_token":
        issued = await issue_tokens(session, settings, await make_user("analyst"))
        return {"Authorization": f"Bearer {_tamper(issued.access)}"}
    if identity == "wrong_audience":
        issued = await issue_tokens(session, settings, user)
        other = settings.model_copy(update={"jwt_audience": "aurum-partner"})
        token, _ = create_access_token(
            other,
            user_id=user.id,
            role="admin",
            session_id=issued.session_id,
            session_version=1,
            now=datetime.now(UTC),
        )
        assert jwt.decode(token, options={"verify_signature": False})["aud"] == "aurum-partner"
        return {"Authorization": f"Bearer {token}"}
    if identity == "disabled_user":
        issued = await issue_tokens(session, settings, user)
        user.is_active = False  # disabled after signing in, token still unexpired
        await session.commit()
        return issued.headers
    raise AssertionError(identity)


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize(("method", "path"), sorted(MATRIX), ids=lambda v: str(v))
async def test_authorization_matrix(
    app: FastAPI,
    client: httpx.AsyncClient,
    db_session: AsyncSession,
    make_user,
    make_lead,
    make_chat,
    method: str,
    path: str,
    identity: str,
) -> None:
    rule = MATRIX[(method, path)]
    lead = await make_lead()
    chat = await make_chat(lead)
    target = await make_user("manager")
    # A second admin, so demoting or disabling one never trips the last-admin rule.
    await make_user("admin")
    context = {"email": target.email, "lead_email": lead.email}
    needs_sale = "{partner_id}" in path or "{return_id}" in path
    selling = await selling_records(app, db_session, lead) if needs_sale else {}
    url = path.format_map(
        {
            "lead_id": lead.id,
            "conversation_id": chat.id,
            "user_id": target.id,
            "delivery_id": "msg_" + "0" * 32,
            "endpoint_id": uuid.uuid4(),
            **selling,
        }
    )
    headers = await _headers_for(identity, app, db_session, make_user)

    kwargs: dict[str, Any] = {"headers": headers, "params": rule.params}
    if rule.body is not None:
        kwargs["json"] = rule.body(context)
    response = await client.request(method, url, **kwargs)

    expected = expected_status(rule, identity)
    assert response.status_code == expected, (identity, method, path, response.text[:300])
    if expected >= 400:
        assert set(response.json()) == {"error"}
        if expected == 401 and rule.minimum is not None:
            assert response.headers["www-authenticate"] == "Bearer"
        if expected == 403:
            assert response.json()["error"]["code"] == "insufficient_role"
