"""The read side of leads for staff: filtered keyset listing, one lead in full (with its
consent records and the chats that led to it), and the rows of the CSV export.

Every view goes through ``summary``/``lead_detail``/``csv_row`` here, which mask PII for
roles that may not see it; nothing else serialises a lead for the dashboard.

The chats come from the conversation domain, which builds on this one (a chat creates a
lead), so this module cannot import it: it declares what it needs, a
:class:`LeadChatReader`, and the app passes the conversation domain's implementation in
(``app.state.lead_chats``, set in ``app.main``).
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import masking
from app.core.db import SessionFactory
from app.core.pagination import SortKey, next_cursor, page_query
from app.leads.admin_schemas import (
    AdminLeadDetail,
    AdminLeadSummary,
    ConsentOut,
    LinkedLead,
    SubmissionOut,
    Transcript,
    TranscriptMessage,
)
from app.leads.lifecycle import allowed_next
from app.leads.models import ConsentRecord, Lead, LeadSubmission
from app.leads.service import get_lead

SORTS = {
    "-created_at": SortKey("-created_at", Lead.created_at, Lead.id, descending=True, kind=datetime),
    "created_at": SortKey("created_at", Lead.created_at, Lead.id, descending=False, kind=datetime),
    "-score": SortKey("-score", Lead.score, Lead.id, descending=True, kind=int),
    "score": SortKey("score", Lead.score, Lead.id, descending=False, kind=int),
}
SORT_ATTR = {
    "-created_at": "created_at",
    "created_at": "created_at",
    "-score": "score",
    "score": "score",
}


@dataclass(frozen=True)
class LeadFilters:
    status: Sequence[str] = ()
    tier: Sequence[str] = ()
    state: Sequence[str] = ()
    source: Sequence[str] = ()
    zip_code: str | None = None  # a prefix: "85" is every ZIP starting 85
    created_from: datetime | None = None
    created_to: datetime | None = None
    q: str | None = None
    duplicate_state: Sequence[str] = ()


def lead_search(q: str, sees_pii: bool) -> Any:
    """The leads table's text search, for other lists that join leads (conversations)."""
    return _search(q, sees_pii)


def _search(q: str, sees_pii: bool) -> Any:
    """Text search. Analysts search only what they can see: first name, city, ZIP and
    id; searching by email or phone would let them probe for hidden values."""
    needle = q.strip().lower()
    fields = [Lead.first_name, Lead.city, Lead.zip_code]
    if sees_pii:
        fields += [Lead.last_name, Lead.email, Lead.phone, Lead.street_address]
    conditions = [sa.func.lower(f).contains(needle, autoescape=True) for f in fields]
    digits = re.sub(r"\D", "", needle)
    if sees_pii and len(digits) >= 4 and re.fullmatch(r"[\d\s().+-]+", needle):
        conditions.append(Lead.phone.contains(digits, autoescape=True))  # (602) 555-01 too
    with contextlib.suppress(ValueError):
        conditions.append(Lead.id == uuid.UUID(needle))
    return sa.or_(*conditions)


def _filtered(filters: LeadFilters, sees_pii: bool) -> sa.Select[Any]:
    statement = sa.select(Lead)
    if filters.status:
        statement = statement.where(Lead.status.in_(list(filters.status)))
    if filters.tier:
        statement = statement.where(Lead.tier.in_(list(filters.tier)))
    if filters.state:
        statement = statement.where(Lead.state.in_([s.upper() for s in filters.state]))
    if filters.source:
        statement = statement.where(Lead.source.in_(list(filters.source)))
    if filters.zip_code:
        statement = statement.where(Lead.zip_code.startswith(filters.zip_code, autoescape=True))
    if filters.created_from is not None:
        statement = statement.where(Lead.created_at >= filters.created_from)
    if filters.created_to is not None:
        statement = statement.where(Lead.created_at < filters.created_to)
    if filters.q and filters.q.strip():
        statement = statement.where(_search(filters.q, sees_pii))
    if filters.duplicate_state:
        statement = statement.where(Lead.duplicate_state.in_(list(filters.duplicate_state)))
    return statement


async def list_leads(
    session: AsyncSession,
    filters: LeadFilters,
    *,
    sort: str,
    cursor: str | None,
    limit: int,
    sees_pii: bool,
) -> tuple[list[AdminLeadSummary], str | None]:
    key = SORTS[sort]
    statement = page_query(_filtered(filters, sees_pii), key, cursor, limit)
    rows = list((await session.execute(statement)).scalars())
    return [summary(lead, sees_pii) for lead in rows[:limit]], next_cursor(
        rows, key, limit, SORT_ATTR[sort]
    )


