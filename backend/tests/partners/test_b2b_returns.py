"""``POST /b2b/leads/{id}/return`` and ``/outcome``: the window, the monthly cap, filing
twice, and outcomes in time; what the partner then sees of them."""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.models import AuditLog
from app.core.db import utcnow
from app.partners import returns
from app.partners.models import LeadReturn
from app.partners.service import Who
from tests.partners.b2b import LEADS, b2b_client, buyer_with_leads
from tests.partners.test_distribution import isolate


async def test_a_return_is_filed_once_and_shows_on_the_lead(
    app: FastAPI, db_session: AsyncSession
) -> None:
    await isolate(db_session)
    buyer = await buyer_with_leads(app, db_session, 1)
    lead_id = buyer.lead_ids[0]
    async with b2b_client(app) as http:
        filed = await http.post(
            f"{LEADS}/{lead_id}/return",
            json={"reason": "not_homeowner", "note": "renter, said so on the call"},
            headers=buyer.headers,
        )
        assert filed.status_code == 201, filed.text
        claim = filed.json()
        assert claim["status"] == "pending" and claim["reason"] == "not_homeowner"
        assert claim["credit_cents"] is None and claim["decided_at"] is None

        again = await http.post(
            f"{LEADS}/{lead_id}/return", json={"reason": "duplicate"}, headers=buyer.headers
        )
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "return_exists"
        assert again.json()["error"]["details"]["return_id"] == claim["id"]

        item = (await http.get(f"{LEADS}/{lead_id}", headers=buyer.headers)).json()
        assert item["return_request"] == claim
        assert item["sale"]["status"] == "active"

        # Aurum accepts it: the partner sees the credit and the sale returned.
        await returns.decide_return(
            db_session,
            uuid.UUID(claim["id"]),
            accept=True,
            note="checked",
            who=Who("cli", utcnow()),
        )
        await db_session.commit()
        item = (await http.get(f"{LEADS}/{lead_id}", headers=buyer.headers)).json()
    assert item["return_request"]["status"] == "accepted"
    assert item["return_request"]["credit_cents"] == item["sale"]["price_cents"] == 10_000
    assert item["sale"]["status"] == "returned"
    audit = (
        await db_session.execute(
            sa.select(AuditLog).where(
                AuditLog.action == "return.filed", AuditLog.target_id == claim["id"]
            )
        )
    ).scalar_one()
    assert audit.details["via"] == "partner"
    stored = await db_session.get(LeadReturn, uuid.UUID(claim["id"]))
    assert stored.evidence["consents"][0]["user_agent"] == "pytest"  # evidence gathered


async def test_returns_close_after_the_window(
    app: FastAPI, db_session: AsyncSession, clock
) -> None:
    await isolate(db_session)
    buyer = await buyer_with_leads(app, db_session, 1)
    clock.advance(days=app.state.settings.return_window_days, minutes=5)
    async with b2b_client(app) as http:
        late = await http.post(
            f"{LEADS}/{buyer.lead_ids[0]}/return",
            json={"reason": "bad_contact"},
            headers=buyer.headers,
        )
    assert late.status_code == 409, late.text
    error = late.json()["error"]
    assert error["code"] == "return_window_closed"
    assert "7 days" in error["message"]


async def test_the_monthly_cap_counts_pending_and_accepted_not_rejected(
    app: FastAPI, db_session: AsyncSession
) -> None:
    await isolate(db_session)
    buyer = await buyer_with_leads(app, db_session, 7)  # 15 % of 7: one return a month
    first, second, third = buyer.lead_ids[:3]
    async with b2b_client(app) as http:

        async def file(lead_id: uuid.UUID):
            return await http.post(
                f"{LEADS}/{lead_id}/return", json={"reason": "bad_contact"}, headers=buyer.headers
            )

        accepted = await file(first)
        assert accepted.status_code == 201
        refused = await file(second)
        assert refused.status_code == 409
        error = refused.json()["error"]
        assert error["code"] == "return_cap_reached"
        assert error["details"] == {"allowed": 1, "filed": 1, "purchases": 7}

        await returns.decide_return(
            db_session,
            uuid.UUID(accepted.json()["id"]),
            accept=False,
            note="the number works",
            who=Who("cli", utcnow()),
        )
        await db_session.commit()
        assert (await file(second)).status_code == 201  # a rejected return frees its place
        assert (await file(third)).json()["error"]["code"] == "return_cap_reached"
        account = (await http.get("/api/v1/b2b/account", headers=buyer.headers)).json()
    assert account["returns"]["allowed_this_month"] == 1
    assert account["returns"]["filed_this_month"] == 1


async def test_return_and_outcome_bodies_are_validated(
    app: FastAPI, db_session: AsyncSession
) -> None:
    await isolate(db_session)
    buyer = await buyer_with_leads(app, db_session, 1)
    lead = buyer.lead_ids[0]
    now = utcnow()
    cases = [
        ("return", {"reason": "changed_my_mind"}, "validation_error"),
        ("return", {"reason": "duplicate", "note": "x" * 1001}, "validation_error"),
        ("return", {"reason": "duplicate", "extra": 1}, "validation_error"),
        ("outcome", {"outcome": "married"}, "validation_error"),
        ("outcome", {"outcome": "sold", "occurred_at": "2026-01-01T10:00:00"}, "validation_error"),
        (
            "outcome",
            {"outcome": "sold", "occurred_at": (now + timedelta(days=1)).isoformat()},
            "outcome_in_future",
        ),
        (
            "outcome",
            {"outcome": "sold", "occurred_at": (now - timedelta(days=3)).isoformat()},
            "outcome_before_sale",
        ),
    ]
    async with b2b_client(app) as http:
        for action, body, code in cases:
            response = await http.post(f"{LEADS}/{lead}/{action}", json=body, headers=buyer.headers)
            assert response.status_code == 422, (body, response.text)
            assert response.json()["error"]["code"] == code, body
        item = (await http.get(f"{LEADS}/{lead}", headers=buyer.headers)).json()
    assert item["return_request"] is None and item["outcomes"] == []


async def test_outcomes_are_recorded_and_listed_oldest_first(
    app: FastAPI, db_session: AsyncSession
) -> None:
    await isolate(db_session)
    buyer = await buyer_with_leads(app, db_session, 1)
    lead = buyer.lead_ids[0]
    now = utcnow()
    steps = [("quoted", now), ("contacted", now - timedelta(minutes=2))]  # sent out of order
    async with b2b_client(app) as http:
        for outcome, at in steps:
            recorded = await http.post(
                f"{LEADS}/{lead}/outcome",
                json={"outcome": outcome, "occurred_at": at.isoformat(), "note": "called"},
                headers=buyer.headers,
            )
            assert recorded.status_code == 201, recorded.text
            assert recorded.json()["outcome"] == outcome
        item = (await http.get(f"{LEADS}/{lead}", headers=buyer.headers)).json()
    assert [o["outcome"] for o in item["outcomes"]] == ["contacted", "quoted"]
    assert all(o["note"] == "called" for o in item["outcomes"])
