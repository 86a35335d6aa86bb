"""Who a lead is: the same person adds a submission, a look-alike gets a lead of their own.

Seen on the old rules: Siobhan, with Tom's phone number but her own email, overwrote
Tom's lead (name, email, address, answers). Now one person is one email *and* one phone.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.models import AuditLog
from app.core.db import utcnow
from app.leads.models import ConsentRecord, Lead, LeadSubmission
from app.leads.service import ConsentEvidence, LeadDetails, submit_lead
from tests.leads.test_form_api import form, post


def details(**overrides: Any) -> LeadDetails:
    base: dict[str, Any] = {
        "first_name": "Tom",
        "last_name": "Baker",
        "email": "tom@example.com",
        "phone": "+16025550142",
        "zip_code": "85004",
        "city": "Phoenix",
        "state": "AZ",
        "homeowner": True,
        "property_type": "single_family",
        "monthly_bill_usd": 180.0,
        "roof_type": "asphalt_shingle",
        "shade": "none",
        "credit_band": "good",
        "timeline": "1_3_months",
        "street_address": "12 Elm St",
    }
    base.update(overrides)
    return LeadDetails(**base)


EVIDENCE = ConsentEvidence(source="form", ip="203.0.113.9", user_agent="pytest")


async def count(session: AsyncSession, model: Any, **where: Any) -> int:
    statement = sa.select(sa.func.count()).select_from(model)
    for name, value in where.items():
        statement = statement.where(getattr(model, name) == value)
    return int(await session.scalar(statement) or 0)


async def test_a_different_person_with_the_same_phone_gets_a_lead_of_their_own(
    client: httpx.AsyncClient, db_session: AsyncSession, as_role
) -> None:
    tom = (
        await post(client, form(first_name="Tom", last_name="Baker", email="tom@example.com"))
    ).json()
    siobhan = (
        await post(
            client,
            form(
                first_name="Siobhan",
                last_name="Kelly",
                email="siobhan@example.com",
                street_address="9 Oak Ave",
                monthly_bill=320,
            ),
        )
    ).json()
    assert tom["id"] != siobhan["id"]
    tom_lead = await db_session.get(Lead, uuid.UUID(tom["id"]))
    await db_session.refresh(tom_lead)
    assert (tom_lead.first_name, tom_lead.email, tom_lead.monthly_bill_cents) == (
        "Tom",
        "tom@example.com",
        21000,
    )
    assert tom_lead.submission_count == 1
    their = await db_session.get(Lead, uuid.UUID(siobhan["id"]))
    assert their.duplicate_of_id == tom_lead.id
    assert (their.duplicate_state, their.duplicate_reason) == ("suspected", "same_phone")

    # Searching for Tom finds Tom; Tom's reference opens Tom.
    headers = await as_role("manager")
    found = await client.get("/api/v1/admin/leads", params={"q": "Baker"}, headers=headers)
    assert [item["id"] for item in found.json()["items"]] == [tom["id"]]
    detail = (await client.get(f"/api/v1/admin/leads/{tom['id']}", headers=headers)).json()
    assert detail["first_name"] == "Tom"
    assert [d["id"] for d in detail["possible_duplicates"]] == [siobhan["id"]]


async def test_the_same_person_twice_is_one_lead_with_two_submissions(
    client: httpx.AsyncClient, db_session: AsyncSession, as_role
) -> None:
    first = (await post(client, form(timeline="researching"))).json()
    again = (
        await post(client, form(timeline="asap", first_name="Janet", street_address="1 New Rd"))
    ).json()
    assert first["id"] == again["id"]
    lead = await db_session.get(Lead, uuid.UUID(first["id"]))
    await db_session.refresh(lead)
    assert lead.submission_count == 2
    assert lead.timeline == "asap"  # unsold: the qualification answers follow the latest
    assert lead.first_name == "Jane"  # contact details never change
    assert lead.street_address is None
    assert await count(db_session, LeadSubmission, lead_id=lead.id) == 2
    assert await count(db_session, ConsentRecord, lead_id=lead.id) == 2

    detail = (
        await client.get(f"/api/v1/admin/leads/{lead.id}", headers=await as_role("manager"))
    ).json()
    subs = detail["submissions"]
    assert len(subs) == 2
    assert {s["answers"]["first_name"] for s in subs} == {"Jane", "Janet"}
    assert all(s["applied"] for s in subs)


async def test_a_sold_lead_never_changes(db_session: AsyncSession) -> None:
    first = await submit_lead(db_session, details(), EVIDENCE)
    first.lead.status = "sold"  # as a sale would leave it (issue of the selling domain)
    await db_session.flush()
    before = {c.name: getattr(first.lead, c.name) for c in Lead.__table__.columns}

    again = await submit_lead(
        db_session, details(timeline="asap", monthly_bill_usd=400.0, first_name="Thomas"), EVIDENCE
    )
    assert again.lead.id == first.lead.id and again.created is False
    assert again.submission.applied is False
    await db_session.refresh(first.lead)
    after = {c.name: getattr(first.lead, c.name) for c in Lead.__table__.columns}
    unchanged = {k for k in before if k not in ("submission_count", "updated_at")}
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}
    assert after["submission_count"] == 2


async def test_the_database_refuses_to_rewrite_a_sold_lead(db_session: AsyncSession) -> None:
    outcome = await submit_lead(
        db_session, details(email=f"{uuid.uuid4().hex}@example.com"), EVIDENCE
    )
    outcome.lead.status = "sold"
    await db_session.flush()
    lead_id = outcome.lead.id
    with pytest.raises(sa.exc.DBAPIError) as raised:
        async with db_session.begin_nested():
            await db_session.execute(
                sa.update(Lead).where(Lead.id == lead_id).values(first_name="Mallory")
            )
    assert "never change" in str(raised.value)
    # Erasure on request is the one change allowed.
    await db_session.execute(
        sa.update(Lead)
        .where(Lead.id == lead_id)
        .values(first_name="", last_name="", email=None, phone=None, erased_at=utcnow())
    )


async def test_a_match_older_than_30_days_is_a_new_person(db_session: AsyncSession) -> None:
    email = f"{uuid.uuid4().hex}@example.com"
    old = await submit_lead(db_session, details(email=email), EVIDENCE)
    old.lead.created_at = utcnow() - timedelta(days=31)
    await db_session.flush()
    new = await submit_lead(db_session, details(email=email), EVIDENCE)
    assert new.lead.id != old.lead.id
    assert new.lead.duplicate_of_id is None


async def test_managers_resolve_a_possible_duplicate_and_it_is_audited(
    client: httpx.AsyncClient, db_session: AsyncSession, as_role
) -> None:
    headers = await as_role("manager")
    shared = f"{uuid.uuid4().hex[:10]}@example.com"
    await post(client, form(email=shared, phone="(480) 555-0101"))
    twins = []
    for phone in ("(480) 555-0102", "(480) 555-0103"):
        twins.append((await post(client, form(email=shared, phone=phone))).json()["id"])

    analyst = await client.post(
        f"/api/v1/admin/leads/{twins[0]}/duplicate",
        json={"decision": "merge"},
        headers=await as_role("analyst"),
    )
    assert analyst.status_code == 403

    merged = await client.post(
        f"/api/v1/admin/leads/{twins[0]}/duplicate", json={"decision": "merge"}, headers=headers
    )
    assert merged.status_code == 200, merged.text
    assert (merged.json()["status"], merged.json()["duplicate_state"]) == ("duplicate", "merged")
    apart = await client.post(
        f"/api/v1/admin/leads/{twins[1]}/duplicate",
        json={"decision": "keep_apart"},
        headers=headers,
    )
    assert (apart.json()["status"], apart.json()["duplicate_state"]) == ("new", "kept_apart")
    again = await client.post(
        f"/api/v1/admin/leads/{twins[1]}/duplicate", json={"decision": "merge"}, headers=headers
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "not_a_suspected_duplicate"

    decisions = (
        await db_session.execute(
            sa.select(AuditLog.details).where(AuditLog.action == "lead.duplicate_resolved")
        )
    ).scalars()
    assert sorted(d["decision"] for d in decisions) == ["keep_apart", "merge"]
    listed = await client.get(
        "/api/v1/admin/leads", params={"duplicate_state": "suspected", "q": shared}, headers=headers
    )
    assert listed.json()["items"] == []


# --- properties ---------------------------------------------------------------------------

PEOPLE = st.sampled_from(["a", "b", "c"])
CONTACTS = st.tuples(PEOPLE, PEOPLE)  # (email of, phone of): mix and match


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(CONTACTS, min_size=1, max_size=8))
async def test_identity_properties(
    db_session: AsyncSession, sequence: list[tuple[str, str]]
) -> None:
    """For any sequence of submissions: one lead per distinct (email, phone) pair; a lead's
    contact details are those of its first submission; every submission is kept once;
    a lead sharing only one of email/phone with an earlier one is a suspected duplicate."""
    tag = uuid.uuid4().hex[:8]
    phones = {"a": "+16025550101", "b": "+16025550102", "c": "+16025550103"}
    ids: dict[tuple[str, str], uuid.UUID] = {}
    async with db_session.begin_nested() as nested:
        for email_of, phone_of in sequence:
            outcome = await submit_lead(
                db_session,
                details(email=f"{email_of}.{tag}@example.com", phone=phones[phone_of]),
                EVIDENCE,
            )
            pair = (email_of, phone_of)
            if pair in ids:
                assert outcome.lead.id == ids[pair] and not outcome.created
            else:
                assert outcome.created
                assert outcome.lead.id not in ids.values()
                earlier = [p for p in ids if p[0] == email_of or p[1] == phone_of]
                assert (outcome.lead.duplicate_state == "suspected") == bool(earlier)
                ids[pair] = outcome.lead.id
            assert outcome.lead.email == f"{email_of}.{tag}@example.com"
            assert outcome.lead.phone == phones[phone_of]
        for pair, lead_id in ids.items():
            expected = sum(1 for p in sequence if p == pair)
            assert await count(db_session, LeadSubmission, lead_id=lead_id) == expected
        await nested.rollback()
