"""Staff-side test fixtures, shared by the admin, leads, conversation and security tests.

Fixture data is committed (to a savepoint of the test's transaction, which is still
rolled back at the end), so a request that fails and rolls back keeps it. Users are
inserted with one precomputed Argon2 hash (hashing costs ~0.2 s by design);
tokens are minted directly, so only the tests about signing in pay for a real login.
Every test gets its own client address, so per-IP limits never leak between tests.
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import fastapi.routing
import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.models import AdminUser, RefreshToken
from app.conversation.models import Conversation, Message
from app.core.config import Settings
from app.core.security import create_access_token, hash_password, hash_token, new_refresh_token
from app.leads.models import ConsentRecord, Lead
from app.leads.scoring import score_lead

PREFIXES = ("/api/v1/admin", "/api/v1/auth")  # the guarded part of the API
PASSWORD = "correct horse battery"


@lru_cache(maxsize=1)
def password_hash() -> str:
    return hash_password(PASSWORD)


class FakeClock:
    """A clock tests move by hand; installed as ``app.state.clock``."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = (start or datetime.now(UTC)).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


_addresses = itertools.count(1)


def fresh_ip() -> str:
    """A client address no other test uses (per-IP limits start from zero)."""
    n = next(_addresses) + random.randrange(0, 2**20) * 4096
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255 or 1}"


DASHBOARD_ORIGIN = "http://localhost:3002"


class TestClient(httpx.AsyncClient):
    """A client of the app from one address (``ip``), over https so the Secure refresh
    cookie comes back like in a browser, sending the ``Origin`` a browser on the admin
    dashboard sends."""

    __test__ = False  # a helper, not a test class (pytest collects Test* names)

    def __init__(self, app: FastAPI, ip: str, **kwargs: Any) -> None:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(ip, 51000))
        headers = {"Origin": DASHBOARD_ORIGIN, **kwargs.pop("headers", {})}
        super().__init__(
            transport=transport, base_url="https://testserver", headers=headers, **kwargs
        )
        self.ip = ip


def admin_client(app: FastAPI, ip: str | None = None, **kwargs: Any) -> TestClient:
    return TestClient(app, ip or fresh_ip(), **kwargs)


@pytest.fixture
def clock(app: FastAPI) -> Iterator[FakeClock]:
    fake = FakeClock()
    app.state.clock = fake
    try:
        yield fake
    finally:
        app.state.clock = None


@pytest.fixture
async def client(app: FastAPI, db_session: AsyncSession) -> AsyncIterator[TestClient]:
    """The app from an address of this test's own (per-IP limits never leak between
    tests); its requests share the test's rolled-back transaction."""
    async with admin_client(app) as http:
        yield http


MakeUser = Callable[..., Awaitable[AdminUser]]


@pytest.fixture
def make_user(db_session: AsyncSession) -> MakeUser:
    async def _make(
        role: str = "admin", *, active: bool = True, email: str | None = None, **fields: Any
    ) -> AdminUser:
        user = AdminUser(
            id=uuid.uuid4(),
            email=email or f"{role}-{uuid.uuid4().hex[:10]}@example.com",
            password_hash=fields.pop("password_hash", None) or password_hash(),
            role=role,
            is_active=active,
            session_version=1,
            **fields,
        )
        db_session.add(user)
        await db_session.commit()
        return user

    return _make


@dataclass
class IssuedTokens:
    access: str
    refresh: str
    session_id: uuid.UUID

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access}"}


async def issue_tokens(
    session: AsyncSession,
    settings: Settings,
    user: AdminUser,
    *,
    now: datetime | None = None,
    **claims: Any,
) -> IssuedTokens:
    """A live session for ``user`` as if they had just signed in."""
    now = now or datetime.now(UTC)
    family = uuid.uuid4()
    refresh = new_refresh_token()
    session.add(
        RefreshToken(
            id=uuid.uuid4(),
            user_id=user.id,
            family_id=family,
            token_hash=hash_token(refresh),
            created_at=now,
            expires_at=now + timedelta(hours=settings.session_max_hours),
            last_used_at=now,
        )
    )
    await session.commit()
    access, _ = create_access_token(
        settings,
        user_id=user.id,
        role=claims.pop("role", user.role),
        session_id=family,
        session_version=claims.pop("session_version", user.session_version),
        now=now,
    )
    return IssuedTokens(access, refresh, family)


@pytest.fixture
def tokens(db_session: AsyncSession, app: FastAPI) -> Callable[..., Awaitable[IssuedTokens]]:
    async def _tokens(user: AdminUser, **kwargs: Any) -> IssuedTokens:
        clock = getattr(app.state, "clock", None)
        kwargs.setdefault("now", clock() if clock else None)
        return await issue_tokens(db_session, app.state.settings, user, **kwargs)

    return _tokens


