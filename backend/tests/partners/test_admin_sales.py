"""``/admin/sales``: every sale with its buyer, price, lead and receipt; filters, pages,
and the homeowner masked for analysts."""

from __future__ import annotations

from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import utcnow
from tests.partners.selling import only_these_partners_buy, sell
from tests.partners.support import make_partner

SALES = "/api/v1/admin/sales"


async def test_sales_show_buyer_price_lead_and_receipt_and_filter(
    app: FastAPI, client: httpx.AsyncClient, db_session: AsyncSession, as_role, make_lead, make_chat
) -> None:
    await only_these_partners_buy(db_session)
    alpha = await make_partner(db_session, name="Alpha Solar", exclusive=6_000, shared=4_000)
    beta = await make_partner(db_session, name="Beta Solar", exclusive=5_000, shared=3_500)
    shared_lead = await make_lead(last_name="Quintero", city="Tempe", zip_code="85281")
    await make_chat(shared_lead)  # its consent allows three buyers
    solo_lead = await make_lead()  # no consent record: one buyer at most
    before = utcnow() - timedelta(seconds=1)
    shared = await sell(db_session, shared_lead.id, app.state.settings)
    solo = await sell(db_session, solo_lead.id, app.state.settings)
    assert [s.partner_id for s in shared] == [alpha.id, beta.id]
    assert [s.partner_id for s in solo] == [alpha.id]
    ids = {
        "shared": {str(s.id) for s in shared},
        "alpha": {str(shared[0].id), str(solo[0].id)},
    }
    manager = await as_role("manager")

    everything = (await client.get(SALES, headers=manager)).json()["items"]
    mine = {s["id"]: s for s in everything if s["id"] in ids["shared"] | ids["alpha"]}
    first = mine[str(shared[0].id)]
    assert first["partner"] == {"id": str(alpha.id), "name": "Alpha Solar"}
    assert (first["price_cents"], first["mode"], first["buyers"]) == (4_000, "shared", 2)
    assert first["status"] == "active" and first["return_status"] is None
    assert first["lead"]["first_name"] == shared_lead.first_name
    assert first["lead"]["last_name"] == "Quintero"
    assert (first["lead"]["city"], first["lead"]["state"]) == ("Tempe", "AZ")
    assert first["lead"]["tier"] == shared_lead.tier
    assert first["receipt"]["mode"] == "shared" and first["receipt"]["buyers"] == 2
    assert first["receipt"]["price_rule"].endswith(".shared")
    assert first["pii_masked"] is False
    assert mine[str(solo[0].id)]["mode"] == "exclusive"

    async def ids_for(**params: object) -> set[str]:
        response = await client.get(SALES, params=params, headers=manager)
        assert response.status_code == 200, response.text
        return {s["id"] for s in response.json()["items"]}

    assert await ids_for(partner_id=str(alpha.id)) == ids["alpha"]
    assert await ids_for(partner_id=str(beta.id)) == {str(shared[1].id)}
    assert await ids_for(lead_id=str(shared_lead.id)) == ids["shared"]
    assert await ids_for(partner_id=str(alpha.id), mode="exclusive") == {str(solo[0].id)}
    assert await ids_for(partner_id=str(alpha.id), mode="shared") == {str(shared[0].id)}
    assert await ids_for(partner_id=str(alpha.id), status="returned") == set()
    window = {"sold_from": before.isoformat(), "sold_to": (utcnow() + timedelta(1)).isoformat()}
    assert await ids_for(partner_id=str(alpha.id), **window) == ids["alpha"]
    later = (utcnow() + timedelta(days=1)).isoformat()
    assert await ids_for(partner_id=str(alpha.id), sold_from=later) == set()
    assert await ids_for(partner_id=str(alpha.id), sold_to=before.isoformat()) == set()


async def test_analysts_see_sales_with_the_homeowner_masked(
    app: FastAPI, client: httpx.AsyncClient, db_session: AsyncSession, as_role, make_lead, make_chat
) -> None:
    await only_these_partners_buy(db_session)
    partner = await make_partner(db_session)
    lead = await make_lead(last_name="Quintero")
    await make_chat(lead)
    (sale,) = await sell(db_session, lead.id, app.state.settings)
    response = await client.get(
        SALES, params={"lead_id": str(lead.id)}, headers=await as_role("analyst")
    )
    assert response.status_code == 200
    (row,) = response.json()["items"]
    assert row["id"] == str(sale.id) and row["partner"]["id"] == str(partner.id)
    assert row["pii_masked"] is True
    assert row["lead"]["last_name"] == "Q."
    assert row["lead"]["first_name"] == lead.first_name and row["lead"]["city"] == lead.city
    assert row["receipt"]["price_cents"] == sale.price_cents
    for secret in (lead.email, lead.phone, lead.phone[2:], lead.street_address, "Quintero"):
        assert secret not in response.text


async def test_pages_follow_the_cursor_newest_first(
    app: FastAPI, client: httpx.AsyncClient, db_session: AsyncSession, as_role, make_lead
) -> None:
    await only_these_partners_buy(db_session)
    partner = await make_partner(db_session, shared=None)
    start = utcnow()
    sold = []
    for minutes in range(4):
        lead = await make_lead()
        sold += await sell(
            db_session, lead.id, app.state.settings, now=start + timedelta(minutes=minutes)
        )
    headers = await as_role("analyst")
    seen, cursor = [], None
    while True:
        params = {"partner_id": str(partner.id), "limit": 3}
        page = await client.get(
            SALES, params={**params, **({"cursor": cursor} if cursor else {})}, headers=headers
        )
        assert page.status_code == 200, page.text
        seen += [s["id"] for s in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == [str(s.id) for s in reversed(sold)]

    bad = await client.get(SALES, params={"cursor": "not-a-cursor"}, headers=headers)
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "invalid_cursor"
