"""``/b2b``: the partner's API. Its leads (JSON pages, NDJSON or CSV streams), returns
and outcomes, and its own account. Authenticated by API key (``b2b_deps``); every route
names the scope it needs; a partner only ever sees its own sales."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse

from app.core.db import SessionDep, SessionFactoryDep
from app.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    ValidationFailed,
    responses,
)
from app.partners import account, exports, items, returns
from app.partners.b2b_deps import (
    AccountReader,
    AccountWriter,
    LeadsReader,
    OutcomesWriter,
    ReturnsWriter,
)
from app.partners.b2b_schemas import (
    AccountUpdate,
    B2BAccount,
    B2BLead,
    B2BLeadPage,
    B2BOutcome,
    B2BReturn,
    ExportFormat,
    OutcomeRequest,
    ReturnRequest,
)

router = APIRouter(prefix="/b2b", tags=["b2b"])

_COMMON = (Unauthorized, Forbidden, ValidationFailed, RateLimited)
_CURSOR_HEADERS = {
    "X-Next-Cursor": {
        "description": "The `cursor` of the next page; empty when this page is the last.",
        "schema": {"type": "string"},
    },
    "X-Resume-Cursor": {
        "description": "Where to poll from later (see `resume_cursor`).",
        "schema": {"type": "string"},
    },
}


def _return_window(request: Request) -> int:
    return request.app.state.settings.return_window_days


@router.get(
    "/leads",
    response_model=B2BLeadPage,
    responses={
        200: {
            "description": "`format=json`: a page. `ndjson`: one lead (the same object as a "
            "page item) per line. `csv`: one lead per row, with a header row.",
            "headers": _CURSOR_HEADERS,
            "content": {
                "application/x-ndjson": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        },
        **responses(*_COMMON),
    },
)
async def list_leads(
    principal: LeadsReader,
    request: Request,
    response: Response,
    session: SessionDep,
    session_factory: SessionFactoryDep,
    cursor: Annotated[
        str | None, Query(max_length=512, description="From `next_cursor` or `resume_cursor`.")
    ] = None,
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            le=exports.STREAM_LIMIT,
            description="JSON: 1 to 1000 (100 by default). NDJSON and CSV: 1 to 1,000,000 "
            "(1,000,000 by default).",
        ),
    ] = None,
    format: Annotated[ExportFormat, Query(description="`json`, `ndjson` or `csv`.")] = "json",
) -> B2BLeadPage | StreamingResponse:
    """The leads sold to you, oldest sale first, after `cursor`: contact details,
    answers, the estimate, score and factors, the sale's receipt, the proof of consent,
    and your return and outcomes of each. Follow `next_cursor` (empty at the end) to
    page through; keep `resume_cursor` to fetch only newer sales later. NDJSON and CSV
    stream any number of leads in one response, with the cursors in the `X-Next-Cursor`
    and `X-Resume-Cursor` headers; CSV cells a spreadsheet would run as formulas start
    with an apostrophe. Scope `leads:read`."""
    if format == "json" and limit is not None and limit > exports.JSON_LIMIT:
        raise ValidationFailed(
            f"limit is at most {exports.JSON_LIMIT} with format=json; use format=ndjson or "
            "format=csv for more in one response.",
            code="limit_too_large",
            details={"max_limit": exports.JSON_LIMIT},
        )
    if limit is None:
        limit = exports.JSON_DEFAULT_LIMIT if format == "json" else exports.STREAM_LIMIT
    window = await exports.find_window(session, principal.id, cursor, limit, principal.now)
    days = _return_window(request)
    headers = {"X-Next-Cursor": window.next_cursor, "X-Resume-Cursor": window.resume_cursor}
    if format == "json":
        found = await exports.page(session, window, return_window_days=days)
        response.headers.update(headers)
        return B2BLeadPage(
            items=found, next_cursor=window.next_cursor, resume_cursor=window.resume_cursor
        )
    if format == "ndjson":
        body = exports.stream_ndjson(session_factory, window, return_window_days=days)
        return StreamingResponse(body, media_type="application/x-ndjson", headers=headers)
    if request.app.state.db.backend == "postgresql":
        body = exports.stream_copy(session_factory, window, return_window_days=days)
    else:
        body = exports.stream_csv_rows(session_factory, window, return_window_days=days)
    filename = f"leads-{principal.now:%Y%m%d-%H%M%S}.csv"
    headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return StreamingResponse(body, media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/leads/{lead_id}", response_model=B2BLead, responses=responses(*_COMMON, NotFound))
async def get_lead(
    lead_id: uuid.UUID, principal: LeadsReader, request: Request, session: SessionDep
) -> B2BLead:
    """One lead sold to you, as in the list. 404 `lead_not_found` when it was not sold
    to you. Scope `leads:read`."""
    sale = await returns.sale_of(session, principal.id, lead_id)
    item = await items.item_for_sale(session, sale.id, return_window_days=_return_window(request))
    assert item is not None  # the sale was just read
    return item


@router.post(
    "/leads/{lead_id}/return",
    response_model=B2BReturn,
    status_code=201,
    responses=responses(*_COMMON, NotFound, Conflict),
)
async def return_lead(
    lead_id: uuid.UUID,
    body: ReturnRequest,
    principal: ReturnsWriter,
    request: Request,
    session: SessionDep,
) -> B2BReturn:
    """Return a bad lead with a reason; Aurum reviews it with the consent record, the
    submissions and any duplicate links, and credits the price when it accepts. Within
    `RETURN_WINDOW_DAYS` of the sale (409 `return_window_closed`), at most
    `RETURN_CAP_PCT` % of this month's purchases (409 `return_cap_reached`), once per
    lead (409 `return_exists`). Scope `returns:write`."""
    claim = await returns.file_return(
        session,
        principal.partner,
        lead_id,
        reason=body.reason,
        note=body.note,
        now=principal.now,
        settings=request.app.state.settings,
    )
    return B2BReturn.model_validate(claim, from_attributes=True)


@router.post(
    "/leads/{lead_id}/outcome",
    response_model=B2BOutcome,
    status_code=201,
    responses=responses(*_COMMON, NotFound),
)
async def record_outcome(
    lead_id: uuid.UUID, body: OutcomeRequest, principal: OutcomesWriter, session: SessionDep
) -> B2BOutcome:
    """Report what happened with a lead: `contacted`, `appointment_set`, `quoted`,
    `sold`, `unreachable` or `not_interested`, and when (not in the future, not before
    you bought it: 422). Report each step; they add up to your close rate. Scope
    `outcomes:write`."""
    row = await returns.record_outcome(
        session,
        principal.partner,
        lead_id,
        outcome=body.outcome,
        occurred_at=body.occurred_at,
        note=body.note,
        now=principal.now,
    )
    return B2BOutcome.model_validate(row, from_attributes=True)


@router.get("/account", response_model=B2BAccount, responses=responses(*_COMMON))
async def get_account(
    principal: AccountReader, request: Request, session: SessionDep
) -> B2BAccount:
    """Your balance and billing, prices, caps with what is used and left this day, week
    and month (your time zone), service area and the states it may cover, status, and
    notices that need your attention. Scope `account:read`."""
    return await account.account_view(session, principal, request.app.state.settings)


@router.patch(
    "/account",
    response_model=B2BAccount,
    responses=responses(*_COMMON, Conflict),
)
async def update_account(
    body: AccountUpdate, principal: AccountWriter, request: Request, session: SessionDep
) -> B2BAccount:
    """Change what Aurum lets you change yourself: pause or resume buying (`status`),
    your caps up to `cap_limits` (422 `cap_above_limit`), and your service area within
    `allowed_states` (422 `outside_allowed_states` names what reaches outside). Send only
    what changes. Audited. Scope `account:write`."""
    await account.update_account(session, principal, body)
    return await account.account_view(session, principal, request.app.state.settings)
