"""The audit log: every sign-in and admin change is there, searchable, and immutable."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.audit.service import record
from app.admin.models import AuditLog
from tests.support.staff import PASSWORD, FakeClock

AUDIT = "/api/v1/admin/audit-log"


async def test_sign_ins_failures_sign_outs_and_changes_are_recorded_with_ip_and_time(
    client: httpx.AsyncClient, make_user, make_lead, clock: FakeClock
) -> None:
    admin = await make_user("admin")
    admin_id, admin_email = admin.id, admin.email
    lead = await make_lead()
    lead_id = lead.id
    await client.post("/api/v1/auth/login", json={"email": admin_email, "password": "wrong!!!"})
    clock.advance(seconds=1)
    signed_in = await client.post(
        "/api/v1/auth/login", json={"email": admin_email, "password": PASSWORD}
    )
    headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    clock.advance(seconds=1)
    await client.patch(
        f"/api/v1/admin/leads/{lead_id}", json={"status": "unqualified"}, headers=headers
    )
    clock.advance(seconds=1)

    page = await client.get(AUDIT, params={"actor_id": str(admin_id)}, headers=headers)
    assert page.status_code == 200, page.text
    entries = page.json()["items"]
    assert [e["action"] for e in entries] == ["lead.update", "auth.login", "auth.login_failed"]
    update = entries[0]
    assert update["target_type"] == "lead" and update["target_id"] == str(lead_id)
    assert update["details"] == {"changes": {"status": {"from": "new", "to": "unqualified"}}}
    assert all(e["ip"] and e["ip"].startswith("10.") for e in entries)
    assert all(e["actor_email"] == admin_email for e in entries)
    assert entries[0]["at"] > entries[1]["at"] > entries[2]["at"]

    await client.post("/api/v1/auth/logout", headers=headers)
    other_admin = await make_user("admin")
    other = {"Authorization": "Bearer " + (await _token(client, other_admin.email))}
    actions = [
        e["action"]
        for e in (
            await client.get(AUDIT, params={"actor_id": str(admin_id)}, headers=other)
        ).json()["items"]
    ]
    assert actions[0] == "auth.logout"


async def _token(client: httpx.AsyncClient, email: str) -> str:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    return response.json()["access_token"]


async def test_filters_and_keyset_pages(
    client: httpx.AsyncClient, make_user, tokens, db_session: AsyncSession, clock: FakeClock
) -> None:
    admin = await make_user("admin")
    headers = (await tokens(admin)).headers
    target = str(uuid.uuid4())
    start = clock()
    for i in range(7):
        await record(
            db_session,
            action="lead.update" if i % 2 else "lead.export",
            at=start + timedelta(minutes=i),
            actor=admin,
            target_type="lead",
            target_id=target,
            ip="192.0.2.1",
            details={"i": i},
        )
    await db_session.commit()

    seen: list[int] = []
    cursor = None
    while True:
        params = {"target_id": target, "limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(AUDIT, params=params, headers=headers)).json()
        seen += [e["details"]["i"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [6, 5, 4, 3, 2, 1, 0]

    updates = (
        await client.get(
            AUDIT, params={"target_id": target, "action": "lead.update"}, headers=headers
        )
    ).json()["items"]
    assert [e["details"]["i"] for e in updates] == [5, 3, 1]
    family = (
        await client.get(AUDIT, params={"target_id": target, "action": "lead"}, headers=headers)
    ).json()["items"]
    assert len(family) == 7
    window = (
        await client.get(
            AUDIT,
            params={
                "target_id": target,
                "since": (start + timedelta(minutes=2)).isoformat(),
                "until": (start + timedelta(minutes=4)).isoformat(),
            },
            headers=headers,
        )
    ).json()["items"]
    assert [e["details"]["i"] for e in window] == [3, 2]
    by_email = (
        await client.get(
            AUDIT, params={"target_id": target, "actor_email": admin.email}, headers=headers
        )
    ).json()["items"]
    assert len(by_email) == 7


@pytest.mark.parametrize(
    "params",
    [{"cursor": "not-a-cursor"}, {"since": "2026-01-01T00:00:00"}, {"limit": 0}, {"limit": 201}],
    ids=["bad cursor", "naive time", "limit 0", "limit 201"],
)
async def test_bad_queries_are_422(client: httpx.AsyncClient, as_role, params: dict) -> None:
    response = await client.get(AUDIT, params=params, headers=await as_role("admin"))
    assert response.status_code == 422
    assert response.json()["error"]["code"] in ("validation_error", "invalid_cursor")


async def test_the_api_offers_no_way_to_change_the_log(client: httpx.AsyncClient, as_role) -> None:
    headers = await as_role("admin")
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        response = await client.request(method, AUDIT, headers=headers)
        assert response.status_code == 405


@pytest.mark.parametrize(
    "statement",
    [
        sa.update(AuditLog).values(action="auth.login"),
        sa.delete(AuditLog),
    ],
    ids=["update", "delete"],
)
async def test_the_database_refuses_to_change_or_delete_entries(
    db_session: AsyncSession, make_user, clock: FakeClock, statement
) -> None:
    admin = await make_user("admin")
    await record(db_session, action="lead.export", at=clock(), actor=admin)
    await db_session.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        async with db_session.begin_nested():
            await db_session.execute(statement.where(AuditLog.actor_id == admin.id))


@pytest.mark.parametrize(
    ("typed", "recorded"),
    [
        ("correct horse battery staple", None),  # a password typed into the email field
        ("hunter2@", None),
        ("  Nobody.Here@Example.com ", "nobody.here@example.com"),
    ],
    ids=["password", "almost an address", "valid address"],
)
async def test_failed_sign_ins_record_only_a_valid_email_never_the_raw_input(
    client: httpx.AsyncClient, db_session: AsyncSession, typed: str, recorded: str | None
) -> None:
    response = await client.post("/api/v1/auth/login", json={"email": typed, "password": "x"})
    assert response.status_code == 401
    entry = (
        (
            await db_session.execute(
                sa.select(AuditLog)
                .where(AuditLog.action == "auth.login_failed", AuditLog.ip == client.ip)
                .order_by(AuditLog.at.desc())
            )
        )
        .scalars()
        .first()
    )
    assert entry is not None
    assert entry.actor_email == recorded
    assert entry.details.get("actor_email_invalid", False) is (recorded is None)
    if recorded is None:
        assert typed.strip().lower() not in str(entry.details).lower()
