"""Conversations in the dashboard: list, filters, transcript, masking."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx

from tests.support.staff import FakeClock

CONVERSATIONS = "/api/v1/admin/conversations"


async def test_list_filters_and_pages(
    client: httpx.AsyncClient, as_role, make_lead, make_chat, clock: FakeClock
) -> None:
    lead = await make_lead()
    lead_id = lead.id
    start = clock() - timedelta(hours=1)
    chats = [await make_chat(lead, created_at=start + timedelta(minutes=i)) for i in range(3)]
    ids = [str(c.id) for c in chats]
    headers = await as_role("analyst")

    page = await client.get(CONVERSATIONS, params={"lead_id": str(lead_id)}, headers=headers)
    assert page.status_code == 200, page.text
    assert [i["id"] for i in page.json()["items"]] == ids[::-1]
    assert page.json()["items"][0]["pii_masked"] is True

    seen: list[str] = []
    cursor = None
    while True:
        params = {"lead_id": str(lead_id), "limit": 2, "sort": "created_at"}
        response = await client.get(
            CONVERSATIONS,
            params={**params, **({"cursor": cursor} if cursor else {})},
            headers=headers,
        )
        seen += [i["id"] for i in response.json()["items"]]
        cursor = response.json()["next_cursor"]
        if not cursor:
            break
    assert seen == ids

    completed = await client.get(
        CONVERSATIONS, params={"lead_id": str(lead_id), "status": "active"}, headers=headers
    )
    assert completed.json()["items"] == []
    with_lead = await client.get(CONVERSATIONS, params={"has_lead": "false"}, headers=headers)
    assert not set(ids) & {i["id"] for i in with_lead.json()["items"]}


async def test_detail_masks_slots_and_transcript_for_analysts(
    client: httpx.AsyncClient, as_role, make_lead, make_chat
) -> None:
    lead = await make_lead()
    chat = await make_chat(lead)
    raw = {"email": lead.email, "phone": lead.phone, "street": lead.street_address}

    analyst = (
        await client.get(f"{CONVERSATIONS}/{chat.id}", headers=await as_role("analyst"))
    ).json()
    assert analyst["slots"]["email"] == "j***@e***.com"
    assert analyst["slots"]["last_name"] == "D."
    assert analyst["slots"]["first_name"] == "Jane"
    assert analyst["ip"] == "198.51.100.x"
    assert len(analyst["messages"]) == 4
    text = str(analyst)
    for value in raw.values():
        assert value not in text
    assert "(602) 555" not in text
    assert "token_hash" not in text

    manager = (
        await client.get(f"{CONVERSATIONS}/{chat.id}", headers=await as_role("manager"))
    ).json()
    assert manager["slots"]["email"] == lead.email
    assert lead.street_address in manager["messages"][2]["content"]


async def test_unknown_conversation_is_404(client: httpx.AsyncClient, as_role) -> None:
    response = await client.get(f"{CONVERSATIONS}/{uuid.uuid4()}", headers=await as_role("analyst"))
    assert response.status_code == 404
