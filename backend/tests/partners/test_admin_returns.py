"""``/admin/returns``: claims with the platform's evidence beside them, decided by a
manager; accepted ones credit the partner and return the sale (and the lead, once every
buyer returned it)."""

from __future__ import annotations

import uuid

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.leads.models import Lead
from app.partners.ledger import ledger_sum
from app.partners.models import LeadSale, LedgerEntry, Partner
from tests.partners.selling import audit_entries, file_return, only_these_partners_buy, sell
from tests.partners.support import make_partner

RETURNS = "/api/v1/admin/returns"


async def _reload(session: AsyncSession, model: type, row_id: uuid.UUID):  # type: ignore[no-untyped-def]
    row = await session.get(model, row_id)
    assert row is not None
    await session.refresh(row)
    return row


async def test_accepting_every_buyers_return_credits_them_and_returns_the_lead(
    app: FastAPI,
    client: httpx.AsyncClient,
    db_session: AsyncSession,
    make_user,
    tokens,
    make_lead,
    make_chat,
) -> None:
    settings = app.state.settings
    await only_these_partners_buy(db_session)
    alpha = await make_partner(db_session, exclusive=6_000, shared=4_000)
    beta = await make_partner(db_session, exclusive=5_000, shared=3_500)
    lead = await make_lead()
    chat = await make_chat(lead)
    sale_a, sale_b = await sell(db_session, lead.id, settings)
    lead_id, email, phone, street = lead.id, lead.email, lead.phone, lead.street_address
    ids = {"alpha": alpha.id, "beta": beta.id, "sale_a": sale_a.id, "sale_b": sale_b.id}
    claim = await file_return(db_session, settings, sale_a, note=f"Called {phone}: wrong person")
    claim_id = claim.id
    manager_user = await make_user("manager")
    manager = (await tokens(manager_user)).headers
    analyst = (await tokens(await make_user("analyst"))).headers

    pending = await client.get(RETURNS, params={"status": "pending"}, headers=manager)
    assert pending.status_code == 200, pending.text
    (row,) = [r for r in pending.json()["items"] if r["id"] == str(claim_id)]
    assert (row["status"], row["reason"]) == ("pending", "bad_contact")
    assert row["partner"]["id"] == str(ids["alpha"])
    assert row["sale"]["id"] == str(ids["sale_a"]) and row["sale"]["price_cents"] == 4_000
    assert row["lead"]["email"] == email and row["lead"]["phone"] == phone
    assert phone in row["note"]
    evidence = row["evidence"]
    assert evidence["filed"]["consents"][0]["ip"] == "198.51.100.23"
    assert evidence["filed"]["consents"][0]["disclosure_sha256"]
    assert email in evidence["consents"][0]["disclosure_text"]
    assert evidence["transcripts"] == [
        {"conversation_id": str(chat.id), "href": f"/api/v1/admin/conversations/{chat.id}"}
    ]

    # Analysts see the same claim with the homeowner's contact details masked.
    masked = await client.get(RETURNS, params={"status": "pending"}, headers=analyst)
    (seen,) = [r for r in masked.json()["items"] if r["id"] == str(claim_id)]
    assert seen["pii_masked"] is True
    assert seen["lead"]["email"].startswith(email[0]) and "***" in seen["lead"]["email"]
    assert seen["evidence"]["filed"]["consents"][0]["ip"] == "198.51.100.x"
    assert seen["evidence"]["consents"][0]["ip"] == "198.51.100.x"
    assert seen["evidence"]["transcripts"] == evidence["transcripts"]
    for secret in (email, phone, phone[2:], street):
        assert secret not in masked.text, secret

    accepted = await client.post(
        f"{RETURNS}/{claim_id}/decision",
        json={"decision": "accept", "note": "checked the number"},
        headers=manager,
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["credit_cents"] == 4_000
    assert accepted.json()["decided_by"] == str(manager_user.id)
    assert accepted.json()["sale"]["status"] == "returned"

    alpha = await _reload(db_session, Partner, ids["alpha"])
    assert alpha.balance_cents == 1_000_000 == await ledger_sum(db_session, alpha.id)
    credit = (await client.get(f"/api/v1/admin/partners/{alpha.id}/ledger", headers=manager)).json()
    assert credit["items"][0]["kind"] == "return_credit"
    assert credit["items"][0]["amount_cents"] == 4_000
    assert credit["items"][0]["return_id"] == str(claim_id)
    assert (await _reload(db_session, LeadSale, ids["sale_a"])).status == "returned"
    assert (await _reload(db_session, LeadSale, ids["sale_b"])).status == "active"
    assert (await _reload(db_session, Lead, lead_id)).status == "sold"  # beta kept it
    returned = await client.get(
        "/api/v1/admin/sales",
        params={"status": "returned", "lead_id": str(lead_id)},
        headers=manager,
    )
    assert [s["id"] for s in returned.json()["items"]] == [str(ids["sale_a"])]
    assert returned.json()["items"][0]["return_status"] == "accepted"

    sale_b = await _reload(db_session, LeadSale, ids["sale_b"])
    second = await file_return(db_session, settings, sale_b, reason="not_homeowner", note=None)
    second_id = second.id
    response = await client.post(
        f"{RETURNS}/{second_id}/decision", json={"decision": "accept"}, headers=manager
    )
    assert response.status_code == 200, response.text
    assert (await _reload(db_session, Lead, lead_id)).status == "returned"

    decided = await audit_entries(db_session, "return.decided", claim_id)
    decided += await audit_entries(db_session, "return.decided", second_id)
    assert [(e.actor_id, e.details["decision"]) for e in decided] == [
        (manager_user.id, "accepted"),
        (manager_user.id, "accepted"),
    ]
    assert [e.details["credit_cents"] for e in decided] == [4_000, 3_500]
    status_change = (await audit_entries(db_session, "lead.status_changed", lead_id))[-1]
    assert (status_change.details["from"], status_change.details["to"]) == ("sold", "returned")
    assert status_change.actor_id == manager_user.id


async def test_a_rejected_return_changes_nothing_and_a_decision_is_final(
    app: FastAPI, client: httpx.AsyncClient, db_session: AsyncSession, as_role, make_lead
) -> None:
    settings = app.state.settings
    await only_these_partners_buy(db_session)
    partner = await make_partner(db_session, shared=None)
    other = await make_partner(db_session, states=("CA",))
    lead = await make_lead()
    (sale,) = await sell(db_session, lead.id, settings)
    ids = {"partner": partner.id, "other": other.id, "sale": sale.id, "lead": lead.id}
    claim_id = (await file_return(db_session, settings, sale, reason="duplicate")).id
    manager = await as_role("manager")

    analyst_try = await client.post(
        f"{RETURNS}/{claim_id}/decision",
        json={"decision": "accept"},
        headers=await as_role("analyst"),
    )
    assert analyst_try.status_code == 403
    rejected = await client.post(
        f"{RETURNS}/{claim_id}/decision",
        json={"decision": "reject", "note": "the consent record is clear"},
        headers=manager,
    )
    assert rejected.status_code == 200, rejected.text
    body = rejected.json()
    assert (body["status"], body["credit_cents"]) == ("rejected", None)
    assert body["decision_note"] == "the consent record is clear"

    again = await client.post(
        f"{RETURNS}/{claim_id}/decision", json={"decision": "accept"}, headers=manager
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "return_decided"
    partner = await _reload(db_session, Partner, ids["partner"])
    assert partner.balance_cents == 1_000_000 - 10_000 == await ledger_sum(db_session, partner.id)
    credits = await db_session.scalar(
        sa.select(sa.func.count()).select_from(LedgerEntry).where(LedgerEntry.return_id == claim_id)
    )
    assert credits == 0
    assert (await _reload(db_session, LeadSale, ids["sale"])).status == "active"
    assert (await _reload(db_session, Lead, ids["lead"])).status == "sold"
    assert len(await audit_entries(db_session, "return.decided", claim_id)) == 1

    async def listed(**params: object) -> list[str]:
        response = await client.get(RETURNS, params=params, headers=manager)
        assert response.status_code == 200, response.text
        return [r["id"] for r in response.json()["items"]]

    assert str(claim_id) in await listed(status="rejected")
    assert str(claim_id) in await listed(status=["pending", "rejected"])
    assert str(claim_id) not in await listed(status="pending")
    assert await listed(partner_id=str(ids["partner"])) == [str(claim_id)]
    assert await listed(partner_id=str(ids["other"])) == []

    missing = await client.post(
        f"{RETURNS}/{uuid.uuid4()}/decision", json={"decision": "reject"}, headers=manager
    )
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "return_not_found"
    invalid = await client.post(
        f"{RETURNS}/{claim_id}/decision", json={"decision": "maybe"}, headers=manager
    )
    assert invalid.status_code == 422
