"""The staff face of selling: ``/admin/partners`` (with their API keys and ledger),
``/admin/sales`` and ``/admin/returns``.

Analysts read everything here, the homeowner behind a sale or return masked; managers
and admins change partners, keys and balances and decide returns. The services record
every change in the audit log with who made it (``Who(via="api")``).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Body, Query, Response

from app.admin.deps import AnalystAccess, ManagerAccess, Principal
from app.core.datetimes import UTCDatetime
from app.core.db import SessionDep
from app.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    ValidationFailed,
    responses,
)
from app.core.pagination import DEFAULT_LIMIT, MAX_LIMIT
from app.partners import keys, queries, returns, service
from app.partners.admin_schemas import (
    ApiKeyCreate,
    ApiKeyList,
    ApiKeyOut,
    ApiKeyRotate,
    IssuedApiKey,
    LedgerEntryOut,
    LedgerPage,
    LedgerPost,
    PartnerCreate,
    PartnerDetail,
    PartnerList,
    PartnerOutcomes,
    PartnerStatus,
    PartnerUpdate,
    ReturnDecision,
    ReturnOut,
    ReturnPage,
    ReturnStatus,
    RotatedApiKey,
    SaleMode,
    SalePage,
    SaleStatus,
)

_COMMON = (Unauthorized, Forbidden, ValidationFailed, RateLimited)
# A secret in a response: no cache anywhere may keep it.
_SECRET_HEADERS = {
    "Cache-Control": {
        "description": "`no-store`: the secret is shown once and never cached.",
        "schema": {"type": "string"},
    }
}

Cursor = Annotated[str | None, Query(max_length=512, description="From `next_cursor`.")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]


def _who(principal: Principal) -> service.Who:
    return service.Who(via="api", at=principal.now, user=principal.user, ip=principal.ip)


# --- partners ------------------------------------------------------------------------------

partners = APIRouter(prefix="/partners", tags=["admin_partners"])


@partners.get("", response_model=PartnerList, responses=responses(*_COMMON))
async def list_partners(
    principal: AnalystAccess,
    session: SessionDep,
    status: Annotated[PartnerStatus | None, Query(description="Only this status.")] = None,
    q: Annotated[
        str | None, Query(max_length=120, description="Part of the name, any case.")
    ] = None,
) -> PartnerList:
    """Every partner by name, with its balance, caps used in its current day, week and
    month, and how many leads it bought. Analyst role or higher."""
    items = await queries.list_partners(session, status=status, q=q, now=principal.now)
    return PartnerList(items=items)


@partners.post(
    "",
    response_model=PartnerDetail,
    status_code=201,
    responses=responses(*_COMMON),
)
async def create_partner(
    body: PartnerCreate, principal: ManagerAccess, session: SessionDep
) -> PartnerDetail:
    """Add a partner (active, balance zero: top it up before it can buy on prepaid
    billing). Unsold open leads are offered again. Audited as `partner.create`. Manager
    role or higher."""
    partner = await service.create_partner(
        session, body.model_dump(exclude_unset=True), _who(principal)
    )
    return await queries.partner_detail(session, partner.id, principal.now)


@partners.get(
    "/{partner_id}", response_model=PartnerDetail, responses=responses(*_COMMON, NotFound)
)
async def get_partner(
    partner_id: uuid.UUID, principal: AnalystAccess, session: SessionDep
) -> PartnerDetail:
    """One partner in full: service area, filters, prices, caps and their limits,
    allowed states, billing and balance, keys, sales and returns. Analyst role or
    higher."""
    return await queries.partner_detail(session, partner_id, principal.now)


@partners.patch(
    "/{partner_id}", response_model=PartnerDetail, responses=responses(*_COMMON, NotFound)
)
async def update_partner(
    partner_id: uuid.UUID, body: PartnerUpdate, principal: ManagerAccess, session: SessionDep
) -> PartnerDetail:
    """Change any of a partner's fields (send only what changes) or its `status`:
    `paused` stops its sales, `active` resumes them (open leads are offered again),
    `suspended` also keeps the partner from resuming itself. Caps above `cap_limits` are
    422 `cap_above_limit`. Audited as `partner.update` and `partner.status_changed`.
    Manager role or higher."""
    await service.update_partner(
        session, partner_id, body.model_dump(exclude_unset=True), _who(principal)
    )
    return await queries.partner_detail(session, partner_id, principal.now)


# --- API keys ------------------------------------------------------------------------------


@partners.get(
    "/{partner_id}/api-keys", response_model=ApiKeyList, responses=responses(*_COMMON, NotFound)
)
async def list_api_keys(
    partner_id: uuid.UUID, principal: AnalystAccess, session: SessionDep
) -> ApiKeyList:
    """The partner's API keys, newest first (revoked and expired ones too): prefix,
    name, scopes, when created, last used and when they expire. Never a secret. Analyst
    role or higher."""
    return ApiKeyList(items=await queries.list_keys(session, partner_id, principal.now))


@partners.post(
    "/{partner_id}/api-keys",
    response_model=IssuedApiKey,
    status_code=201,
    responses={201: {"headers": _SECRET_HEADERS}, **responses(*_COMMON, NotFound)},
)
async def create_api_key(
    partner_id: uuid.UUID,
    body: ApiKeyCreate,
    principal: ManagerAccess,
    session: SessionDep,
    response: Response,
) -> IssuedApiKey:
    """Issue a key for the B2B API. The response holds the whole key, this once: only
    its hash is stored. Audited as `api_key.create`. Manager role or higher."""
    if body.expires_at is not None and body.expires_at <= principal.now:
        raise ValidationFailed("expires_at must be in the future.", code="invalid_expiry")
    issued = await service.issue_key(
        session,
        partner_id,
        name=body.name,
        scopes=list(body.scopes),
        who=_who(principal),
        expires_at=body.expires_at,
    )
    response.headers["Cache-Control"] = "no-store"
    return IssuedApiKey(key=queries.key_out(issued.key, principal.now), secret=issued.secret)


@partners.post(
    "/{partner_id}/api-keys/{key_id}/rotate",
    response_model=RotatedApiKey,
    status_code=201,
    responses={201: {"headers": _SECRET_HEADERS}, **responses(*_COMMON, NotFound, Conflict)},
)
async def rotate_api_key(
    partner_id: uuid.UUID,
    key_id: uuid.UUID,
    principal: ManagerAccess,
    session: SessionDep,
    response: Response,
    body: Annotated[ApiKeyRotate | None, Body()] = None,
) -> RotatedApiKey:
    """Issue a new key with the same name and scopes (its secret in the response, this
    once); the old key keeps working for `overlap_hours` (24 by default) so the partner
    can switch without downtime. A revoked or expired key is 409 `api_key_not_live`.
    Audited as `api_key.rotate`. Manager role or higher."""
    overlap = timedelta(hours=(body or ApiKeyRotate()).overlap_hours)
    issued = await service.rotate_key(
        session, partner_id, key_id, who=_who(principal), overlap=overlap
    )
    previous = await keys.get_key(session, partner_id, key_id)
    response.headers["Cache-Control"] = "no-store"
    return RotatedApiKey(
        key=queries.key_out(issued.key, principal.now),
        secret=issued.secret,
        previous=queries.key_out(previous, principal.now),
    )


@partners.post(
    "/{partner_id}/api-keys/{key_id}/revoke",
    response_model=ApiKeyOut,
    responses=responses(*_COMMON, NotFound),
)
async def revoke_api_key(
    partner_id: uuid.UUID, key_id: uuid.UUID, principal: ManagerAccess, session: SessionDep
) -> ApiKeyOut:
    """Stop a key now: the next request with it is refused. Revoking a revoked key
    changes nothing. Audited as `api_key.revoke`. Manager role or higher."""
    await service.get_partner(session, partner_id)
    key = await service.revoke_key(session, partner_id, key_id, who=_who(principal))
    return queries.key_out(key, principal.now)


# --- the ledger ----------------------------------------------------------------------------


@partners.get(
    "/{partner_id}/ledger", response_model=LedgerPage, responses=responses(*_COMMON, NotFound)
)
async def list_ledger_entries(
    partner_id: uuid.UUID,
    principal: AnalystAccess,
    session: SessionDep,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> LedgerPage:
    """The partner's money movements, newest first, a page at a time (follow
    `next_cursor`): top-ups, sale charges, return credits, adjustments, each with the
    balance after it. The balance is their sum. Analyst role or higher."""
    return await queries.list_ledger(session, partner_id, cursor=cursor, limit=limit)


@partners.post(
    "/{partner_id}/ledger",
    response_model=LedgerEntryOut,
    status_code=201,
    responses=responses(*_COMMON, NotFound),
)
async def post_ledger_entry(
    partner_id: uuid.UUID, body: LedgerPost, principal: ManagerAccess, session: SessionDep
) -> LedgerEntryOut:
    """Record money received (`topup`, positive) or a correction (`adjustment`, either
    sign), in integer cents. Leads the partner could not afford are offered again.
    Audited as `partner.ledger_entry`. Manager role or higher."""
    entry = await service.topup(
        session,
        partner_id,
        amount_cents=body.amount_cents,
        kind=body.kind,
        note=body.note,
        who=_who(principal),
    )
    return queries.entry_out(entry)


@partners.get(
    "/{partner_id}/outcomes",
    response_model=PartnerOutcomes,
    responses=responses(*_COMMON, NotFound),
)
async def get_partner_outcomes(
    partner_id: uuid.UUID, principal: AnalystAccess, session: SessionDep
) -> PartnerOutcomes:
    """What the partner reported after buying (contacted, quoted, sold...): sales by
    their latest outcome, and the close rate (sales reported `sold` / sales with any
    report). Analyst role or higher."""
    return await queries.partner_outcomes(session, partner_id)


# --- sales ---------------------------------------------------------------------------------

sales = APIRouter(prefix="/sales", tags=["admin_sales"])


@sales.get("", response_model=SalePage, responses=responses(*_COMMON))
async def list_sales(
    principal: AnalystAccess,
    session: SessionDep,
    partner_id: Annotated[uuid.UUID | None, Query(description="Only this buyer's.")] = None,
    lead_id: Annotated[uuid.UUID | None, Query(description="Only this lead's.")] = None,
    sold_from: Annotated[
        UTCDatetime | None, Query(description="Sold at or after (ISO 8601 with offset).")
    ] = None,
    sold_to: Annotated[
        UTCDatetime | None, Query(description="Sold before (ISO 8601 with offset).")
    ] = None,
    mode: Annotated[SaleMode | None, Query(description="`exclusive` or `shared`.")] = None,
    status: Annotated[SaleStatus | None, Query(description="`active` or `returned`.")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> SalePage:
    """Sales, newest first, a page at a time (follow `next_cursor`): the buyer, the
    price, the lead (first name, city, state, tier; last name masked for analysts), the
    receipt, and the return if one was filed. Analyst role or higher."""
    items, next_cursor = await queries.list_sales(
        session,
        queries.SaleFilters(
            partner_id=partner_id,
            lead_id=lead_id,
            sold_from=sold_from,
            sold_to=sold_to,
            mode=mode,
            status=status,
        ),
        cursor=cursor,
        limit=limit,
        sees_pii=principal.sees_pii,
    )
    return SalePage(items=items, next_cursor=next_cursor)


# --- returns -------------------------------------------------------------------------------

returns_router = APIRouter(prefix="/returns", tags=["admin_returns"])


@returns_router.get("", response_model=ReturnPage, responses=responses(*_COMMON))
async def list_returns(
    principal: AnalystAccess,
    session: SessionDep,
    status: Annotated[
        list[ReturnStatus] | None, Query(description="Any of these (`pending` to decide).")
    ] = None,
    partner_id: Annotated[uuid.UUID | None, Query(description="Only this partner's.")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> ReturnPage:
    """Returns filed by partners, newest first, each with the evidence beside the
    claim: what was gathered when it was filed, the lead's consent records and links to
    its chat transcripts. Homeowner contact details masked for analysts. Analyst role or
    higher."""
    items, next_cursor = await queries.list_returns(
        session,
        queries.ReturnFilters(status=tuple(status or ()), partner_id=partner_id),
        cursor=cursor,
        limit=limit,
        sees_pii=principal.sees_pii,
    )
    return ReturnPage(items=items, next_cursor=next_cursor)


@returns_router.post(
    "/{return_id}/decision",
    response_model=ReturnOut,
    responses=responses(*_COMMON, NotFound, Conflict),
)
async def decide_return(
    return_id: uuid.UUID, body: ReturnDecision, principal: ManagerAccess, session: SessionDep
) -> ReturnOut:
    """Accept (the price is credited to the partner's ledger, the sale is returned, and
    the lead too once every buyer has returned it) or reject a pending return. Deciding
    one already decided is 409 `return_decided`. Audited as `return.decided`. Manager
    role or higher."""
    await returns.decide_return(
        session,
        return_id,
        accept=body.decision == "accept",
        note=body.note,
        who=_who(principal),
    )
    return await queries.return_view(session, return_id, principal.sees_pii)


router = APIRouter()
for _face in (partners, sales, returns_router):
    router.include_router(_face)
