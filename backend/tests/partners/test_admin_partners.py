"""``/admin/partners``: create, read, change, pause and resume a partner; the ledger."""

from __future__ import annotations

import uuid

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.partners.ledger import ledger_sum
from app.partners.models import Partner
from tests.partners.selling import audit_entries, only_these_partners_buy, sell
from tests.partners.support import make_partner, prices

PARTNERS = "/api/v1/admin/partners"


def new_partner(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "name": f"Sunwise {uuid.uuid4().hex[:6]}",
        "contact_name": "Dana Ortiz",
        "contact_email": "Dana@SunwiseSolar.com",
        "contact_phone": "(602) 555-0199",
        "timezone": "America/Phoenix",
        "service_area": {"states": ["az", "NM"], "zip_prefixes": ["850"]},
        "filters": {"min_score": 40, "credit_bands": ["excellent", "good"]},
        "prices": prices(12_000, 4_500),
        "caps": {"day": 10, "month": 150},
        "cap_limits": {"day": 20, "month": 300},
        "allowed_states": ["AZ", "NM", "TX"],
        "billing_mode": "prepaid",
        "low_balance_cents": 20_000,
    }
    body.update(overrides)
    return body


async def test_create_read_change_pause_and_resume_a_partner(
    client: httpx.AsyncClient, db_session: AsyncSession, make_user, tokens
) -> None:
    manager = await make_user("manager")
    headers = (await tokens(manager)).headers
    analyst = (await tokens(await make_user("analyst"))).headers
    body = new_partner()

    created = await client.post(PARTNERS, json=body, headers=headers)
    assert created.status_code == 201, created.text
    partner = created.json()
    partner_id = partner["id"]
    assert partner["status"] == "active"
    assert partner["balance_cents"] == 0
    assert partner["contact_email"] == "dana@sunwisesolar.com"
    assert partner["contact_phone"] == "+16025550199"
    assert partner["service_area"]["states"] == ["AZ", "NM"]
    assert partner["prices"]["B"] == {"exclusive": 12_000, "shared": 4_500}
    assert partner["caps"] == {"day": 10, "week": None, "month": 150, "month_spend_cents": None}
    assert partner["caps_used"] == {"day": 0, "week": 0, "month": 0, "month_spend_cents": 0}
    assert partner["allowed_states"] == ["AZ", "NM", "TX"]
    assert (partner["sales_count"], partner["api_keys_total"]) == (0, 0)
    assert partner["returns"] == {"pending": 0, "accepted": 0, "rejected": 0}

    # Analysts read it, the partner's contacts included (business data, not a homeowner's).
    read = await client.get(f"{PARTNERS}/{partner_id}", headers=analyst)
    assert read.status_code == 200
    assert read.json() == partner
    listed = await client.get(PARTNERS, params={"q": body["name"][-6:].upper()}, headers=analyst)
    assert [p["id"] for p in listed.json()["items"]] == [partner_id]
    assert listed.json()["items"][0]["contact_phone"] == "+16025550199"

    changed = await client.patch(
        f"{PARTNERS}/{partner_id}",
        # caps is replaced whole: a cap left out is no cap, above cap_limits here.
        json={"caps": {"day": 5, "month": 150}, "contact_email": None, "status": "paused"},
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["caps"]["day"] == 5
    assert changed.json()["contact_email"] is None
    assert changed.json()["status"] == "paused"
    paused = await client.get(PARTNERS, params={"status": "paused"}, headers=analyst)
    assert partner_id in [p["id"] for p in paused.json()["items"]]
    active = await client.get(PARTNERS, params={"status": "active"}, headers=analyst)
    assert partner_id not in [p["id"] for p in active.json()["items"]]

    resumed = await client.patch(
        f"{PARTNERS}/{partner_id}", json={"status": "active"}, headers=headers
    )
    assert resumed.json()["status"] == "active"

    (create,) = await audit_entries(db_session, "partner.create", partner_id)
    (update,) = await audit_entries(db_session, "partner.update", partner_id)
    statuses = await audit_entries(db_session, "partner.status_changed", partner_id)
    assert create.actor_id == update.actor_id == manager.id
    assert create.details["via"] == "api" and create.ip == client.ip
    assert sorted(update.details["fields"]) == ["caps", "contact_email"]
    assert [(s.details["from"], s.details["to"]) for s in statuses] == [
        ("active", "paused"),
        ("paused", "active"),
    ]


async def test_analysts_read_but_cannot_change(
    client: httpx.AsyncClient, db_session: AsyncSession, as_role
) -> None:
    partner = await make_partner(db_session)
    analyst = await as_role("analyst")
    assert (await client.get(f"{PARTNERS}/{partner.id}", headers=analyst)).status_code == 200
    for method, url, body in [
        ("POST", PARTNERS, new_partner()),
        ("PATCH", f"{PARTNERS}/{partner.id}", {"status": "paused"}),
        ("POST", f"{PARTNERS}/{partner.id}/ledger", {"amount_cents": 100}),
    ]:
        response = await client.request(method, url, json=body, headers=analyst)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "insufficient_role"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"service_area": {"states": ["ZZ"]}}, "validation_error"),
        ({"timezone": "Mars/Olympus"}, "invalid_partner"),
        ({"timezone": "America"}, "invalid_partner"),  # a tzdata directory, not a zone
        ({"caps": {"day": 50}, "cap_limits": {"day": 20}}, "cap_above_limit"),
        ({"prices": {"A": {"exclusive": -1}}}, "validation_error"),
        ({"name": "Sun\u0430ise Solar"}, "validation_error"),  # a Cyrillic "a"
        ({"name": "   "}, "validation_error"),
        ({"contact_email": "not an email"}, "validation_error"),
        ({"contact_phone": "12"}, "validation_error"),
        ({"billing_mode": "barter"}, "validation_error"),
        ({"balance_cents": 10**9}, "validation_error"),  # money moves through the ledger
    ],
)
async def test_invalid_partners_are_422(
    client: httpx.AsyncClient, as_role, body: dict[str, object], code: str
) -> None:
    response = await client.post(PARTNERS, json=new_partner(**body), headers=await as_role("admin"))
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code


