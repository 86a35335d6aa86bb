"""Leads in the dashboard: filters, sorting, keyset pages, detail, changes, CSV export."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.models import AuditLog
from app.core.csv_export import safe_cell
from app.leads import queries as leads_queries
from app.leads.models import Lead
from tests.support.staff import FakeClock

LEADS = "/api/v1/admin/leads"
EXPORT = "/api/v1/admin/leads/export.csv"


@pytest.fixture
async def batch(make_lead, clock: FakeClock) -> str:
    """Seven leads of one made-up city (so other data never matches), a minute apart."""
    city = f"Testville-{uuid.uuid4().hex[:8]}"
    start = clock() - timedelta(hours=1)
    specs = [
        ("new", "A", "AZ", "85004", "form", 91),
        ("new", "B", "AZ", "85251", "chat", 74),
        ("sold", "A", "CA", "90210", "chat", 88),
        ("unqualified", "C", "TX", "73301", "form", 20),
        ("new", "C", "AZ", "85004", "chat", 35),
        ("returned", "B", "CA", "94103", "form", 60),
        ("new", "B", "TX", "75001", "form", 73),
    ]
    for i, (status, tier, state, zip_code, source, score) in enumerate(specs):
        await make_lead(
            status=status,
            tier=tier,
            state=state,
            zip_code=zip_code,
            source=source,
            score=score,
            city=city,
            first_name=f"Person{i}",
            created_at=start + timedelta(minutes=i),
        )
    return city


def names(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["first_name"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, [6, 5, 4, 3, 2, 1, 0]),
        ({"sort": "created_at"}, [0, 1, 2, 3, 4, 5, 6]),
        ({"sort": "-score"}, [0, 2, 1, 6, 5, 4, 3]),
        ({"sort": "score"}, [3, 4, 5, 6, 1, 2, 0]),
        ({"status": "new"}, [6, 4, 1, 0]),
        ({"status": ["sold", "returned"]}, [5, 2]),
        ({"tier": "A"}, [2, 0]),
        ({"state": ["ca", "TX"]}, [6, 5, 3, 2]),
        ({"zip_code": "85"}, [4, 1, 0]),
        ({"zip_code": "85004"}, [4, 0]),
        ({"source": "chat"}, [4, 2, 1]),
        ({"q": "person3"}, [3]),
        ({"status": "new", "tier": "B", "state": "AZ"}, [1]),
    ],
)
async def test_filters_and_sorts(
    client: httpx.AsyncClient, as_role, batch: str, params: dict, expected: list[int]
) -> None:
    query = params if "q" in params else {"q": batch, **params}
    response = await client.get(LEADS, params=query, headers=await as_role("analyst"))
    assert response.status_code == 200, response.text
    ours = [i["first_name"] for i in response.json()["items"] if i["city"] == batch]
    assert ours == [f"Person{i}" for i in expected]


async def test_created_range(
    client: httpx.AsyncClient, as_role, batch: str, clock: FakeClock
) -> None:
    start = clock() - timedelta(hours=1)
    params = {
        "q": batch,
        "created_from": (start + timedelta(minutes=2)).isoformat(),
        "created_to": (start + timedelta(minutes=5)).isoformat(),
    }
    assert names(await client.get(LEADS, params=params, headers=await as_role("analyst"))) == [
        "Person4",
        "Person3",
        "Person2",
    ]


@pytest.mark.parametrize("sort", ["-created_at", "created_at", "-score", "score"])
async def test_keyset_pages_cover_every_row_once(
    client: httpx.AsyncClient, as_role, batch: str, sort: str, make_lead, clock: FakeClock
) -> None:
    # Ties on both sort keys: the id decides, and no row is skipped or repeated.
    for i in range(3):
        await make_lead(city=batch, first_name=f"Tie{i}", score=50, created_at=clock())
    headers = await as_role("manager")
    everything = names(await client.get(LEADS, params={"q": batch, "sort": sort}, headers=headers))
    seen: list[str] = []
    cursor = None
    while True:
        params = {"q": batch, "sort": sort, "limit": 2, **({"cursor": cursor} if cursor else {})}
        response = await client.get(LEADS, params=params, headers=headers)
        seen += names(response)
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == everything
    assert len(set(seen)) == len(seen) == 10


async def test_a_cursor_only_works_with_its_sort(
    client: httpx.AsyncClient, as_role, batch: str
) -> None:
    headers = await as_role("analyst")
    page = await client.get(LEADS, params={"q": batch, "limit": 2}, headers=headers)
    cursor = page.json()["next_cursor"]
    response = await client.get(
        LEADS, params={"q": batch, "sort": "score", "cursor": cursor}, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_cursor"


async def test_analysts_cannot_search_by_hidden_contact_details(
    client: httpx.AsyncClient, as_role, make_lead
) -> None:
    lead = await make_lead(email=f"findme-{uuid.uuid4().hex[:6]}@example.com")
    email = lead.email
    analyst = await client.get(LEADS, params={"q": email}, headers=await as_role("analyst"))
    manager = await client.get(LEADS, params={"q": email}, headers=await as_role("manager"))
    assert analyst.json()["items"] == []
    assert [i["email"] for i in manager.json()["items"]] == [email]
    digits = lead.phone[-7:]
    by_phone = await client.get(LEADS, params={"q": digits}, headers=await as_role("manager"))
    assert lead.phone in [i["phone"] for i in by_phone.json()["items"]]


async def test_detail_has_score_factors_consent_and_transcript(
    client: httpx.AsyncClient, as_role, make_lead, make_chat
) -> None:
    lead = await make_lead()
    chat = await make_chat(lead)
    response = await client.get(f"{LEADS}/{lead.id}", headers=await as_role("manager"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["email"] == lead.email and body["phone"] == lead.phone
    assert body["street_address"] == lead.street_address
    assert body["pii_masked"] is False
    assert body["score_factors"] == lead.score_factors
    assert body["estimate"]["system_size_kw"] == 7.2
    (consent,) = body["consents"]
    assert consent["source"] == "chat" and consent["conversation_id"] == str(chat.id)
    assert lead.email in consent["disclosure_text"]
    (transcript,) = body["transcripts"]
    assert transcript["conversation_id"] == str(chat.id)
    assert [m["seq"] for m in transcript["messages"]] == [1, 2, 3, 4]
    assert lead.email in transcript["messages"][1]["content"]


async def test_analysts_see_masked_detail(
    client: httpx.AsyncClient, as_role, make_lead, make_chat
) -> None:
    lead = await make_lead(notes=None)
    await make_chat(lead)
    body = (await client.get(f"{LEADS}/{lead.id}", headers=await as_role("analyst"))).json()
    assert body["pii_masked"] is True
    assert body["email"] == "j***@e***.com"
    assert body["phone"] == "+1******" + lead.phone[-4:]
    assert body["last_name"] == "D."
    assert body["street_address"] == "*** (hidden)"
    assert body["first_name"] == "Jane"
    assert body["consents"][0]["ip"] == "198.51.100.x"
    text = str(body)
    for raw in (lead.email, lead.phone, lead.street_address, lead.last_name):
        assert raw not in text


async def test_unknown_lead_is_404(client: httpx.AsyncClient, as_role) -> None:
    response = await client.get(f"{LEADS}/{uuid.uuid4()}", headers=await as_role("analyst"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "lead_not_found"


async def test_managers_change_status_and_notes_and_it_is_audited(
    client: httpx.AsyncClient, make_user, tokens, make_lead, db_session: AsyncSession
) -> None:
    manager = await make_user("manager")
    headers = (await tokens(manager)).headers
    lead = await make_lead()
    lead_id = lead.id
    response = await client.patch(
        f"{LEADS}/{lead_id}",
        json={"status": "unqualified", "notes": "Renting; call 602-555-0199 about it"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "unqualified"
    assert response.json()["notes"].startswith("Renting")
    entry = (
        await db_session.execute(
            sa.select(AuditLog).where(
                AuditLog.action == "lead.update", AuditLog.target_id == str(lead_id)
            )
        )
    ).scalar_one()
    assert entry.details["changes"]["status"] == {"from": "new", "to": "unqualified"}
    assert "602-555-0199" not in str(entry.details)  # notes may hold PII: only lengths

    cleared = await client.patch(f"{LEADS}/{lead_id}", json={"notes": None}, headers=headers)
    assert cleared.json()["notes"] is None
    assert cleared.json()["status"] == "unqualified"

    bad = await client.patch(f"{LEADS}/{lead_id}", json={"status": "gone"}, headers=headers)
    assert bad.status_code == 422


async def test_analysts_cannot_change_leads(client: httpx.AsyncClient, as_role, make_lead) -> None:
    lead = await make_lead()
    response = await client.patch(
        f"{LEADS}/{lead.id}", json={"status": "sold"}, headers=await as_role("analyst")
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_role"


def parse_csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


async def test_csv_export_streams_matching_rows_with_a_dated_filename(
    client: httpx.AsyncClient, as_role, batch: str, clock: FakeClock, monkeypatch
) -> None:
    # Tiny chunks, so the export really pages through the keyset.
    original = leads_queries.iter_export_rows
    monkeypatch.setattr(
        leads_queries,
        "iter_export_rows",
        lambda *a, **kw: original(*a, **{**kw, "chunk_size": 2}),
    )
    response = await client.get(
        EXPORT, params={"q": batch, "sort": "score"}, headers=await as_role("manager")
    )
    rows = parse_csv(response)
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="leads-{clock():%Y%m%d}.csv"'
    )
    assert [r["first_name"] for r in rows] == [f"Person{i}" for i in (3, 4, 5, 6, 1, 2, 0)]
    assert rows[0]["email"].endswith("@example.com")
    assert list(rows[0]) == leads_queries.CSV_COLUMNS

    filtered = parse_csv(
        await client.get(
            EXPORT, params={"q": batch, "state": "CA"}, headers=await as_role("analyst")
        )
    )
    assert [r["first_name"] for r in filtered] == ["Person5", "Person2"]
    assert all(r["email"].startswith("j***@") for r in filtered)
    assert all(r["street_address"] == "*** (hidden)" for r in filtered)


async def test_csv_export_is_audited(
    client: httpx.AsyncClient, make_user, tokens, db_session: AsyncSession
) -> None:
    analyst = await make_user("analyst")
    await client.get(EXPORT, params={"state": "NV"}, headers=(await tokens(analyst)).headers)
    entry = (
        await db_session.execute(
            sa.select(AuditLog).where(
                AuditLog.action == "lead.export", AuditLog.actor_id == analyst.id
            )
        )
    ).scalar_one()
    assert entry.details["masked"] is True
    assert entry.details["filters"]["state"] == ["NV"]


@pytest.mark.parametrize(
    "payload", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
)
async def test_csv_cells_that_start_like_formulas_are_neutralised(
    client: httpx.AsyncClient, as_role, make_lead, payload: str
) -> None:
    city = f"Inj-{uuid.uuid4().hex[:8]}"
    await make_lead(first_name=payload, city=city, notes=payload)
    rows = parse_csv(await client.get(EXPORT, params={"q": city}, headers=await as_role("manager")))
    (row,) = rows
    assert row["first_name"] == "'" + payload
    assert row["notes"] == "'" + payload


def test_safe_cell() -> None:
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("Jane") == "Jane"
    assert safe_cell(None) == ""
    assert safe_cell(True) == "true"
    assert safe_cell(42) == "42"


async def test_the_export_reads_in_chunks_not_all_at_once(
    db_session: AsyncSession, make_lead
) -> None:
    city = f"Chunk-{uuid.uuid4().hex[:8]}"
    for i in range(5):
        await make_lead(city=city, first_name=f"C{i}")

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def factory():  # type: ignore[no-untyped-def]
        yield db_session

    chunks = [
        chunk
        async for chunk in leads_queries.iter_export_rows(
            factory,
            leads_queries.LeadFilters(q=city),
            sort="-created_at",
            sees_pii=True,
            chunk_size=2,
        )
    ]
    assert [len(c) for c in chunks] == [2, 2, 1]
    total = await db_session.scalar(
        sa.select(sa.func.count()).select_from(Lead).where(Lead.city == city)
    )
    assert total == 5


@pytest.mark.parametrize("path", [LEADS, EXPORT])
async def test_an_unknown_state_is_refused_not_an_empty_list(
    client: httpx.AsyncClient, as_role, batch: str, path: str
) -> None:
    headers = await as_role("analyst")
    response = await client.get(path, params={"state": ["az", "XX"]}, headers=headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_state"
    assert "XX" in error["message"] and "AZ" not in error["message"]
    # Lower case is still a state.
    ok = await client.get(LEADS, params={"state": "az", "q": batch}, headers=headers)
    assert sorted(names(ok)) == ["Person0", "Person1", "Person4"]
