"""Analysts never see a homeowner's email, phone or street address: not in any admin
response, not in the CSV, and nobody finds them in the logs."""

from __future__ import annotations

import json
import logging
import string
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.logging import JsonFormatter
from tests.partners.selling import selling_records
from tests.support.staff import PASSWORD

ADMIN = "/api/v1/admin"

emails = st.emails().filter(lambda e: len(e) <= 120)
phones = st.from_regex(r"\A[2-9]\d{2}[2-9]\d{6}\Z").map(lambda d: "+1" + d)
streets = st.builds(
    lambda n, name, suffix: f"{n} {name} {suffix}",
    st.integers(1, 99999),
    st.text(string.ascii_letters, min_size=3, max_size=12),
    st.sampled_from(["Street", "Ave", "Road", "Lane", "Court", "Blvd"]),
)
last_names = st.text(string.ascii_letters + "'-", min_size=2, max_size=30).filter(
    lambda s: s[0].isalpha()
)


def forms_of(phone: str) -> list[str]:
    digits = phone[2:]
    return [
        phone,
        digits,
        f"({digits[:3]}) {digits[3:6]}-{digits[6:]}",
        f"{digits[:3]}-{digits[3:6]}-{digits[6:]}",
    ]


def strings_in(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)] + [str(k) for k in value]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return [str(value)] if value is not None else []


def assert_hidden(texts: list[str], *, email: str, phone: str, street: str) -> None:
    for text in texts:
        lowered = text.lower()
        assert email.lower() not in lowered, (email, text[:300])
        for form in forms_of(phone):
            assert form not in text, (form, text[:300])
        assert street.lower() not in lowered, (street, text[:300])


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(email=emails, phone=phones, street=streets, last_name=last_names)
async def test_no_analyst_response_or_csv_shows_contact_details(
    app,
    client: httpx.AsyncClient,
    db_session,
    as_role,
    make_lead,
    make_chat,
    email: str,
    phone: str,
    street: str,
    last_name: str,
) -> None:
    lead = await make_lead(
        email=email,
        phone=phone,
        street_address=street,
        last_name=last_name,
        notes=f"Spoke to {last_name}; email {email}, cell {forms_of(phone)[2]}, at {street}.",
    )
    chat = await make_chat(lead)
    # Sold, and returned by its buyer with the contact details in the note.
    selling = await selling_records(
        app, db_session, lead, note=f"{email} / {forms_of(phone)[2]} / {street}: wrong person"
    )
    analyst = await as_role("analyst")

    responses = [
        await client.get(f"{ADMIN}/sales", params={"lead_id": str(lead.id)}, headers=analyst),
        await client.get(
            f"{ADMIN}/returns", params={"partner_id": str(selling["partner_id"])}, headers=analyst
        ),
        await client.get(f"{ADMIN}/leads", params={"limit": 200}, headers=analyst),
        await client.get(f"{ADMIN}/leads/{lead.id}", headers=analyst),
        await client.get(f"{ADMIN}/conversations", params={"limit": 200}, headers=analyst),
        await client.get(f"{ADMIN}/conversations/{chat.id}", headers=analyst),
        await client.get(f"{ADMIN}/leads/export.csv", headers=analyst),
    ]
    texts: list[str] = []
    for response in responses:
        assert response.status_code == 200, response.text
        texts.append(response.text)
        if response.headers["content-type"].startswith("application/json"):
            texts += strings_in(response.json())
    assert_hidden(texts, email=email, phone=phone, street=street)
    assert lead.first_name in responses[3].text  # not masked away entirely

    # Managers see it all: the check above is not vacuous.
    manager = await client.get(f"{ADMIN}/leads/{lead.id}", headers=await as_role("manager"))
    body = manager.json()
    assert (body["email"], body["phone"], body["street_address"]) == (email, phone, street)


async def test_no_contact_details_in_the_logs(
    client: httpx.AsyncClient,
    make_user,
    tokens,
    make_lead,
    make_chat,
    caplog: pytest.LogCaptureFixture,
) -> None:
    email, phone, street = "dana.private@example.org", "+14805550111", "77 Hidden Lane"
    manager = await make_user("manager")
    lead = await make_lead(email=email, phone=phone, street_address=street)
    chat = await make_chat(lead)
    analyst = (await tokens(await make_user("analyst"))).headers
    # INFO is the production level (DEBUG lets drivers print SQL parameters).
    with caplog.at_level(logging.INFO):
        await client.post(
            "/api/v1/auth/login", json={"email": manager.email, "password": "nope nope"}
        )
        signed_in = await client.post(
            "/api/v1/auth/login", json={"email": manager.email, "password": PASSWORD}
        )
        headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        for who in (headers, analyst):
            await client.get(f"{ADMIN}/leads", params={"q": email}, headers=who)
            await client.get(f"{ADMIN}/leads/{lead.id}", headers=who)
            await client.get(f"{ADMIN}/conversations/{chat.id}", headers=who)
            await client.get(f"{ADMIN}/leads/export.csv", headers=who)
        await client.patch(
            f"{ADMIN}/leads/{lead.id}",
            json={"notes": f"Call {phone} or write {email}"},
            headers=headers,
        )
        await client.patch(f"{ADMIN}/leads/{lead.id}", json={"status": "nonsense"}, headers=headers)
        await client.post("/api/v1/auth/logout", headers=headers)

    formatter = JsonFormatter()
    # httpx logs the test client's own requests (query strings included): not the API's.
    lines = [formatter.format(r) for r in caplog.records if not r.name.startswith("httpx")]
    assert any('"route"' in line for line in lines)  # the access log was captured
    for line in lines:
        decoded = json.loads(line)
        text = json.dumps(decoded)
        assert email not in text
        for form in forms_of(phone):
            assert form not in text
        assert street not in text


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(email=emails, phone=phones, street=streets)
async def test_contact_details_outside_the_known_fields_are_hidden_from_analysts(
    client: httpx.AsyncClient,
    db_session,
    as_role,
    make_lead,
    make_chat,
    email: str,
    phone: str,
    street: str,
) -> None:
    """Seen before: an email in ``utm_content`` and a street address typed in chat (not the
    lead's own values, so no known-value masking could catch them) reached analysts."""
    from app.conversation.models import Message

    lead = await make_lead(
        utm={"utm_source": "news", "utm_content": email, "utm_term": forms_of(phone)[3]}
    )
    chat = await make_chat(lead)
    chat.utm = {"utm_campaign": f"c {email}"}
    chat.source = f"ref {forms_of(phone)[2]}"
    db_session.add(
        Message(
            conversation_id=chat.id,
            seq=99,
            role="user",
            content=f"oh and the house is {street}, my other email {email}",
            meta={"kind": "text"},
        )
    )
    await db_session.commit()
    analyst = await as_role("analyst")
    responses = [
        await client.get(f"{ADMIN}/leads/{lead.id}", headers=analyst),
        await client.get(f"{ADMIN}/conversations", params={"limit": 200}, headers=analyst),
        await client.get(f"{ADMIN}/conversations/{chat.id}", headers=analyst),
        await client.get(f"{ADMIN}/leads/export.csv", headers=analyst),
    ]
    texts: list[str] = []
    for response in responses:
        assert response.status_code == 200, response.text
        texts.append(response.text)
        if response.headers["content-type"].startswith("application/json"):
            texts += strings_in(response.json())
    assert_hidden(texts, email=email, phone=phone, street=street)
    manager = await client.get(f"{ADMIN}/leads/{lead.id}", headers=await as_role("manager"))
    assert manager.json()["utm"]["utm_content"] == email  # managers see what arrived