async def test_a_patch_cannot_null_what_a_partner_needs_and_unknown_ids_are_404(
    client: httpx.AsyncClient, db_session: AsyncSession, as_role
) -> None:
    partner_id = (await make_partner(db_session)).id
    headers = await as_role("manager")
    for body in ({"name": None}, {"prices": None}, {"status": "closed"}, {"credit": 5}):
        response = await client.patch(f"{PARTNERS}/{partner_id}", json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
    for method, url, body in [
        ("GET", f"{PARTNERS}/{uuid.uuid4()}", None),
        ("PATCH", f"{PARTNERS}/{uuid.uuid4()}", {"status": "paused"}),
        ("GET", f"{PARTNERS}/{uuid.uuid4()}/ledger", None),
        ("POST", f"{PARTNERS}/{uuid.uuid4()}/ledger", {"amount_cents": 100}),
        ("GET", f"{PARTNERS}/{uuid.uuid4()}/api-keys", None),
    ]:
        response = await client.request(method, url, json=body, headers=headers)
        assert response.status_code == 404, (method, url, response.text)
        assert response.json()["error"]["code"] == "partner_not_found"


async def test_the_list_shows_balance_caps_used_today_and_sales(
    app: FastAPI, client: httpx.AsyncClient, db_session: AsyncSession, as_role, make_lead
) -> None:
    await only_these_partners_buy(db_session)
    buyer = await make_partner(db_session, shared=None, caps={"day": 3}, balance=50_000)
    idle = await make_partner(db_session, states=("CA",))
    for _ in range(2):
        lead = await make_lead()
        assert await sell(db_session, lead.id, app.state.settings)
    listed = await client.get(PARTNERS, headers=await as_role("analyst"))
    rows = {p["id"]: p for p in listed.json()["items"]}
    mine = rows[str(buyer.id)]
    assert mine["caps_used"]["day"] == mine["caps_used"]["month"] == mine["sales_count"] == 2
    assert mine["caps_used"]["month_spend_cents"] == 20_000
    assert mine["balance_cents"] == 30_000 == await ledger_sum(db_session, buyer.id)
    assert rows[str(idle.id)]["sales_count"] == 0


async def test_top_ups_and_adjustments_move_the_balance_which_is_the_sum_of_entries(
    client: httpx.AsyncClient, db_session: AsyncSession, make_user, tokens
) -> None:
    partner = await make_partner(db_session, balance=0)
    manager = await make_user("manager")
    headers = (await tokens(manager)).headers
    ledger = f"{PARTNERS}/{partner.id}/ledger"
    posted = []
    for body in (
        {"amount_cents": 50_000, "note": "wire 1042"},
        {"kind": "adjustment", "amount_cents": -1_500, "note": "goodwill reversal"},
        {"kind": "topup", "amount_cents": 25_000},
    ):
        response = await client.post(ledger, json=body, headers=headers)
        assert response.status_code == 201, response.text
        posted.append(response.json())
    assert [e["balance_after_cents"] for e in posted] == [50_000, 48_500, 73_500]
    assert posted[0]["kind"] == "topup" and posted[0]["created_by"] == str(manager.id)

    # Keyset pages, newest first, until next_cursor is null.
    seen, cursor = [], None
    while True:
        page = await client.get(
            ledger, params={"limit": 2, **({"cursor": cursor} if cursor else {})}, headers=headers
        )
        assert page.status_code == 200
        seen += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert [e["id"] for e in seen] == [e["id"] for e in reversed(posted)]
    balance = page.json()["balance_cents"]
    assert (
        balance == sum(e["amount_cents"] for e in seen) == await ledger_sum(db_session, partner.id)
    )
    detail = await client.get(f"{PARTNERS}/{partner.id}", headers=headers)
    assert detail.json()["balance_cents"] == balance

    entries = await audit_entries(db_session, "partner.ledger_entry", partner.id)
    assert [(e.details["kind"], e.details["amount_cents"]) for e in entries] == [
        ("topup", 50_000),
        ("adjustment", -1_500),
        ("topup", 25_000),
    ]
    assert {e.actor_id for e in entries} == {manager.id}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"amount_cents": -100}, "invalid_amount"),
        ({"amount_cents": 0}, "invalid_amount"),
        ({"kind": "adjustment", "amount_cents": 0}, "invalid_amount"),
        ({"kind": "sale_charge", "amount_cents": 100}, "validation_error"),
        ({"amount_cents": 12.5}, "validation_error"),
        ({"amount_cents": 10**12}, "validation_error"),
    ],
)
async def test_invalid_ledger_entries_are_422_and_change_nothing(
    client: httpx.AsyncClient, db_session: AsyncSession, as_role, body: dict, code: str
) -> None:
    partner_id = (await make_partner(db_session, balance=1_000)).id
    response = await client.post(
        f"{PARTNERS}/{partner_id}/ledger", json=body, headers=await as_role("manager")
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code
    partner = await db_session.get(Partner, partner_id)
    assert partner is not None
    assert partner.balance_cents == 1_000 == await ledger_sum(db_session, partner_id)