def known_pii(lead: Any, *extra: dict[str, Any] | None) -> list[masking.Known]:
    return masking.known_values(
        {
            "email": lead.email,
            "phone": lead.phone,
            "last_name": lead.last_name,
            "street_address": lead.street_address,
        },
        *extra,
    )


def summary(lead: Lead, sees_pii: bool) -> AdminLeadSummary:
    return AdminLeadSummary(
        id=lead.id,
        created_at=lead.created_at,
        updated_at=lead.updated_at,
        status=lead.status,
        source=lead.source,
        score=lead.score,
        tier=lead.tier,
        first_name=lead.first_name,
        last_name=lead.last_name if sees_pii else masking.mask_last_name(lead.last_name) or "",
        email=lead.email if sees_pii else masking.mask_email(lead.email),
        phone=lead.phone if sees_pii else masking.mask_phone(lead.phone),
        city=lead.city,
        state=lead.state,
        zip_code=lead.zip_code,
        monthly_bill_cents=lead.monthly_bill_cents,
        homeowner=lead.homeowner,
        timeline=lead.timeline,
        submission_count=lead.submission_count,
        duplicate_state=lead.duplicate_state,
        erased=lead.erased_at is not None,
        pii_masked=not sees_pii,
    )


@dataclass(frozen=True)
class ChatLine:
    """One message of a chat, as the lead detail shows it."""

    seq: int
    role: str
    content: str
    meta: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class LinkedChat:
    """A chat that led to a lead: what the advisor learned and what was said."""

    conversation_id: uuid.UUID
    started_at: datetime
    status: str
    slots: dict[str, Any]
    lines: list[ChatLine]


class LeadChatReader(Protocol):
    """The chats of a lead: those linked to it and those its consents came from, newest
    first. The conversation domain provides it (``conversation.queries.chats_for_lead``)."""

    async def __call__(
        self, session: AsyncSession, lead_id: uuid.UUID, conversation_ids: Sequence[uuid.UUID]
    ) -> list[LinkedChat]: ...


async def lead_detail(
    session: AsyncSession, lead_id: uuid.UUID, sees_pii: bool, chats: LeadChatReader
) -> AdminLeadDetail:
    lead = await get_lead(session, lead_id)
    consents = list(
        (
            await session.execute(
                sa.select(ConsentRecord)
                .where(ConsentRecord.lead_id == lead.id)
                .order_by(ConsentRecord.given_at.desc(), ConsentRecord.id.desc())
            )
        ).scalars()
    )
    linked = await chats(
        session, lead.id, [c.conversation_id for c in consents if c.conversation_id is not None]
    )
    submissions = list(
        (
            await session.execute(
                sa.select(LeadSubmission)
                .where(LeadSubmission.lead_id == lead.id)
                .order_by(LeadSubmission.submitted_at.desc(), LeadSubmission.id.desc())
            )
        ).scalars()
    )
    duplicate_of = await session.get(Lead, lead.duplicate_of_id) if lead.duplicate_of_id else None
    later = list(
        (
            await session.execute(
                sa.select(Lead)
                .where(Lead.duplicate_of_id == lead.id)
                .order_by(Lead.created_at.desc(), Lead.id.desc())
            )
        ).scalars()
    )
    known = known_pii(lead, *(chat.slots for chat in linked), *(s.answers for s in submissions))
    base = summary(lead, sees_pii).model_dump()
    return AdminLeadDetail(
        **base,
        street_address=lead.street_address
        if sees_pii
        else masking.mask_street(lead.street_address),
        property_type=lead.property_type,
        roof_type=lead.roof_type,
        shade=lead.shade,
        credit_band=lead.credit_band,
        battery_interest=lead.battery_interest,
        estimate=lead.estimate if sees_pii else masking.mask_mapping(lead.estimate, known),
        score_factors=lead.score_factors
        if sees_pii
        else masking.mask_mapping(lead.score_factors, known),
        unqualified_reason=lead.unqualified_reason,
        utm=(lead.utm or {}) if sees_pii else masking.mask_mapping(lead.utm or {}, known),
        notes=lead.notes if sees_pii else masking.scrub_text(lead.notes, known),
        consents=[
            ConsentOut(
                id=c.id,
                source=c.source,
                conversation_id=c.conversation_id,
                disclosure_version=c.disclosure_version,
                # The disclosure names the homeowner's phone and email when given in chat.
                disclosure_text=c.disclosure_text
                if sees_pii
                else masking.scrub_text(c.disclosure_text, known) or "",
                given_at=c.given_at,
                ip=c.ip if sees_pii else masking.mask_ip(c.ip),
                user_agent=c.user_agent,
            )
            for c in consents
        ],
        transcripts=[
            Transcript(
                conversation_id=chat.conversation_id,
                started_at=chat.started_at,
                status=chat.status,
                messages=transcript(chat.lines, sees_pii, known),
            )
            for chat in linked
        ],
        submissions=[
            SubmissionOut(
                id=sub.id,
                source=sub.source,
                submitted_at=sub.submitted_at,
                conversation_id=sub.conversation_id,
                applied=sub.applied,
                answers=sub.answers if sees_pii else masking.mask_mapping(sub.answers, known),
                ip=sub.ip if sees_pii else masking.mask_ip(sub.ip),
                user_agent=sub.user_agent,
            )
            for sub in submissions
        ],
        duplicate_of=linked_lead(duplicate_of) if duplicate_of else None,
        duplicate_reason=lead.duplicate_reason,
        possible_duplicates=[linked_lead(other) for other in later],
        allowed_statuses=allowed_next(lead.status, "staff"),
    )


