"""The lead form API: validation, consent and idempotent retries (identity rules:
test_identity.py)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.leads.consent import CONSENT_DISCLOSURE, CONSENT_VERSION
from app.leads.models import ConsentRecord, Lead
from tests.conftest import make_client


def form(**overrides: Any) -> dict[str, Any]:
    body = {
        "zip_code": "85004",
        "homeowner": True,
        "property_type": "single_family",
        "monthly_bill": 210,
        "roof_type": "asphalt_shingle",
        "shade": "none",
        "credit_band": "good",
        "timeline": "1_3_months",
        "first_name": "Jane",
        "last_name": "Doe",
        "email": "jane@example.com",
        "phone": "(602) 555-0142",
        "consent": True,
        "consent_version": CONSENT_VERSION,
        "utm_source": "google",
    }
    body.update(overrides)
    return body


async def post(client: httpx.AsyncClient, body: dict, key: str | None = None) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key else {}
    return await client.post("/api/v1/leads", json=body, headers=headers)


async def test_disclosure_endpoint_gives_text_and_version(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/leads/consent-disclosure")
    body = response.json()
    assert (body["text"], body["version"], body["max_buyers"]) == (
        CONSENT_DISCLOSURE,
        CONSENT_VERSION,
        3,
    )
    assert [c["max_buyers"] for c in body["choices"]] == [1, 2, 3]
    assert "one solar installer" in body["choices"][0]["text"]
    assert "up to 2 solar installers" in body["choices"][1]["text"]
    assert len({c["version"] for c in body["choices"]}) == 3


async def test_the_homeowner_chooses_how_many_installers(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    from app.leads.consent import disclosure, version_of

    one = disclosure(1)
    response = await post(client, form(max_buyers=1, consent_version=version_of(one)))
    assert response.status_code == 201, response.text
    record = (
        await db_session.execute(
            sa.select(ConsentRecord).where(
                ConsentRecord.lead_id == uuid.UUID(response.json()["id"])
            )
        )
    ).scalar_one()
    assert (record.max_buyers, record.disclosure_text) == (1, one)
    # The version must be the chosen text's: another choice's is refused.
    mismatch = await post(client, form(max_buyers=2, consent_version=version_of(one)))
    assert mismatch.status_code == 422
    assert mismatch.json()["error"]["code"] == "consent_outdated"
    too_many = await post(client, form(max_buyers=5))
    assert too_many.status_code == 422


async def test_a_valid_form_creates_a_scored_lead_with_consent(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    response = await post(client, form(), key=str(uuid.uuid4()))
    assert response.status_code == 201, response.text
    receipt = response.json()
    assert receipt["qualified"] is True
    assert receipt["estimate"]["location"]["state"] == "AZ"
    lead = await db_session.get(Lead, uuid.UUID(receipt["id"]))
    assert lead.phone == "+16025550142"
    assert lead.source == "form"
    assert lead.monthly_bill_cents == 21000
    assert lead.status == "new"
    assert lead.utm == {"utm_source": "google"}
    records = (
        await db_session.execute(sa.select(ConsentRecord).where(ConsentRecord.lead_id == lead.id))
    ).scalars()
    (record,) = list(records)
    assert record.source == "form"
    assert record.disclosure_text == CONSENT_DISCLOSURE


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"zip_code": "8500"}, "zip_code"),
        ({"monthly_bill": -5}, "monthly_bill"),
        ({"monthly_bill": 0}, "monthly_bill"),
        ({"monthly_bill": 50000}, "monthly_bill"),
        ({"email": "jane@"}, "email"),
        ({"phone": "555-12"}, "phone"),
        ({"phone": "(123) 555-0142"}, "phone"),
        ({"shade": "some"}, "shade"),
        ({"credit_band": "700"}, "credit_band"),
        ({"first_name": ""}, "first_name"),
        ({"first_name": "<script>"}, "first_name"),
        ({"consent": False}, "consent"),
    ],
)
async def test_invalid_fields_are_422_naming_the_field(
    client: httpx.AsyncClient, db_session: AsyncSession, override: dict, field: str
) -> None:
    response = await post(client, form(**override))
    assert response.status_code == 422
    error = response.json()["error"]
    assert field in [d["field"] for d in error["details"]]
    assert await db_session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 0


async def test_unknown_zip_is_422_unknown_zip(client: httpx.AsyncClient) -> None:
    response = await post(client, form(zip_code="00000"))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unknown_zip"


async def test_a_territory_zip_is_not_served_yet_rather_than_unknown(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    response = await post(client, form(zip_code="00901"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "zip_not_served"
    assert "We don't serve Puerto Rico yet" in error["message"]
    assert await db_session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 0


async def test_outdated_consent_text_is_refused(client: httpx.AsyncClient) -> None:
    response = await post(client, form(consent_version="0" * 64))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "consent_outdated"


async def test_renters_are_stored_unqualified(client: httpx.AsyncClient) -> None:
    response = await post(client, form(homeowner=False))
    assert response.status_code == 201
    assert response.json()["qualified"] is False


async def test_idempotent_retry_returns_the_first_result(
    client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    key = str(uuid.uuid4())
    first = await post(client, form(), key=key)
    retry = await post(client, form(), key=key)
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    assert await db_session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 1

    changed = await post(client, form(monthly_bill=999), key=key)
    assert changed.status_code == 422
    assert changed.json()["error"]["code"] == "idempotency_key_reused"


async def test_malformed_idempotency_key_is_422(client: httpx.AsyncClient) -> None:
    response = await post(client, form(), key="short")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_idempotency_key"


@pytest.fixture
async def committed(app: FastAPI) -> Any:
    """A client whose requests really commit (for concurrency); cleans up after."""
    async with make_client(app) as http:
        yield http
    async with app.state.db.transaction() as session:
        for table in ("consent_records", "messages", "conversations", "leads", "idempotency_keys"):
            await session.execute(sa.text(f"DELETE FROM {table}"))


async def test_concurrent_retries_never_create_two_leads(app: FastAPI, committed: Any) -> None:
    key = str(uuid.uuid4())
    body = form(email="race@example.com", phone="(480) 555-0100")
    responses = await asyncio.gather(*(post(committed, body, key=key) for _ in range(8)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    async with app.state.db.transaction() as session:
        count = await session.scalar(
            sa.select(sa.func.count()).select_from(Lead).where(Lead.email == "race@example.com")
        )
    assert count == 1


async def test_concurrent_duplicates_without_a_key_never_create_two_leads(
    app: FastAPI, committed: Any
) -> None:
    body = form(email="dupe@example.com", phone="(480) 555-0101")
    responses = await asyncio.gather(*(post(committed, body) for _ in range(6)))
    assert {r.status_code for r in responses} == {201}
    async with app.state.db.transaction() as session:
        count = await session.scalar(
            sa.select(sa.func.count()).select_from(Lead).where(Lead.email == "dupe@example.com")
        )
    assert count == 1