@pytest.fixture
async def as_role(
    make_user: MakeUser, tokens: Callable[..., Awaitable[IssuedTokens]]
) -> Callable[[str], Awaitable[dict[str, str]]]:
    """Authorization headers for a fresh user of ``role``."""

    async def _as(role: str) -> dict[str, str]:
        return (await tokens(await make_user(role))).headers

    return _as


_lead_numbers = itertools.count(1000)


def lead_fields(**overrides: Any) -> dict[str, Any]:
    n = next(_lead_numbers)
    fields: dict[str, Any] = {
        "status": "new",
        "source": "form",
        "first_name": "Jane",
        "last_name": f"Doe{n}",
        "email": f"jane.{n}@example.com",
        "phone": f"+1602555{n % 10000:04d}",
        "street_address": f"{n} Elm Street",
        "city": "Phoenix",
        "state": "AZ",
        "zip_code": "85004",
        "homeowner": True,
        "property_type": "single_family",
        "monthly_bill_cents": 21000,
        "roof_type": "asphalt_shingle",
        "shade": "none",
        "credit_band": "good",
        "timeline": "1_3_months",
        "battery_interest": None,
        "estimate": {"system_size_kw": 7.2, "location": {"state": "AZ", "zip_code": "85004"}},
        "utm": {"utm_source": "google"},
        "submission_count": 1,
    }
    fields.update(overrides)
    # Score as the app does, so factors and score agree; tests may still pin either.
    scored = score_lead(
        homeowner=fields["homeowner"],
        property_type=fields["property_type"],
        monthly_bill_usd=fields["monthly_bill_cents"] / 100,
        credit_band=fields["credit_band"],
        shade=fields["shade"],
        roof_type=fields["roof_type"],
        timeline=fields["timeline"],
    )
    fields.setdefault("score", scored.score)
    fields.setdefault("tier", scored.tier)
    fields.setdefault("score_factors", scored.factors_json())
    return fields


@pytest.fixture
def make_lead(db_session: AsyncSession) -> Callable[..., Awaitable[Lead]]:
    async def _make(**overrides: Any) -> Lead:
        lead = Lead(id=uuid.uuid4(), **lead_fields(**overrides))
        db_session.add(lead)
        await db_session.commit()
        return lead

    return _make


@pytest.fixture
def make_chat(db_session: AsyncSession) -> Callable[..., Awaitable[Conversation]]:
    """A finished chat for ``lead`` whose transcript and slots hold its PII, with the
    lead's consent record."""

    async def _make(lead: Lead, *, created_at: datetime | None = None) -> Conversation:
        slots = {
            "first_name": lead.first_name,
            "last_name": lead.last_name,
            "email": lead.email,
            "phone": lead.phone,
            "zip_code": lead.zip_code,
        }
        conversation = Conversation(
            id=uuid.uuid4(),
            token_hash="0" * 64,
            status="completed",
            agent="guided",
            slots=slots,
            lead_id=lead.id,
            ip="198.51.100.23",
            user_agent="pytest",
            message_count=4,
            **({"created_at": created_at} if created_at else {}),
        )
        db_session.add(conversation)
        await db_session.flush()
        pretty = f"({lead.phone[2:5]}) {lead.phone[5:8]}-{lead.phone[8:]}"
        lines = [
            ("assistant", "What's the best email address to send your estimate to?"),
            ("user", f"sure it's {lead.email}"),
            ("user", f"call me on {pretty} or {lead.phone}, I live at {lead.street_address}"),
            (
                "assistant",
                f"Thanks {lead.first_name} {lead.last_name}! Installers may contact you at "
                f"{pretty} or {lead.email}.",
            ),
        ]
        for seq, (role, content) in enumerate(lines, start=1):
            db_session.add(
                Message(
                    id=uuid.uuid4(),
                    conversation_id=conversation.id,
                    seq=seq,
                    role=role,
                    content=content,
                    meta={"kind": "text"},
                )
            )
        db_session.add(
            ConsentRecord(
                id=uuid.uuid4(),
                lead_id=lead.id,
                conversation_id=conversation.id,
                source="chat",
                disclosure_version="v" * 64,
                disclosure_text=f"I agree that installers may contact me at {pretty} or "
                f"{lead.email}.",
                ip="198.51.100.23",
                user_agent="pytest",
            )
        )
        await db_session.commit()
        return conversation

    return _make


def api_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every API route in the app's route table, included routers
    flattened (newer FastAPI keeps included routers as lazy nodes)."""
    iterate = getattr(fastapi.routing, "iter_route_contexts", None)
    found = []
    for route in iterate(app.routes) if iterate else app.routes:
        original = getattr(route, "original_route", route)
        if isinstance(original, APIRoute) and route.path:
            for method in sorted((route.methods or set()) - {"HEAD", "OPTIONS"}):
                found.append((method, route.path))
    return found
