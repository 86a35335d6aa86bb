"""The public face of analytics: ``POST /events``, where the public site reports page
views, funnel steps and Core Web Vitals (no auth, ``RATE_LIMIT_EVENTS`` per client IP,
CORS for the site's origins like every public route)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request

from app.analytics import events
from app.analytics.schemas import Accepted, EventBatch
from app.core.db import SessionDep, utcnow
from app.core.errors import RateLimited, ValidationFailed, responses
from app.core.ratelimit import events_rate_limit
from app.core.security import secret_key

router = APIRouter(tags=["analytics"])


def _visit_key(request: Request) -> str:
    root = secret_key(request.app.state.settings).encode()
    return hmac.new(root, b"aurum/analytics-visits", hashlib.sha256).hexdigest()


def _opted_out(value: str | None) -> bool:
    return (value or "").strip() == "1"


@router.post(
    "/events",
    status_code=202,
    response_model=Accepted,
    dependencies=[Depends(events_rate_limit)],
    responses=responses(ValidationFailed, RateLimited),
)
async def report_events(
    request: Request,
    batch: EventBatch,
    session: SessionDep,
    sec_gpc: Annotated[str | None, Header(include_in_schema=False)] = None,
    dnt: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Accepted:
    """1 to 50 events of one page session: page views and funnel steps become daily
    counts per step, UTM source and campaign (a session's visit counted once a day),
    web vitals go into the server's histograms. Nothing per person is kept. With
    `Sec-GPC: 1` or `DNT: 1` nothing is stored and the answer is `{"accepted": 0}`."""
    if _opted_out(sec_gpc) or _opted_out(dnt):
        return Accepted(accepted=0)
    accepted = await events.record(
        session,
        batch,
        now=utcnow(),
        secret=_visit_key(request),
        vitals=request.app.state.web_vitals,
    )
    return Accepted(accepted=accepted)
