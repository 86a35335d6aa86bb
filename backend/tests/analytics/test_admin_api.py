"""``/admin/analytics/*``: the KPIs of real sales, returns and outcomes, read from the
rollups the selling transactions keep; the parameters checked; who may read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import utcnow
from app.partners import returns
from app.partners.service import Who
from tests.partners.selling import file_return, only_these_partners_buy, sell
from tests.partners.support import make_lead as submit_lead
from tests.partners.support import make_partner

ANALYTICS = "/api/v1/admin/analytics"


def _today() -> str:
    return utcnow().date().isoformat()


async def _business(app: FastAPI, session: AsyncSession) -> dict[str, Any]:
    """Two partners; three leads: one sold shared (returned by one buyer, an outcome
    from the other), one sold exclusively, one unqualified (a renter)."""
    await only_these_partners_buy(session)
    alpha = await make_partner(session, name="Alpha Solar", exclusive=6_000, shared=4_000)
    beta = await make_partner(session, name="Beta Solar", exclusive=5_000, shared=3_500)
    shared = (await submit_lead(session, utm={"utm_source": "Google", "utm_campaign": "fall"})).lead
    solo = (await submit_lead(session, max_buyers=1, state="AZ")).lead
    await submit_lead(session, homeowner=False)
    await session.commit()
    shared_sales = await sell(session, shared.id, app.state.settings)
    (solo_sale,) = await sell(session, solo.id, app.state.settings)
    assert len(shared_sales) == 2
    claim = await file_return(session, app.state.settings, shared_sales[0])
    now = utcnow()
    await returns.decide_return(
        session, claim.id, accept=True, note=None, who=Who(via="cli", at=now)
    )
    other = shared_sales[1]
    partner = await session.get(type(alpha), other.partner_id)
    assert partner is not None
    for outcome in ("contacted", "sold"):
        await returns.record_outcome(
            session, partner, other.lead_id, outcome=outcome, occurred_at=now, note=None, now=now
        )
    await session.commit()
    return {
        "alpha": alpha,
        "beta": beta,
        "gross": sum(s.price_cents for s in shared_sales) + solo_sale.price_cents,
        "credit": shared_sales[0].price_cents,
    }


async def test_summary_adds_up_the_day(
    app: FastAPI, client: httpx.AsyncClient, db_session: AsyncSession, as_role
) -> None:
    made = await _business(app, db_session)
    response = await client.get(
        f"{ANALYTICS}/summary",
        params={"from": _today(), "to": _today()},
        headers=await as_role("analyst"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["from"] == body["to"] == _today()
    assert body["previous_to"] == (utcnow().date() - timedelta(days=1)).isoformat()
    current = body["current"]
    assert current["leads"] == 3
    assert current["qualified"] == 2
    assert current["sellable"] == 2
    assert current["sold"] == 2
    assert current["sales"] == 3
    assert current["gross_revenue_cents"] == made["gross"]
    assert current["return_credits_cents"] == made["credit"]
    assert current["net_revenue_cents"] == made["gross"] - made["credit"]
    assert current["returns"] == 1
    assert current["return_rate"] == pytest.approx(1 / 3)
    assert current["outcomes_reported"] == 1
    assert current["won"] == 1
    assert current["close_rate"] == 1.0
    assert current["sell_through"] == 1.0
    assert current["buyers_per_lead"] == 1.5
    assert current["revenue_per_lead_cents"] == round((made["gross"] - made["credit"]) / 3)
    assert body["previous"]["leads"] == 0
    assert body["previous"]["qualified_rate"] is None


async def test_filters_breakdowns_and_timeseries(
    app: FastAPI, client: httpx.AsyncClient, db_session: AsyncSession, as_role
) -> None:
    made = await _business(app, db_session)
    headers = await as_role("manager")
    day = {"from": _today(), "to": _today()}

    google = (
        await client.get(
            f"{ANALYTICS}/summary", params={**day, "source": "google"}, headers=headers
        )
    ).json()["current"]
    assert (google["leads"], google["sold"], google["sales"]) == (1, 1, 2)

    by_partner = (
        await client.get(f"{ANALYTICS}/breakdown", params={**day, "by": "partner"}, headers=headers)
    ).json()
    rows = {row["label"]: row for row in by_partner["rows"]}
    assert set(rows) == {"Alpha Solar", "Beta Solar"}
    assert rows["Alpha Solar"]["key"] == str(made["alpha"].id)
    assert rows["Alpha Solar"]["sales"] + rows["Beta Solar"]["sales"] == 3
    assert sum(r["gross_revenue_cents"] for r in rows.values()) == made["gross"]

    for by, keys in (
        ("tier", None),
        ("state", {"AZ"}),
        ("source", {"google", "(none)"}),
        ("campaign", {"fall", "(none)"}),
    ):
        response = await client.get(
            f"{ANALYTICS}/breakdown", params={**day, "by": by}, headers=headers
        )
        assert response.status_code == 200, response.text
        found = {row["key"] for row in response.json()["rows"]}
        if keys is not None:
            assert found == keys
        assert sum(row["leads"] for row in response.json()["rows"]) == 3

    start = utcnow().date() - timedelta(days=40)
    series = (
        await client.get(
            f"{ANALYTICS}/timeseries",
            params={"from": start.isoformat(), "to": _today(), "interval": "week"},
            headers=headers,
        )
    ).json()
    assert series["interval"] == "week"
    starts = [point["start"] for point in series["points"]]
    assert len(starts) in (6, 7) and starts == sorted(starts)
    assert sum(point["leads"] for point in series["points"]) == 3
    assert series["points"][0]["leads"] == 0  # empty buckets are there, with zeros
    daily = (
        await client.get(
            f"{ANALYTICS}/timeseries",
            params={"from": start.isoformat(), "to": _today(), "interval": "day"},
            headers=headers,
        )
    ).json()
    assert len(daily["points"]) == 41

    only_alpha = (
        await client.get(
            f"{ANALYTICS}/summary",
            params={**day, "partner_id": str(made["alpha"].id)},
            headers=headers,
        )
    ).json()["current"]
    assert only_alpha["sold"] == only_alpha["sales"] == rows["Alpha Solar"]["sales"]

    funnel = (await client.get(f"{ANALYTICS}/funnel", params=day, headers=headers)).json()
    steps = {step["step"]: step["count"] for step in funnel["steps"]}
    assert list(steps) == [
        "visit",
        "chat_started",
        "estimate_shown",
        "contact_given",
        "consented",
        "lead",
        "sold",
    ]
    assert (steps["lead"], steps["sold"]) == (3, 2)
    assert {s["source"] for s in funnel["by_source"]} >= {"google", "(none)"}


@pytest.mark.parametrize(
    ("path", "params", "code"),
    [
        ("summary", {"from": "2026-02-01", "to": "2026-01-01"}, "invalid_period"),
        ("summary", {"from": "2020-01-01", "to": "2026-01-01"}, "period_too_long"),
        ("summary", {"from": "0001-01-01", "to": "0001-01-01"}, "date_out_of_range"),
        ("timeseries", {"from": "9999-12-31", "to": "9999-12-31"}, "date_out_of_range"),
        ("summary", {"from": "2026-01-01", "to": "2026-01-31", "state": "XX"}, "invalid_state"),
        ("summary", {"from": "2026-01-01"}, "validation_error"),
        ("summary", {"from": "2026-13-01", "to": "2026-01-31"}, "validation_error"),
        (
            "breakdown",
            {"from": "2026-01-01", "to": "2026-01-31", "by": "colour"},
            "validation_error",
        ),
        ("breakdown", {"from": "2026-01-01", "to": "2026-01-31"}, "validation_error"),
        (
            "timeseries",
            {"from": "2026-01-01", "to": "2026-01-31", "interval": "hour"},
            "validation_error",
        ),
        ("summary", {"from": "2026-01-01", "to": "2026-01-31", "tier": "D"}, "validation_error"),
        (
            "summary",
            {"from": "2026-01-01", "to": "2026-01-31", "partner_id": "x"},
            "validation_error",
        ),
    ],
)
async def test_bad_parameters_are_422_saying_why(
    client: httpx.AsyncClient, as_role, path: str, params: dict[str, str], code: str
) -> None:
    response = await client.get(
        f"{ANALYTICS}/{path}", params=params, headers=await as_role("analyst")
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code
    if code == "invalid_state":
        assert "XX" in response.json()["error"]["message"]


@pytest.mark.parametrize("path", ["summary", "timeseries", "breakdown", "funnel"])
@pytest.mark.parametrize(
    ("role", "status"), [(None, 401), ("analyst", 200), ("manager", 200), ("admin", 200)]
)
async def test_who_may_read(
    client: httpx.AsyncClient, as_role, path: str, role: str | None, status: int
) -> None:
    params = {"from": "2026-01-01", "to": "2026-01-31", "by": "tier"}
    headers = await as_role(role) if role else {}
    response = await client.get(f"{ANALYTICS}/{path}", params=params, headers=headers)
    assert response.status_code == status, response.text
