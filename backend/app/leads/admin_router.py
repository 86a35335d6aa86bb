"""``/admin/leads``: the leads table, one lead in full, status and notes, CSV export."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from app.admin.audit.service import Action, record
from app.admin.deps import AnalystAccess, ManagerAccess
from app.core.csv_export import stream_csv
from app.core.datetimes import UTCDatetime
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
from app.core.pagination import DEFAULT_LIMIT, MAX_LIMIT
from app.leads import queries, service
from app.leads.admin_schemas import (
    AdminLeadDetail,
    AdminLeadPage,
    AdminLeadUpdate,
    DuplicateDecision,
    DuplicateState,
    LeadSort,
    LeadSource,
    LeadStatus,
    LeadTier,
)
from app.solar.tables import US_STATES_AND_DC

router = APIRouter(prefix="/leads", tags=["admin_leads"])

_COMMON = (Unauthorized, Forbidden, ValidationFailed, RateLimited)


def _lead_chats(request: Request) -> queries.LeadChatReader:
    return request.app.state.lead_chats


LeadChats = Annotated[queries.LeadChatReader, Depends(_lead_chats)]


def lead_filters(
    status: Annotated[list[LeadStatus] | None, Query(description="Any of these statuses.")] = None,
    tier: Annotated[list[LeadTier] | None, Query(description="Any of these tiers.")] = None,
    state: Annotated[
        list[Annotated[str, Query(pattern=r"^[A-Za-z]{2}$")]] | None,
        Query(description="Any of these two-letter states."),
    ] = None,
    source: Annotated[list[LeadSource] | None, Query(description="`chat` or `form`.")] = None,
    zip_code: Annotated[
        str | None,
        Query(pattern=r"^\d{1,5}$", description="A ZIP or ZIP prefix (`85` is every 85xxx)."),
    ] = None,
    created_from: Annotated[
        UTCDatetime | None, Query(description="Created at or after (ISO 8601 with offset).")
    ] = None,
    created_to: Annotated[
        UTCDatetime | None, Query(description="Created before (ISO 8601 with offset).")
    ] = None,
    duplicate_state: Annotated[
        list[DuplicateState] | None,
        Query(description="`suspected` lists the leads waiting for a duplicate decision."),
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Text search. Analysts: first name, city, ZIP, id. Managers and "
            "admins also: last name, email, phone, street address.",
        ),
    ] = None,
) -> queries.LeadFilters:
    states = tuple(sorted({code.upper() for code in state or ()}))
    unknown = [code for code in states if code not in US_STATES_AND_DC]
    if unknown:
        # A typo would otherwise match nothing and look like "no leads".
        raise ValidationFailed(
            f"Not a US state (two letters, the 50 states and DC): {', '.join(unknown)}.",
            code="invalid_state",
        )
    return queries.LeadFilters(
        status=status or (),
        tier=tier or (),
        state=states,
        source=source or (),
        zip_code=zip_code,
        created_from=created_from,
        created_to=created_to,
        q=q,
        duplicate_state=duplicate_state or (),
    )


Filters = Annotated[queries.LeadFilters, Depends(lead_filters)]
Sort = Annotated[
    LeadSort,
    Query(description="`-created_at` (newest first, default), `created_at`, `-score`, `score`."),
]


@router.get("", response_model=AdminLeadPage, responses=responses(*_COMMON))
async def list_leads(
    principal: AnalystAccess,
    session: SessionDep,
    filters: Filters,
    sort: Sort = "-created_at",
    cursor: Annotated[str | None, Query(max_length=512, description="From `next_cursor`.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> AdminLeadPage:
    """Leads, filtered and sorted, a page at a time (keyset pagination: follow
    `next_cursor`). Contact details are masked for analysts. Analyst role or higher."""
    items, next_cursor = await queries.list_leads(
        session, filters, sort=sort, cursor=cursor, limit=limit, sees_pii=principal.sees_pii
    )
    return AdminLeadPage(items=items, next_cursor=next_cursor)


@router.get(
    "/export.csv",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "CSV, one lead per row, streamed.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **responses(*_COMMON),
    },
)
async def export_leads_csv(
    principal: AnalystAccess,
    session: SessionDep,
    session_factory: SessionFactoryDep,
    filters: Filters,
    sort: Sort = "-created_at",
) -> StreamingResponse:
    """Every lead matching the filters as CSV (same filters and sort as the list),
    streamed in chunks so any size exports in constant memory. Masked for analysts.
    Cells a spreadsheet would run as formulas are neutralised. Audited as `lead.export`.
    Analyst role or higher."""
    await record(
        session,
        action=Action.LEAD_EXPORT,
        at=principal.now,
        actor=principal.user,
        target_type="lead",
        ip=principal.ip,
        details={
            "masked": not principal.sees_pii,
            "sort": sort,
            "filters": {
                "status": list(filters.status),
                "tier": list(filters.tier),
                "state": list(filters.state),
                "source": list(filters.source),
                "zip_code": filters.zip_code,
                "created_from": filters.created_from,
                "created_to": filters.created_to,
                "search": bool(filters.q),
            },
        },
    )
    chunks = queries.iter_export_rows(
        session_factory, filters, sort=sort, sees_pii=principal.sees_pii
    )
    filename = f"leads-{principal.now:%Y%m%d}.csv"
    return StreamingResponse(
        stream_csv(queries.CSV_COLUMNS, chunks),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/{lead_id}", response_model=AdminLeadDetail, responses=responses(*_COMMON, NotFound))
async def get_lead(
    lead_id: uuid.UUID, principal: AnalystAccess, session: SessionDep, chats: LeadChats
) -> AdminLeadDetail:
    """One lead in full: qualification, estimate, score factors, proof of consent and
    the chat transcript. Masked for analysts. Analyst role or higher."""
    return await queries.lead_detail(session, lead_id, principal.sees_pii, chats)


@router.patch(
    "/{lead_id}",
    response_model=AdminLeadDetail,
    responses=responses(*_COMMON, NotFound, Conflict),
)
async def update_lead(
    lead_id: uuid.UUID,
    body: AdminLeadUpdate,
    principal: ManagerAccess,
    session: SessionDep,
    chats: LeadChats,
) -> AdminLeadDetail:
    """Change a lead's status or notes (send only what changes; `notes: null` clears
    them). A status change must be one the lead's current status allows (409
    `invalid_status_transition` says which are). Audited as `lead.update`. Manager role
    or higher."""
    await service.update_lead(
        session,
        lead_id,
        actor=principal,
        status=body.status,
        notes=body.notes,
        notes_sent="notes" in body.model_fields_set,
    )
    return await queries.lead_detail(session, lead_id, principal.sees_pii, chats)


@router.post(
    "/{lead_id}/duplicate",
    response_model=AdminLeadDetail,
    responses=responses(*_COMMON, NotFound, Conflict),
)
async def resolve_duplicate(
    lead_id: uuid.UUID,
    body: DuplicateDecision,
    principal: ManagerAccess,
    session: SessionDep,
    chats: LeadChats,
) -> AdminLeadDetail:
    """Decide a possible duplicate (a lead sharing only an email or a phone with an
    earlier one): `merge` (the same person: this lead becomes `duplicate`, never sold) or
    `keep_apart` (different people: it may be sold, though never to a partner who bought
    the other). Only while `duplicate_state` is `suspected` (409 otherwise). Audited as
    `lead.duplicate_resolved`. Manager role or higher."""
    await service.resolve_duplicate(
        session, lead_id, decision=body.decision, note=body.note, actor=principal
    )
    return await queries.lead_detail(session, lead_id, principal.sees_pii, chats)
