"""What the partner-API tests share: a partner with leads sold to it, and its client."""

from __future__ import annotations

import csv
import io
import json
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.partners.models import LeadSale, Partner
from app.solar.engine import estimate
from app.solar.schemas import EstimateInput
from tests.partners.support import bearer, make_key, make_lead, make_partner
from tests.partners.test_distribution import isolate, sell
from tests.support.staff import admin_client

LEADS = "/api/v1/b2b/leads"
ACCOUNT = "/api/v1/b2b/account"


@dataclass
class Buyer:
    partner: Partner
    key: str
    lead_ids: list[uuid.UUID]

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.key)


def estimate_for(app: FastAPI, zip_code: str, bill: float = 220) -> dict[str, Any]:
    return estimate(
        EstimateInput(zip_code=zip_code, monthly_bill=bill), app.state.solar_config
    ).model_dump(mode="json")


async def buyer_with_leads(
    app: FastAPI,
    session: AsyncSession,
    count: int,
    *,
    state: str = "AZ",
    zip_code: str = "85004",
    city: str = "Phoenix",
    scopes: list[str] | None = None,
    **partner_fields: Any,
) -> Buyer:
    """A partner buying every lead of ``state`` exclusively, and ``count`` leads sold to
    it by the real worker (every other one with an estimate)."""
    partner = await make_partner(
        session, states=(state,), exclusive=10_000, shared=None, **partner_fields
    )
    lead_ids = []
    for n in range(count):
        outcome = await make_lead(
            session,
            zip_code=zip_code,
            state=state,
            city=city,
            estimate=estimate_for(app, zip_code, 150 + 10 * n) if n % 2 == 0 else None,
        )
        lead_ids.append(outcome.lead.id)
    await session.commit()
    await sell(app)
    key = await make_key(session, partner, scopes=scopes)
    await session.commit()
    return Buyer(partner, key, lead_ids)


async def two_buyers(app: FastAPI, session: AsyncSession, ours: int = 5, theirs: int = 3):
    await isolate(session)
    mine = await buyer_with_leads(app, session, ours)
    other = await buyer_with_leads(
        app, session, theirs, state="CA", zip_code="94103", city="San Francisco"
    )
    return mine, other


async def sales_in_order(session: AsyncSession, partner_id: uuid.UUID) -> list[LeadSale]:
    return list(
        (
            await session.execute(
                sa.select(LeadSale)
                .where(LeadSale.partner_id == partner_id)
                .order_by(LeadSale.sold_at, LeadSale.id)
                .execution_options(populate_existing=True)
            )
        ).scalars()
    )


def b2b_client(app: FastAPI) -> httpx.AsyncClient:
    return admin_client(app)


def next_of(response: httpx.Response, fmt: str) -> str:
    if fmt == "json":
        return response.json()["next_cursor"]
    return response.headers["x-next-cursor"]


def parse(response: httpx.Response, fmt: str) -> list[Any]:
    """The leads of a response: dicts (JSON, NDJSON) or CSV rows as dicts of strings."""
    assert response.status_code == 200, response.text[:500]
    if fmt == "json":
        return response.json()["items"]
    if fmt == "ndjson":
        assert response.headers["content-type"].startswith("application/x-ndjson")
        return [json.loads(line) for line in response.text.splitlines() if line]
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def sale_id_of(item: Any, fmt: str) -> str:
    return item["sale_id"] if fmt == "csv" else item["sale"]["id"]
