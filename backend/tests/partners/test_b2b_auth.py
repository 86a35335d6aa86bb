"""Partner API keys on the B2B routes: who gets in, with which scope, how often."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.db import utcnow
from app.partners import keys, service
from app.partners.models import ApiKey, Partner
from app.webhooks import signing
from app.webhooks.models import WebhookEndpoint
from tests.partners.b2b import ACCOUNT, LEADS, b2b_client, buyer_with_leads
from tests.partners.support import CLI, bearer, make_key
from tests.partners.test_distribution import isolate
from tests.security.test_ratelimit import tight_app
from tests.support.staff import issue_tokens

HOOKS = "/api/v1/b2b/webhooks"

# Every B2B route, the scope it needs and a request that passes with it.
ROUTES = [
    ("GET", LEADS, "leads:read", None),
    ("GET", f"{LEADS}/{{lead}}", "leads:read", None),
    ("POST", f"{LEADS}/{{lead}}/return", "returns:write", {"reason": "bad_contact"}),
    (
        "POST",
        f"{LEADS}/{{lead}}/outcome",
        "outcomes:write",
        {"outcome": "contacted", "occurred_at": "{now}"},
    ),
    ("GET", ACCOUNT, "account:read", None),
    ("PATCH", ACCOUNT, "account:write", {"status": "active"}),
    ("GET", HOOKS, "account:read", None),
    ("POST", HOOKS, "account:write", {"url": "https://10.0.0.1/x", "event_types": ["lead.sold"]}),
    ("PATCH", f"{HOOKS}/{{endpoint}}", "account:write", {"description": "CRM"}),
    ("POST", f"{HOOKS}/{{endpoint}}/rotate-secret", "account:write", None),
    ("POST", f"{HOOKS}/{{endpoint}}/test", "account:write", None),
    ("GET", f"{HOOKS}/{{endpoint}}/deliveries", "account:read", None),
]
OK = {"GET": 200, "POST": 201, "PATCH": 200}
EXPECTED = {
    # Past the key and the scope, the body is checked: a private URL is refused (422)
    # without a DNS lookup, which a public name would need.
    ("POST", HOOKS): 422,
    ("POST", f"{HOOKS}/{{endpoint}}/test"): 202,
}


def _request(route: tuple, lead_id: str, endpoint_id: str) -> tuple[str, str, dict | None]:
    method, path, _scope, body = route
    if body and body.get("occurred_at") == "{now}":
        body = {**body, "occurred_at": utcnow().isoformat()}
    return method, path.format(lead=lead_id, endpoint=endpoint_id), body


async def endpoint_of(session: AsyncSession, partner: Partner) -> str:
    endpoint = WebhookEndpoint(
        id=uuid.uuid4(),
        partner_id=partner.id,
        url="https://hooks.example.com/aurum",
        event_types=["lead.sold"],
        status="active",
        secret=signing.new_secret(),
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    session.add(endpoint)
    await session.flush()
    return str(endpoint.id)


async def test_every_b2b_route_is_in_this_table(app: FastAPI) -> None:
    from tests.support.staff import api_routes

    routes = {(m, p) for m, p in api_routes(app) if p.startswith("/api/v1/b2b")}
    named = {"{lead}": "{lead_id}", "{endpoint}": "{endpoint_id}"}
    assert routes == {
        (m, p.replace("{lead}", named["{lead}"]).replace("{endpoint}", named["{endpoint}"]))
        for m, p, _, _ in ROUTES
    }


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r[0]} {r[1]}" for r in ROUTES])
async def test_each_route_needs_its_scope(
    app: FastAPI, db_session: AsyncSession, route: tuple
) -> None:
    await isolate(db_session)
    buyer = await buyer_with_leads(app, db_session, 1)
    scope = route[2]
    without = await make_key(
        db_session, buyer.partner, scopes=[s for s in keys.API_KEY_SCOPES if s != scope]
    )
    only = await make_key(db_session, buyer.partner, scopes=[scope])
    endpoint_id = await endpoint_of(db_session, buyer.partner)
    await db_session.commit()
    method, url, body = _request(route, str(buyer.lead_ids[0]), endpoint_id)
    async with b2b_client(app) as http:
        refused = await http.request(method, url, json=body, headers=bearer(without))
        assert refused.status_code == 403, refused.text
        error = refused.json()["error"]
        assert error["code"] == "insufficient_scope" and scope in error["message"]
        assert error["details"]["required_scope"] == scope
        allowed = await http.request(method, url, json=body, headers=bearer(only))
        expected = EXPECTED.get((route[0], route[1]), OK[method])
        assert allowed.status_code == expected, allowed.text


async def test_missing_unknown_revoked_and_expired_keys_are_401(
    app: FastAPI, db_session: AsyncSession, make_user
) -> None:
    await isolate(db_session)
    buyer = await buyer_with_leads(app, db_session, 0)
    revoked = await make_key(db_session, buyer.partner)
    expired = await make_key(db_session, buyer.partner, expires_at=utcnow() - timedelta(seconds=1))
    key = await keys.authenticate(db_session, revoked, utcnow())
    assert key is not None
    await service.revoke_key(db_session, buyer.partner.id, key.id, who=CLI)
    staff = await issue_tokens(db_session, app.state.settings, await make_user("admin"))
    await db_session.commit()
    cases = {
        "missing": {},
        "unknown": bearer(keys.new_secret()),
        "not a key": bearer("hello"),
        "revoked": bearer(revoked),
        "expired": bearer(expired),
        "staff token": staff.headers,
        "basic": {"Authorization": "Basic dXNlcjpwYXNz"},
    }
    async with b2b_client(app) as http:
        for name, headers in cases.items():
            response = await http.get(LEADS, headers=headers)
            assert response.status_code == 401, (name, response.text)
            assert response.headers["www-authenticate"] == "Bearer", name
            error = response.json()["error"]
            assert error["code"] in {"not_authenticated", "invalid_api_key"}, name
            assert "ratelimit-remaining" in response.headers, name  # counted per address
        assert (await http.get(LEADS, headers=buyer.headers)).status_code == 200


async def test_paused_reads_and_suspended_is_refused(
    app: FastAPI, db_session: AsyncSession
) -> None:
    await isolate(db_session)
    buyer = await buyer_with_leads(app, db_session, 1)
    await service.set_status(db_session, buyer.partner, "paused", CLI)
    await db_session.commit()
    async with b2b_client(app) as http:
        assert (await http.get(LEADS, headers=buyer.headers)).status_code == 200
        assert (await http.get(ACCOUNT, headers=buyer.headers)).json()["status"] == "paused"
        await service.set_status(db_session, buyer.partner, "suspended", CLI)
        await db_session.commit()
        for method, url in (("GET", LEADS), ("GET", ACCOUNT), ("PATCH", ACCOUNT)):
            body = {"status": "active"} if method == "PATCH" else None
            response = await http.request(method, url, json=body, headers=buyer.headers)
            assert response.status_code == 403, response.text
            assert response.json()["error"]["code"] == "partner_suspended"


async def test_last_used_is_written_at_most_once_a_minute(
    app: FastAPI, db_session: AsyncSession, clock
) -> None:
    await isolate(db_session)
    buyer = await buyer_with_leads(app, db_session, 0)

    async def last_used():
        return await db_session.scalar(
            sa.select(ApiKey.last_used_at)
            .where(ApiKey.partner_id == buyer.partner.id)
            .execution_options(populate_existing=True)
        )

    async with b2b_client(app) as http:
        assert await last_used() is None
        await http.get(ACCOUNT, headers=buyer.headers)
        first = await last_used()
        assert first == clock.now
        clock.advance(seconds=30)
        await http.get(ACCOUNT, headers=buyer.headers)
        assert await last_used() == first
        clock.advance(seconds=31)
        await http.get(ACCOUNT, headers=buyer.headers)
        assert await last_used() == clock.now


# --- the rate limit -------------------------------------------------------------------------


@pytest.fixture
async def tight(
    app: FastAPI, db_session: AsyncSession, migrated: Settings
) -> AsyncIterator[FastAPI]:
    async with tight_app(app, migrated, rate_limit_b2b="3/minute") as limited:
        yield limited


async def test_the_limit_is_per_partner_with_headers_on_every_response(
    app: FastAPI, tight: FastAPI, db_session: AsyncSession
) -> None:
    await isolate(db_session)
    buyer = await buyer_with_leads(app, db_session, 1)
    second_key = await make_key(db_session, buyer.partner)
    other = await buyer_with_leads(app, db_session, 0, state="CA", zip_code="94103")
    await db_session.commit()
    lead = buyer.lead_ids[0]
    async with b2b_client(tight) as http, b2b_client(tight) as elsewhere:
        answers = [
            await http.get(LEADS, headers=buyer.headers),
            await http.get(f"{LEADS}/{lead}", headers=buyer.headers),
            await elsewhere.get(ACCOUNT, headers=bearer(second_key)),  # same partner
        ]
        assert [a.status_code for a in answers] == [200, 200, 200]
        assert [int(a.headers["ratelimit-remaining"]) for a in answers] == [2, 1, 0]
        assert answers[0].headers["ratelimit-limit"] == "3"
        assert answers[0].headers["ratelimit-policy"] == "3;w=60"

        refused = await http.get(LEADS, params={"format": "ndjson"}, headers=buyer.headers)
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited"
        assert refused.headers["retry-after"] == "20"
        assert refused.headers["ratelimit-remaining"] == "0"

        # Another partner from the same address has its own quota.
        assert (await http.get(LEADS, headers=other.headers)).status_code == 200
        tight.state.clock.advance(seconds=20)
        back = await http.get(LEADS, params={"format": "csv"}, headers=buyer.headers)
        assert back.status_code == 200 and back.headers["ratelimit-remaining"] == "0"


async def test_every_b2b_route_is_limited(
    app: FastAPI, tight: FastAPI, db_session: AsyncSession
) -> None:
    await isolate(db_session)
    buyer = await buyer_with_leads(app, db_session, 1)
    # A key of its own per route: the quota follows the partner, not the key.
    route_keys = [await make_key(db_session, buyer.partner) for _ in ROUTES]
    await db_session.commit()
    tight.state.settings.rate_limit_b2b = "1/minute"
    try:
        async with b2b_client(tight) as http:
            assert (await http.get(ACCOUNT, headers=buyer.headers)).status_code == 200
        for route, key in zip(ROUTES, route_keys, strict=True):
            method, url, body = _request(route, str(buyer.lead_ids[0]), str(uuid.uuid4()))
            async with b2b_client(tight) as http:
                response = await http.request(method, url, json=body, headers=bearer(key))
            assert response.status_code == 429, (method, url, response.text)
            assert response.headers["retry-after"] == "60"
    finally:
        tight.state.settings.rate_limit_b2b = "3/minute"


async def test_guessing_keys_is_throttled_per_address(
    app: FastAPI, tight: FastAPI, db_session: AsyncSession
) -> None:
    async with b2b_client(tight) as http:
        statuses = [
            (await http.get(LEADS, headers=bearer(keys.new_secret()))).status_code for _ in range(4)
        ]
    assert statuses == [401, 401, 401, 429]
