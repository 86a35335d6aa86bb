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


async def test_the_list_shows_name_and_zip_and_searches_them(
    client: httpx.AsyncClient, as_role, make_lead, make_chat
) -> None:
    city = f"Chatville-{uuid.uuid4().hex[:8]}"
    lead = await make_lead(
        first_name="Odette", last_name="Quillfeather", city=city, zip_code="85281"
    )
    chat = await make_chat(lead)
    other = await make_chat(await make_lead(first_name="Someone", city="Elsewhere"))

    manager = await as_role("manager")
    found = await client.get(CONVERSATIONS, params={"q": city}, headers=manager)
    assert found.status_code == 200, found.text
    items = found.json()["items"]
    assert [i["id"] for i in items] == [str(chat.id)]
    assert (items[0]["first_name"], items[0]["last_name"], items[0]["zip_code"]) == (
        "Odette",
        "Quillfeather",
        "85281",
    )
    by_last = await client.get(CONVERSATIONS, params={"q": "quillfeather"}, headers=manager)
    assert [i["id"] for i in by_last.json()["items"]] == [str(chat.id)]

    # Analysts see the last name masked and cannot search by it.
    analyst = await as_role("analyst")
    masked = (await client.get(CONVERSATIONS, params={"q": city}, headers=analyst)).json()
    assert masked["items"][0]["last_name"] == "Q."
    hidden = await client.get(CONVERSATIONS, params={"q": "quillfeather"}, headers=analyst)
    assert hidden.json()["items"] == []
    assert str(other.id) not in {i["id"] for i in found.json()["items"]}
