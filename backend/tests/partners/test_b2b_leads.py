"""``GET /b2b/leads`` and ``/b2b/leads/{id}``: cursors, the three formats, CSV safety,
and a partner seeing only its own leads."""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.csv_export import safe_cell
from app.core.db import utcnow
from app.leads.models import ConsentRecord
from app.partners import items
from app.partners.b2b_schemas import B2BLead
from app.partners.models import LeadSale
from tests.conftest import SERVICES
from tests.partners.b2b import (
    LEADS,
    b2b_client,
    buyer_with_leads,
    next_of,
    parse,
    sale_id_of,
    sales_in_order,
    two_buyers,
)
from tests.partners.support import make_lead
from tests.partners.test_distribution import isolate, sell

FORMATS = ["json", "ndjson", "csv"]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_cursor_pages_cover_every_sale_once_oldest_first(
    app: FastAPI, db_session: AsyncSession, fmt: str
) -> None:
    mine, _other = await two_buyers(app, db_session, ours=7, theirs=2)
    sales = await sales_in_order(db_session, mine.partner.id)
    # Three sales in the same microsecond: the sale id breaks the tie.
    same = sales[1].sold_at
    await db_session.execute(
        sa.update(LeadSale).where(LeadSale.id.in_([s.id for s in sales[1:4]])).values(sold_at=same)
    )
    await db_session.commit()
    expected = [str(s.id) for s in await sales_in_order(db_session, mine.partner.id)]
    assert len(expected) == 7

    seen: list[str] = []
    sizes = []
    cursor = None
    async with b2b_client(app) as http:
        for _ in range(10):
            params = {"format": fmt, "limit": 3, **({"cursor": cursor} if cursor else {})}
            response = await http.get(LEADS, params=params, headers=mine.headers)
            page = parse(response, fmt)
            sizes.append(len(page))
            seen += [sale_id_of(item, fmt) for item in page]
            assert response.headers["x-next-cursor"] == next_of(response, fmt)
            cursor = next_of(response, fmt)
            if not cursor:
                break
    assert seen == expected  # each once, oldest sale first, none of the other partner's
    assert sizes == [3, 3, 1]


async def test_the_three_formats_agree(app: FastAPI, db_session: AsyncSession) -> None:
    mine, _other = await two_buyers(app, db_session, ours=4, theirs=1)
    async with b2b_client(app) as http:
        # A return and two outcomes, so those columns have something to agree on.
        first, second = mine.lead_ids[0], mine.lead_ids[1]
        filed = await http.post(
            f"{LEADS}/{first}/return",
            json={"reason": "bad_contact", "note": "number disconnected"},
            headers=mine.headers,
        )
        assert filed.status_code == 201, filed.text
        for outcome in ("contacted", "appointment_set"):
            recorded = await http.post(
                f"{LEADS}/{second}/outcome",
                json={"outcome": outcome, "occurred_at": utcnow().isoformat()},
                headers=mine.headers,
            )
            assert recorded.status_code == 201, recorded.text

        pages = {
            fmt: parse(await http.get(LEADS, params={"format": fmt}, headers=mine.headers), fmt)
            for fmt in FORMATS
        }
        csv_text = (await http.get(LEADS, params={"format": "csv"}, headers=mine.headers)).text
    header = csv_text.splitlines()[0]
    # PostgreSQL's COPY ends lines with \n, core.csv_export with \r\n: the path taken.
    assert ("\r\n" not in csv_text) == SERVICES

    as_json = pages["json"]
    assert len(as_json) == 4
    assert pages["ndjson"] == as_json
    assert next(csv.reader(io.StringIO(header))) == items.CSV_COLUMNS
    expected_rows = [
        dict(
            zip(
                items.CSV_COLUMNS,
                (safe_cell(v) for v in items.csv_row(B2BLead.model_validate(item))),
                strict=True,
            )
        )
        for item in as_json
    ]
    # On PostgreSQL the CSV is computed in SQL: this holds it to the Python view.
    assert pages["csv"] == expected_rows
    by_lead = {row["lead_id"]: row for row in pages["csv"]}
    assert by_lead[str(first)]["return_status"] == "pending"
    assert by_lead[str(first)]["return_reason"] == "bad_contact"
    assert by_lead[str(second)]["last_outcome"] == "appointment_set"
    assert by_lead[str(second)]["outcome_count"] == "2"
    with_estimate = [row for row in pages["csv"] if row["system_size_kw"]]
    assert with_estimate and all(int(row["gross_cost_cents"]) > 0 for row in with_estimate)


async def test_one_lead_is_whole_with_its_consent_proof(
    app: FastAPI, db_session: AsyncSession
) -> None:
    mine, _ = await two_buyers(app, db_session, ours=1, theirs=1)
    lead_id = mine.lead_ids[0]
    consent = (
        await db_session.execute(sa.select(ConsentRecord).where(ConsentRecord.lead_id == lead_id))
    ).scalar_one()
    async with b2b_client(app) as http:
        one = await http.get(f"{LEADS}/{lead_id}", headers=mine.headers)
        listed = (await http.get(LEADS, headers=mine.headers)).json()["items"]
    assert one.status_code == 200, one.text
    item = one.json()
    assert listed == [item]
    assert item["contact"]["email"].startswith("pat.") and item["contact"]["phone"]
    assert item["consent"] == {
        "disclosure_version": consent.disclosure_version,
        "disclosure_sha256": hashlib.sha256(consent.disclosure_text.encode()).hexdigest(),
        "max_buyers": 3,
        "given_at": item["consent"]["given_at"],
        "ip": "203.0.113.5",
        "user_agent": "pytest",
        "source": "form",
    }
    assert item["sale"]["price_cents"] == 10_000 and item["sale"]["exclusive"] is True
    assert item["receipt"]["price_rule"] == f"{item['tier']}.exclusive"
    assert item["estimate"]["gross_cost_cents"] > 0
    assert item["score_factors"] and item["return_request"] is None and item["outcomes"] == []
    assert "notes" not in item and "utm" not in item  # staff-only facts stay home


