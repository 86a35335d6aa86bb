"""``/admin/partners/{id}/api-keys``: a key is shown once, rotation overlaps, revocation is
immediate; checked the way the B2B API checks a key (``keys.authenticate``)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security import hash_token
from app.partners import keys
from app.partners.models import ApiKey
from tests.partners.selling import audit_entries
from tests.partners.support import make_partner
from tests.support.staff import FakeClock

PARTNERS = "/api/v1/admin/partners"


async def test_a_key_is_shown_once_and_never_again(
    client: httpx.AsyncClient, db_session: AsyncSession, clock: FakeClock, make_user, tokens
) -> None:
    partner = await make_partner(db_session)
    manager = await make_user("manager")
    headers = (await tokens(manager)).headers
    analyst = (await tokens(await make_user("analyst"))).headers

    created = await client.post(
        f"{PARTNERS}/{partner.id}/api-keys",
        json={"name": "CRM sync", "scopes": ["returns:write", "leads:read"]},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    assert created.headers["cache-control"] == "no-store"
    issued = created.json()
    secret = issued["secret"]
    assert secret.startswith("ak_live_") and len(secret) > 40
    assert secret.startswith(issued["key"]["prefix"])
    assert issued["key"]["scopes"] == ["leads:read", "returns:write"]
    assert issued["key"]["live"] is True and issued["key"]["expires_at"] is None

    key = await keys.authenticate(db_session, secret, clock())
    assert key is not None and str(key.id) == issued["key"]["id"]
    assert key.secret_hash == hash_token(secret) != secret

    for who in (headers, analyst):
        listed = await client.get(f"{PARTNERS}/{partner.id}/api-keys", headers=who)
        assert listed.status_code == 200
        assert [k["id"] for k in listed.json()["items"]] == [issued["key"]["id"]]
        assert secret not in listed.text and key.secret_hash not in listed.text
        assert "secret" not in listed.json()["items"][0]
    detail = await client.get(f"{PARTNERS}/{partner.id}", headers=analyst)
    assert (detail.json()["api_keys_live"], detail.json()["api_keys_total"]) == (1, 1)

    (entry,) = await audit_entries(db_session, "api_key.create", partner.id)
    assert entry.actor_id == manager.id
    assert entry.details["key_id"] == issued["key"]["id"]
    assert secret not in str(entry.details)


async def test_rotation_keeps_the_old_key_for_the_overlap_only(
    client: httpx.AsyncClient, db_session: AsyncSession, clock: FakeClock, as_role
) -> None:
    partner = await make_partner(db_session)
    headers = await as_role("manager")
    base = f"{PARTNERS}/{partner.id}/api-keys"
    first = (
        await client.post(base, json={"name": "prod", "scopes": ["leads:read"]}, headers=headers)
    ).json()
    old_id = first["key"]["id"]
    rotated = await client.post(
        f"{base}/{old_id}/rotate", json={"overlap_hours": 2}, headers=headers
    )
    assert rotated.status_code == 201, rotated.text
    assert rotated.headers["cache-control"] == "no-store"
    new = rotated.json()
    assert new["secret"] != first["secret"]
    assert new["key"]["name"] == "prod" and new["key"]["scopes"] == ["leads:read"]
    assert new["previous"]["id"] == old_id
    assert new["previous"]["replaced_by_id"] == new["key"]["id"]

    now = clock()
    assert await keys.authenticate(db_session, new["secret"], now) is not None
    assert await keys.authenticate(db_session, first["secret"], now + timedelta(hours=1))
    assert await keys.authenticate(db_session, first["secret"], now + timedelta(hours=2)) is None
    assert await keys.authenticate(db_session, new["secret"], now + timedelta(days=30))

    # Without a body: the default overlap, 24 hours.
    again = await client.post(f"{base}/{new['key']['id']}/rotate", headers=headers)
    assert again.status_code == 201, again.text
    previous = await db_session.get(ApiKey, uuid.UUID(new["key"]["id"]))
    await db_session.refresh(previous)
    assert previous.expires_at == now + timedelta(hours=24)

    entries = await audit_entries(db_session, "api_key.rotate", partner.id)
    by_key = {e.details["key_id"]: e.details for e in entries}
    assert set(by_key) == {old_id, new["key"]["id"]}
    assert by_key[old_id]["new_key_id"] == new["key"]["id"]
    assert by_key[old_id]["old_key_valid_until"] == (now + timedelta(hours=2)).isoformat()


async def test_revocation_is_immediate(
    client: httpx.AsyncClient, db_session: AsyncSession, clock: FakeClock, as_role
) -> None:
    partner_id = (await make_partner(db_session)).id
    headers = await as_role("admin")
    base = f"{PARTNERS}/{partner_id}/api-keys"
    issued = (
        await client.post(base, json={"name": "prod", "scopes": ["account:read"]}, headers=headers)
    ).json()
    key_id = issued["key"]["id"]
    assert await keys.authenticate(db_session, issued["secret"], clock()) is not None

    revoked = await client.post(f"{base}/{key_id}/revoke", headers=headers)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["live"] is False and revoked.json()["revoked_at"] is not None
    assert await keys.authenticate(db_session, issued["secret"], clock()) is None

    # A revoked key cannot be rotated back to life.
    refused = await client.post(f"{base}/{key_id}/rotate", headers=headers)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "api_key_not_live"
    assert len(await audit_entries(db_session, "api_key.revoke", partner_id)) == 1


async def test_keys_belong_to_their_partner(
    client: httpx.AsyncClient, db_session: AsyncSession, as_role
) -> None:
    mine, other = (await make_partner(db_session)).id, (await make_partner(db_session)).id
    headers = await as_role("manager")
    issued = (
        await client.post(
            f"{PARTNERS}/{mine}/api-keys",
            json={"name": "prod", "scopes": ["leads:read"]},
            headers=headers,
        )
    ).json()
    for action in ("rotate", "revoke"):
        for partner_id, key_id, code in (
            (other, issued["key"]["id"], "api_key_not_found"),
            (mine, uuid.uuid4(), "api_key_not_found"),
            (uuid.uuid4(), issued["key"]["id"], "partner_not_found"),
        ):
            response = await client.post(
                f"{PARTNERS}/{partner_id}/api-keys/{key_id}/{action}", headers=headers
            )
            assert response.status_code == 404, (action, code, response.text)
            assert response.json()["error"]["code"] == code


async def test_bad_keys_are_422_and_analysts_cannot_issue(
    client: httpx.AsyncClient, db_session: AsyncSession, clock: FakeClock, as_role
) -> None:
    partner_id = (await make_partner(db_session)).id
    base = f"{PARTNERS}/{partner_id}/api-keys"
    manager = await as_role("manager")
    for body in (
        {"name": "x", "scopes": []},
        {"name": "x", "scopes": ["leads:write"]},
        {"name": "", "scopes": ["leads:read"]},
        {"name": "x", "scopes": ["leads:read"], "expires_at": "2030-01-01T00:00:00"},
        {
            "name": "x",
            "scopes": ["leads:read"],
            "expires_at": (clock() - timedelta(minutes=1)).isoformat(),
        },
    ):
        response = await client.post(base, json=body, headers=manager)
        assert response.status_code == 422, (body, response.text)
    response = await client.post(
        base, json={"name": "x", "scopes": ["leads:read"]}, headers=await as_role("analyst")
    )
    assert response.status_code == 403
