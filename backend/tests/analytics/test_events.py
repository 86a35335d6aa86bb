"""``POST /events``: the public site's funnel steps and web vitals, counted per day and
never per person; Global Privacy Control and Do Not Track honoured; no personal data
accepted; batches bounded; a quota of its own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.analytics.models import FunnelDaily, VisitSession
from app.analytics.vitals import percentile, snapshot
from app.core.db import utcnow

EVENTS = "/api/v1/events"


def session_id() -> str:
    return uuid.uuid4().hex


def batch(*events: dict[str, Any], session: str | None = None) -> dict[str, Any]:
    return {"session": session or session_id(), "events": list(events)}


def view(path: str = "/", **utm: str) -> dict[str, Any]:
    return {"type": "page_view", "path": path, **utm}


async def funnel_counts(db_session: AsyncSession) -> dict[tuple[str, str, str], int]:
    rows = await db_session.execute(
        sa.select(FunnelDaily.step, FunnelDaily.source, FunnelDaily.campaign, FunnelDaily.count)
    )
    return {(step, source, campaign): count for step, source, campaign, count in rows}


async def test_steps_become_daily_counts_and_a_visit_counts_once_per_session(
    client: httpx.AsyncClient, db_session: AsyncSession, as_role
) -> None:
    first = session_id()
    one = batch(
        view("/", source="Google", campaign="Fall"),
        view("/estimate", source="google", campaign="fall"),
        {"type": "chat_started", "path": "/", "source": "google", "campaign": "fall"},
        session=first,
    )
    response = await client.post(EVENTS, json=one)
    assert response.status_code == 202, response.text
    assert response.json() == {"accepted": 3}
    again = batch(view("/about", source="google", campaign="fall"), session=first)
    assert (await client.post(EVENTS, json=again)).json() == {"accepted": 1}
    other = batch(view(), {"type": "estimate_shown"}, {"type": "consented"})
    assert (await client.post(EVENTS, json=other)).status_code == 202

    counts = await funnel_counts(db_session)
    assert counts[("visit", "google", "fall")] == 1  # one session, three page views
    assert counts[("chat_started", "google", "fall")] == 1
    assert counts[("visit", "(none)", "(none)")] == 1
    assert counts[("estimate_shown", "(none)", "(none)")] == 1
    # Only a keyed hash of each session, for the day: no session id, path or address.
    hashes = list((await db_session.execute(sa.select(VisitSession.session_hash))).scalars())
    assert first not in hashes and len(hashes) == 2

    today = utcnow().date().isoformat()
    funnel = (
        await client.get(
            "/api/v1/admin/analytics/funnel",
            params={"from": today, "to": today},
            headers=await as_role("analyst"),
        )
    ).json()
    steps = {step["step"]: step for step in funnel["steps"]}
    assert steps["visit"]["count"] == 2
    assert steps["chat_started"]["rate_from_start"] == 0.5
    google = next(s for s in funnel["by_source"] if s["source"] == "google")
    assert [s["count"] for s in google["steps"]][:2] == [1, 1]


@pytest.mark.parametrize("header", [{"Sec-GPC": "1"}, {"DNT": "1"}])
async def test_global_privacy_control_and_do_not_track_store_nothing(
    client: httpx.AsyncClient, db_session: AsyncSession, app: FastAPI, header: dict[str, str]
) -> None:
    before = await funnel_counts(db_session)
    vitals_before = {v["name"]: v["count"] for v in snapshot(app)}
    body = batch(view(), {"type": "web_vital", "name": "LCP", "value": 1200})
    response = await client.post(EVENTS, json=body, headers=header)
    assert response.status_code == 202
    assert response.json() == {"accepted": 0}
    assert await funnel_counts(db_session) == before
    assert {v["name"]: v["count"] for v in snapshot(app)} == vitals_before


@pytest.mark.parametrize(
    "body",
    [
        batch(view("/thanks?email=pat@example.com")),  # a query string
        batch(view("/?utm_source=x")),
        batch(view("/people/pat@example.com")),  # an e-mail address
        batch(view("/call/6025550123")),  # a phone number
        batch(view("/", source="pat@example.com")),
        batch(view("/", campaign="lead-6025550123")),
        batch({**view(), "email": "pat@example.com"}),  # unknown fields
        batch({**view(), "name": "LCP", "value": 3}),  # vitals fields on a step
        batch({"type": "web_vital", "name": "LCP"}),  # a vital without a value
        batch({"type": "web_vital", "name": "TTFB", "value": 10}),
        batch({"type": "web_vital", "name": "CLS", "value": -1}),
        batch({"type": "purchase"}),
        {"session": "short", "events": [view()]},
        {"session": "has spaces in it", "events": [view()]},
        {"session": session_id(), "events": []},
        {"session": session_id(), "events": [view()] * 51},
        {"session": session_id(), "events": [view()], "ip": "203.0.113.9"},
    ],
)
async def test_personal_data_and_oversized_batches_are_refused(
    client: httpx.AsyncClient, db_session: AsyncSession, body: dict[str, Any]
) -> None:
    before = await funnel_counts(db_session)
    response = await client.post(EVENTS, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "validation_error"
    assert await funnel_counts(db_session) == before


async def test_a_full_batch_is_accepted(client: httpx.AsyncClient) -> None:
    response = await client.post(EVENTS, json={"session": session_id(), "events": [view()] * 50})
    assert response.status_code == 202
    assert response.json() == {"accepted": 50}


async def test_web_vitals_reach_the_histograms_and_the_snapshot(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    before = {v["name"]: v["count"] for v in snapshot(app)}
    body = batch(
        {"type": "web_vital", "name": "LCP", "value": 1800, "rating": "good", "path": "/"},
        {"type": "web_vital", "name": "INP", "value": 120},
        {"type": "web_vital", "name": "CLS", "value": 0.05, "rating": "good"},
    )
    assert (await client.post(EVENTS, json=body)).json() == {"accepted": 3}
    after = {v["name"]: v for v in snapshot(app)}
    assert {name: after[name]["count"] - before[name] for name in after} == {
        "LCP": 1,
        "INP": 1,
        "CLS": 1,
    }
    assert all(after[name]["p75"] is not None for name in after)
    text = (await client.get("/metrics")).text
    assert 'aurum_web_vitals_seconds_count{name="LCP"}' in text
    assert "aurum_web_vitals_cls_count" in text


def test_p75_is_interpolated_like_histogram_quantile() -> None:
    # 4 observations: 2 up to 1 s, 2 more up to 2 s; the 3rd of 4 sits half-way in (1, 2].
    assert percentile([(1.0, 2), (2.0, 4), (float("inf"), 4)], 0.75) == (1.5, 4)
    assert percentile([(1.0, 0), (float("inf"), 0)], 0.75) == (None, 0)


@pytest.fixture
def tight_quota(app: FastAPI) -> Iterator[None]:
    original = app.state.settings
    app.state.settings = original.model_copy(update={"rate_limit_events": "3/minute"})
    try:
        yield
    finally:
        app.state.settings = original


async def test_event_batches_have_a_quota_of_their_own(
    tight_quota: None, client: httpx.AsyncClient
) -> None:
    for _ in range(3):
        assert (await client.post(EVENTS, json=batch(view()))).status_code == 202
    refused = await client.post(EVENTS, json=batch(view()))
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
    # The chat's quota is another one: the homeowner can still get an estimate.
    assert (await client.get("/api/v1/leads/consent-disclosure")).status_code == 200