def linked_lead(lead: Lead) -> LinkedLead:
    return LinkedLead(
        id=lead.id,
        created_at=lead.created_at,
        status=lead.status,
        first_name=lead.first_name,
        duplicate_state=lead.duplicate_state,
        duplicate_reason=lead.duplicate_reason,
    )


def transcript(
    lines: Sequence[Any], sees_pii: bool, known: list[masking.Known]
) -> list[TranscriptMessage]:
    """Messages (``ChatLine`` or ORM rows) as staff see them: scrubbed for analysts."""
    return [
        TranscriptMessage(
            seq=m.seq,
            role=m.role,
            content=m.content if sees_pii else masking.scrub_text(m.content, known) or "",
            meta=(m.meta or {}) if sees_pii else masking.mask_mapping(m.meta or {}, known),
            created_at=m.created_at,
        )
        for m in lines
    ]


# --- CSV export --------------------------------------------------------------------------

CSV_COLUMNS = [
    "id",
    "created_at",
    "status",
    "source",
    "score",
    "tier",
    "first_name",
    "last_name",
    "email",
    "phone",
    "street_address",
    "city",
    "state",
    "zip_code",
    "homeowner",
    "property_type",
    "monthly_bill_cents",
    "roof_type",
    "shade",
    "credit_band",
    "timeline",
    "battery_interest",
    "submission_count",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "notes",
]


def csv_row(lead: Any, sees_pii: bool) -> list[Any]:
    """One CSV row from a lead (an ORM object or a plain row with its columns)."""
    utm = lead.utm or {}
    if sees_pii:
        last, email, phone = lead.last_name, lead.email, lead.phone
        street, notes = lead.street_address, lead.notes
    else:
        last = masking.mask_last_name(lead.last_name)
        email = masking.mask_email(lead.email)
        phone = masking.mask_phone(lead.phone)
        street = masking.mask_street(lead.street_address)
        notes = masking.scrub_text(lead.notes, known_pii(lead))
    return [
        lead.id,
        lead.created_at.isoformat(),
        lead.status,
        lead.source,
        lead.score,
        lead.tier,
        lead.first_name,
        last,
        email,
        phone,
        street,
        lead.city,
        lead.state,
        lead.zip_code,
        lead.homeowner,
        lead.property_type,
        lead.monthly_bill_cents,
        lead.roof_type,
        lead.shade,
        lead.credit_band,
        lead.timeline,
        lead.battery_interest,
        lead.submission_count,
        *(
            value if sees_pii else masking.scrub_text(value)
            for value in (
                utm.get("source") or utm.get("utm_source"),
                utm.get("medium") or utm.get("utm_medium"),
                utm.get("campaign") or utm.get("utm_campaign"),
            )
        ),
        notes,
    ]


async def iter_export_rows(
    session_factory: SessionFactory,
    filters: LeadFilters,
    *,
    sort: str,
    sees_pii: bool,
    chunk_size: int = 1000,
) -> AsyncIterator[list[list[Any]]]:
    """Chunks of CSV rows, one keyset query per chunk: memory stays flat however many
    leads match."""
    key = SORTS[sort]
    cursor: str | None = None
    async with session_factory() as session:
        if not session.in_transaction():
            # A read: on SQLite, do not hold the write lock for the whole download.
            await session.connection(execution_options={"sqlite_begin": "DEFERRED"})
        while True:
            # Plain rows, not ORM objects: nothing accumulates in the session.
            columns = _filtered(filters, sees_pii).with_only_columns(*Lead.__table__.columns)
            statement = page_query(columns, key, cursor, chunk_size)
            rows = list((await session.execute(statement)).all())
            yield [csv_row(lead, sees_pii) for lead in rows[:chunk_size]]
            cursor = next_cursor(rows, key, chunk_size, SORT_ATTR[sort])
            if cursor is None:
                return