async def test_a_partner_never_sees_another_partners_lead(
    app: FastAPI, db_session: AsyncSession
) -> None:
    mine, other = await two_buyers(app, db_session, ours=2, theirs=2)
    theirs = other.lead_ids[0]
    async with b2b_client(app) as http:
        listed = (await http.get(LEADS, headers=mine.headers)).json()["items"]
        assert {item["lead_id"] for item in listed} == {str(i) for i in mine.lead_ids}
        for lead_id in (theirs, uuid.uuid4()):
            answers = [
                await http.get(f"{LEADS}/{lead_id}", headers=mine.headers),
                await http.post(
                    f"{LEADS}/{lead_id}/return", json={"reason": "duplicate"}, headers=mine.headers
                ),
                await http.post(
                    f"{LEADS}/{lead_id}/outcome",
                    json={"outcome": "contacted", "occurred_at": utcnow().isoformat()},
                    headers=mine.headers,
                ),
            ]
            assert [a.status_code for a in answers] == [404, 404, 404]
            assert {a.json()["error"]["code"] for a in answers} == {"lead_not_found"}
        # The other partner still sees its lead, untouched.
        own = await http.get(f"{LEADS}/{theirs}", headers=other.headers)
        assert own.status_code == 200 and own.json()["return_request"] is None


async def test_csv_cells_that_would_be_formulas_are_neutralised(
    app: FastAPI, db_session: AsyncSession
) -> None:
    await isolate(db_session)
    buyer = await buyer_with_leads(app, db_session, 0)
    hostile = await make_lead(
        db_session,
        first_name='=HYPERLINK("http://evil.example","x")',
        last_name="+1+2",
        street_address="@SUM(A1:A9)",
        city="-cmd",
    )
    await db_session.commit()
    await sell(app)
    async with b2b_client(app) as http:
        [row] = parse(await http.get(LEADS, params={"format": "csv"}, headers=buyer.headers), "csv")
        [item] = (await http.get(LEADS, headers=buyer.headers)).json()["items"]
    assert row["lead_id"] == str(hostile.lead.id)
    assert row["first_name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["last_name"] == "'+1+2"
    assert row["street_address"] == "'@SUM(A1:A9)"
    assert row["city"] == "'-cmd"
    assert row["phone"].startswith("'+1")  # E.164 starts with +: text, not a sum
    assert row["first_name"].lstrip("'") == item["contact"]["first_name"]  # JSON is as given


async def test_resume_cursor_never_skips_a_sale_still_settling(
    app: FastAPI, db_session: AsyncSession, clock
) -> None:
    await isolate(db_session)
    buyer = await buyer_with_leads(app, db_session, 2)
    async with b2b_client(app) as http:
        fresh = (await http.get(LEADS, headers=buyer.headers)).json()
        assert len(fresh["items"]) == 2 and fresh["next_cursor"] == ""
        assert fresh["resume_cursor"] == ""  # both just sold: shown again next time

        clock.advance(minutes=2)
        settled = (await http.get(LEADS, headers=buyer.headers)).json()
        resume = settled["resume_cursor"]
        assert resume
        later = await make_lead(db_session)
        await db_session.commit()
        await sell(app)
        polled = (await http.get(LEADS, params={"cursor": resume}, headers=buyer.headers)).json()
    assert [i["lead_id"] for i in polled["items"]] == [str(later.lead.id)]


async def test_bad_cursors_and_limits_are_422(app: FastAPI, db_session: AsyncSession) -> None:
    await isolate(db_session)
    buyer = await buyer_with_leads(app, db_session, 0)
    async with b2b_client(app) as http:
        cases = [
            ({"cursor": "not-a-cursor"}, "invalid_cursor"),
            ({"limit": 1001}, "limit_too_large"),
            ({"limit": 0}, "validation_error"),
            ({"limit": 1_000_001, "format": "csv"}, "validation_error"),
            ({"format": "xml"}, "validation_error"),
        ]
        for params, code in cases:
            response = await http.get(LEADS, params=params, headers=buyer.headers)
            assert response.status_code == 422, (params, response.text)
            assert response.json()["error"]["code"] == code
        empty = await http.get(LEADS, params={"format": "csv"}, headers=buyer.headers)
    assert empty.status_code == 200
    assert empty.text.splitlines() == [",".join(items.CSV_COLUMNS)]
    assert empty.headers["x-next-cursor"] == ""


async def test_a_later_consent_does_not_replace_the_one_the_sale_relied_on(
    app: FastAPI, db_session: AsyncSession
) -> None:
    await isolate(db_session)
    buyer = await buyer_with_leads(app, db_session, 1)
    lead_id = buyer.lead_ids[0]
    db_session.add(
        ConsentRecord(
            id=uuid.uuid4(),
            lead_id=lead_id,
            source="chat",
            disclosure_version="later",
            disclosure_text="later text",
            max_buyers=1,
            given_at=utcnow() + timedelta(minutes=1),
            ip="198.51.100.1",
            user_agent="later",
        )
    )
    await db_session.commit()
    async with b2b_client(app) as http:
        item = (await http.get(f"{LEADS}/{lead_id}", headers=buyer.headers)).json()
        [row] = parse(await http.get(LEADS, params={"format": "csv"}, headers=buyer.headers), "csv")
    assert item["consent"]["source"] == "form" and item["consent"]["max_buyers"] == 3
    assert row["consent_source"] == "form" and row["consent_user_agent"] == "pytest"
