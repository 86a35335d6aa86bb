"""``GET`` and ``PATCH /b2b/account``: what a partner sees of itself, and what it may
change itself within the limits Aurum set."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.models import AuditLog
from app.partners.models import Partner
from tests.partners.b2b import ACCOUNT, b2b_client, buyer_with_leads
from tests.partners.test_distribution import isolate


async def test_the_account_shows_money_caps_used_and_left_and_the_area(
    app: FastAPI, db_session: AsyncSession
) -> None:
    await isolate(db_session)
    buyer = await buyer_with_leads(
        app,
        db_session,
        2,
        caps={"day": 5, "week": 10, "month_spend_cents": 50_000},
        cap_limits={"day": 20},
        allowed_states=["AZ", "NM"],
    )
    async with b2b_client(app) as http:
        response = await http.get(ACCOUNT, headers=buyer.headers)
    assert response.status_code == 200, response.text
    account = response.json()
    assert account["id"] == str(buyer.partner.id) and account["status"] == "active"
    assert account["timezone"] == "America/Phoenix"
    assert account["billing"] == {
        "mode": "prepaid",
        "balance_cents": 1_000_000 - 2 * 10_000,
        "credit_limit_cents": 0,
        "available_cents": 980_000,
        "low_balance_cents": 0,
    }
    caps = account["caps"]
    assert (caps["day"]["cap"], caps["day"]["used"], caps["day"]["left"]) == (5, 2, 3)
    assert (caps["week"]["cap"], caps["week"]["used"], caps["week"]["left"]) == (10, 2, 8)
    assert (caps["month"]["cap"], caps["month"]["left"]) == (None, None)
    assert caps["month"]["used"] == 2
    assert caps["month_spend_cents"]["used"] == 20_000
    assert caps["month_spend_cents"]["left"] == 30_000
    assert caps["day"]["resets_at"].endswith("07:00:00Z")  # Phoenix midnight, UTC-7
    assert account["cap_limits"]["day"] == 20
    assert account["service_area"]["states"] == ["AZ"]
    assert account["allowed_states"] == ["AZ", "NM"]
    assert account["prices"]["A"] == {"exclusive": 10_000, "shared": None}
    assert account["api_key"]["prefix"] == buyer.key[:14]
    assert account["api_key"]["scopes"] == [
        "leads:read",
        "returns:write",
        "outcomes:write",
        "account:read",
        "account:write",
    ]
    assert account["notices"] == []


async def _audit(session: AsyncSession, partner: Partner) -> list[AuditLog]:
    return list(
        (
            await session.execute(
                sa.select(AuditLog)
                .where(
                    AuditLog.target_id == str(partner.id),
                    AuditLog.details["via"].as_string() == "partner",
                )
                .order_by(AuditLog.at, AuditLog.id)
            )
        ).scalars()
    )


async def test_pause_and_resume_yourself_never_suspend(
    app: FastAPI, db_session: AsyncSession
) -> None:
    await isolate(db_session)
    buyer = await buyer_with_leads(app, db_session, 0)
    async with b2b_client(app) as http:
        paused = await http.patch(ACCOUNT, json={"status": "paused"}, headers=buyer.headers)
        assert paused.status_code == 200, paused.text
        assert paused.json()["status"] == "paused"
        suspend = await http.patch(ACCOUNT, json={"status": "suspended"}, headers=buyer.headers)
        assert suspend.status_code == 422
        resumed = await http.patch(ACCOUNT, json={"status": "active"}, headers=buyer.headers)
        assert resumed.json()["status"] == "active"
    entries = await _audit(db_session, buyer.partner)
    assert [(e.action, e.details["from"], e.details["to"]) for e in entries] == [
        ("partner.status_changed", "active", "paused"),
        ("partner.status_changed", "paused", "active"),
    ]


async def test_caps_change_only_within_the_limits(app: FastAPI, db_session: AsyncSession) -> None:
    await isolate(db_session)
    buyer = await buyer_with_leads(
        app, db_session, 0, caps={"day": 10, "week": 40}, cap_limits={"day": 10, "week": 50}
    )
    async with b2b_client(app) as http:
        lower = await http.patch(ACCOUNT, json={"caps": {"day": 4}}, headers=buyer.headers)
        assert lower.status_code == 200, lower.text
        caps = lower.json()["caps"]
        assert (caps["day"]["cap"], caps["week"]["cap"]) == (4, 40)  # only what was sent
        for body, cap in (
            ({"caps": {"day": 11}}, "day"),
            ({"caps": {"week": None}}, "week"),  # no cap at all is above any limit
        ):
            refused = await http.patch(ACCOUNT, json=body, headers=buyer.headers)
            assert refused.status_code == 422, refused.text
            error = refused.json()["error"]
            assert error["code"] == "cap_above_limit" and error["details"]["cap"] == cap
        unlimited = await http.patch(
            ACCOUNT, json={"caps": {"month": 900, "week": 50}}, headers=buyer.headers
        )
        assert unlimited.status_code == 200  # no month limit was set
        assert unlimited.json()["caps"]["month"]["cap"] == 900
        negative = await http.patch(ACCOUNT, json={"caps": {"day": -1}}, headers=buyer.headers)
        assert negative.status_code == 422
    await db_session.refresh(buyer.partner)
    assert buyer.partner.caps["day"] == 4 and buyer.partner.caps["week"] == 50
    assert [e.details["fields"] for e in await _audit(db_session, buyer.partner)] == [
        ["caps"],
        ["caps"],
    ]


async def test_the_service_area_stays_inside_the_allowed_states(
    app: FastAPI, db_session: AsyncSession
) -> None:
    await isolate(db_session)
    buyer = await buyer_with_leads(app, db_session, 0, allowed_states=["AZ", "NM"])
    refusals = [
        ({"states": ["AZ", "CA", "TX"]}, ["state CA", "state TX"]),
        ({"zips": ["90210"]}, ["ZIP 90210 (CA)"]),
        ({"zip_prefixes": ["85", "89"]}, ["ZIP prefix 89 (reaches NV)"]),
        # Yuma sits on the California border: 60 miles around it reach across.
        ({"radius": [{"zip_code": "85364", "miles": 60}]}, ["60 miles around 85364 (reaches CA)"]),
    ]
    async with b2b_client(app) as http:
        for area, named in refusals:
            response = await http.patch(ACCOUNT, json={"service_area": area}, headers=buyer.headers)
            assert response.status_code == 422, (area, response.text)
            error = response.json()["error"]
            assert error["code"] == "outside_allowed_states"
            assert error["details"]["outside"] == named
            assert all(part in error["message"] for part in named)
        inside = {
            "states": ["NM"],
            "zip_prefixes": ["85"],
            "zips": ["86001"],
            "radius": [{"zip_code": "85004", "miles": 40}],
        }
        ok = await http.patch(ACCOUNT, json={"service_area": inside}, headers=buyer.headers)
        assert ok.status_code == 200, ok.text
        assert ok.json()["service_area"] == inside
        unknown = await http.patch(
            ACCOUNT, json={"service_area": {"states": ["ZZ"]}}, headers=buyer.headers
        )
        assert unknown.status_code == 422
    await db_session.refresh(buyer.partner)
    assert buyer.partner.service_area["states"] == ["NM"]
    assert [e.details["fields"] for e in await _audit(db_session, buyer.partner)] == [
        ["service_area"]
    ]
