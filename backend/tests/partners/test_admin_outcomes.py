"""``/admin/partners/{id}/outcomes``: what a partner reported after buying, and its close
rate (a sale counts once, under its latest report)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import utcnow
from app.partners.models import LeadOutcome, LeadSale
from tests.partners.selling import only_these_partners_buy, sell
from tests.partners.support import make_partner


def outcomes_of(partner_id: uuid.UUID) -> str:
    return f"/api/v1/admin/partners/{partner_id}/outcomes"


async def report(session: AsyncSession, sale: LeadSale, outcome: str, minutes: int) -> None:
    session.add(
        LeadOutcome(
            sale_id=sale.id,
            partner_id=sale.partner_id,
            lead_id=sale.lead_id,
            outcome=outcome,
            occurred_at=utcnow() + timedelta(minutes=minutes),
        )
    )
    await session.commit()


async def test_outcomes_count_each_sale_once_and_give_the_close_rate(
    app: FastAPI, client: httpx.AsyncClient, db_session: AsyncSession, as_role, make_lead
) -> None:
    await only_these_partners_buy(db_session)
    partner = await make_partner(db_session, name="Outcome Solar", exclusive=6_000, shared=4_000)
    sales = []
    for _ in range(4):
        lead = await make_lead()
        sales.extend(await sell(db_session, lead.id, app.state.settings))
    assert len(sales) == 4
    # Sale 0 went contacted -> quoted -> sold; sale 1 is only contacted; sale 2 unreachable;
    # sale 3 has no report yet.
    for minutes, outcome in enumerate(("contacted", "quoted", "sold")):
        await report(db_session, sales[0], outcome, minutes)
    await report(db_session, sales[1], "contacted", 0)
    await report(db_session, sales[2], "unreachable", 0)

    response = await client.get(outcomes_of(partner.id), headers=await as_role("analyst"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["sales"], body["reported"], body["won"]) == (4, 3, 1)
    assert body["close_rate"] == 1 / 3
    counts = {row["outcome"]: row["sales"] for row in body["by_outcome"]}
    assert counts == {
        "contacted": 1,
        "appointment_set": 0,
        "quoted": 0,
        "sold": 1,
        "unreachable": 1,
        "not_interested": 0,
    }


async def test_no_reports_is_a_null_close_rate_and_unknown_partners_are_404(
    client: httpx.AsyncClient, db_session: AsyncSession, as_role
) -> None:
    partner = await make_partner(db_session, name="Quiet Solar")
    headers = await as_role("analyst")
    body = (await client.get(outcomes_of(partner.id), headers=headers)).json()
    assert (body["sales"], body["reported"], body["won"], body["close_rate"]) == (0, 0, 0, None)
    missing = await client.get(outcomes_of(uuid.uuid4()), headers=headers)
    assert missing.status_code == 404
