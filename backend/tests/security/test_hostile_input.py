"""Hostile input on every route: always a 4xx in the error shape, never a 500, nothing written.

The routes come from the app's own OpenAPI document, so a new route is covered the day it
is added; a new route with a JSON body needs a valid sample in ``SAMPLES`` (the test says
so) so that each attack hits one field of an otherwise valid request.

Seen on the landed code before this table: NUL bytes were a 500 on PostgreSQL in any
string, cursors with out-of-range numbers and dates that overflow once in UTC were 500s
(and cut a CSV export after its audit row), ``monthly_bill: 1e-320`` on the lead form
was a 500, and a 100 MB JSON body was parsed in full.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.leads.consent import CONSENT_VERSION
from app.models import Base
from tests.partners.b2b import buyer_with_leads
from tests.partners.selling import selling_records
from tests.support.staff import PASSWORD, issue_tokens

Context = dict[str, Any]

LEAD_FORM = {
    "zip_code": "85004",
    "homeowner": True,
    "property_type": "single_family",
    "monthly_bill": 210,
    "roof_type": "asphalt_shingle",
    "shade": "none",
    "credit_band": "good",
    "timeline": "1_3_months",
    "first_name": "Jane",
    "last_name": "Doe",
    "email": "jane@example.com",
    "phone": "(602) 555-0142",
    "street_address": "12 Elm St",
    "consent": True,
    "consent_version": CONSENT_VERSION,
    "utm_source": "google",
}

# A valid body per route with a JSON body.
SAMPLES: dict[tuple[str, str], Callable[[Context], dict[str, Any]]] = {
    ("POST", "/api/v1/solar/estimate"): lambda c: {
        "zip_code": "85004",
        "monthly_bill": 150,
        "tilt_deg": 20,
        "loan_apr_pct": 6.5,
        "loan_term_years": 20,
    },
    ("POST", "/api/v1/conversations"): lambda c: {"source": "home", "utm_campaign": "spring"},
    ("POST", "/api/v1/conversations/{conversation_id}/messages"): lambda c: {
        "content": "my zip is 85004"
    },
    ("POST", "/api/v1/leads"): lambda c: dict(LEAD_FORM),
    ("POST", "/api/v1/events"): lambda c: {
        "session": "page-session-12345",
        "events": [{"type": "page_view", "path": "/", "source": "google", "campaign": "fall"}],
    },
    ("POST", "/api/v1/auth/login"): lambda c: {"email": c["email"], "password": "wrong pass"},
    ("POST", "/api/v1/auth/password"): lambda c: {
        "current_password": "not the password",
        "new_password": "another good password",
    },
    ("PATCH", "/api/v1/admin/leads/{lead_id}"): lambda c: {"status": "unqualified", "notes": "x"},
    ("POST", "/api/v1/admin/leads/{lead_id}/duplicate"): lambda c: {
        "decision": "keep_apart",
        "note": "checked",
    },
    ("POST", "/api/v1/admin/privacy/erase"): lambda c: {
        "email": "nobody@example.com",
        "confirm": True,
    },
    ("POST", "/api/v1/admin/webhook-endpoints/{endpoint_id}/replay"): lambda c: {
        "since": "2026-11-01T00:00:00+00:00"
    },
    ("POST", "/api/v1/admin/users"): lambda c: {
        "email": f"new-{uuid.uuid4().hex[:8]}@example.com",
        "role": "analyst",
        "password": "a fine password indeed",
    },
    ("PATCH", "/api/v1/admin/users/{user_id}"): lambda c: {"role": "analyst"},
    ("POST", "/api/v1/admin/partners"): lambda c: {
        "name": "Hostile Solar",
        "contact_name": "Dana Ortiz",
        "contact_email": "dana@sunwise.com",
        "contact_phone": "(602) 555-0199",
        "timezone": "America/Phoenix",
        "service_area": {"states": ["AZ"], "zip_prefixes": ["850"]},
        "prices": {"A": {"exclusive": 12_000, "shared": 4_000}},
        "caps": {"day": 10, "month_spend_cents": 500_000},
        "person_window_days": 30,
        "low_balance_cents": 20_000,
    },
    ("PATCH", "/api/v1/admin/partners/{partner_id}"): lambda c: {
        "name": "Hostile Solar",
        "status": "paused",
        "credit_limit_cents": 0,
    },
    ("POST", "/api/v1/admin/partners/{partner_id}/api-keys"): lambda c: {
        "name": "CRM sync",
        "scopes": ["leads:read"],
        "expires_at": "2030-01-01T00:00:00+00:00",
    },
    ("POST", "/api/v1/admin/partners/{partner_id}/api-keys/{key_id}/rotate"): lambda c: {
        "overlap_hours": 2
    },
    ("POST", "/api/v1/admin/partners/{partner_id}/ledger"): lambda c: {
        "kind": "topup",
        "amount_cents": 5_000,
        "note": "wire 1042",
    },
    ("POST", "/api/v1/admin/returns/{return_id}/decision"): lambda c: {
        "decision": "accept",
        "note": "checked",
    },
    ("POST", "/api/v1/b2b/leads/{lead_id}/return"): lambda c: {
        "reason": "bad_contact",
        "note": "number disconnected",
    },
    ("POST", "/api/v1/b2b/leads/{lead_id}/outcome"): lambda c: {
        "outcome": "contacted",
        "occurred_at": "2026-12-01T10:00:00+00:00",
        "note": "left a voicemail",
    },
    ("POST", "/api/v1/b2b/webhooks"): lambda c: {
        "url": "https://hooks.example.com/aurum",
        "event_types": ["lead.sold"],
        "description": "CRM intake",
    },
    ("PATCH", "/api/v1/b2b/webhooks/{endpoint_id}"): lambda c: {
        "url": "https://hooks.example.com/aurum-2",
        "description": "CRM intake, new path",
        "status": "disabled",
    },
    ("PATCH", "/api/v1/b2b/account"): lambda c: {
        "status": "paused",
        "caps": {"day": 10},
        "service_area": {"states": ["AZ"]},
    },
}
# The partner API takes a partner's key, not a staff token, and its own sold lead.
B2B = "/api/v1/b2b"

HUGE_AND_TINY = ("1e400", "-1e400", "1e-320", "123456789012345678901234567890", "NaN", "Infinity")
OVERFLOWING_TIME = "0001-01-01T00:00:00+14:00"
HOMOGLYPH = "\u0430"  # Cyrillic small a, the look-alike of Latin "a"


def _cursor(payload: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


BAD_CURSORS = [
    _cursor(["-created_at", OVERFLOWING_TIME, str(uuid.uuid4())]),
    _cursor(["-score", 10**30, str(uuid.uuid4())]),
    _cursor(["-created_at", "9999-12-31T23:59:59-14:00", str(uuid.uuid4())]),
    _cursor(["-at", "not a time", "not a uuid"]),
    "%%%",
]


def routes(app: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    document = app.openapi()
    return [
        (method.upper(), path, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if path.startswith("/api/")
    ]


class _Ids(dict):  # type: ignore[type-arg]
    """Path parameters: this test's records where it has them, otherwise ids that exist
    nowhere (the attack is refused before any record is looked up)."""

    def __missing__(self, key: str) -> str:
        return "msg_" + "0" * 32 if key == "delivery_id" else str(uuid.uuid4())


def _path_for(path: str, ctx: Context) -> str:
    return path.format_map(
        _Ids(
            lead_id=ctx["sold_lead_id"] if path.startswith(B2B) else ctx["lead_id"],
            conversation_id=ctx["conversation_id"],
            user_id=ctx["user_id"],
            zip_code="85004",
            partner_id=ctx["partner_id"],
            key_id=ctx["key_id"],
            return_id=ctx["return_id"],
        )
    )


def _strings(value: Any, trail: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*trail, key))
    elif isinstance(value, str):
        yield trail, value


def _numbers(value: dict[str, Any]) -> list[str]:
    return [k for k, v in value.items() if isinstance(v, int | float) and not isinstance(v, bool)]


def _replace(body: dict[str, Any], trail: tuple[Any, ...], new: Any) -> dict[str, Any]:
    copy = json.loads(json.dumps(body))
    target = copy
    for key in trail[:-1]:
        target = target[key]
    target[trail[-1]] = new
    return copy


def attacks(method: str, path: str, operation: dict[str, Any], ctx: Context) -> Iterator[Any]:
    """(name, request kwargs) per attack that applies to this route."""
    yield "nul-in-query", {"params": {"q": "a\x00b"}}
    query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
    for name in sorted(query):
        schema = json.dumps(next(p for p in operation["parameters"] if p["name"] == name)["schema"])
        if "date-time" in schema:
            yield f"overflowing-{name}", {"params": {name: OVERFLOWING_TIME}}
        if name == "cursor":
            for index, cursor in enumerate(BAD_CURSORS):
                yield f"bad-cursor-{index}", {"params": {"cursor": cursor}}
        if name == "limit":
            yield "huge-limit", {"params": {"limit": "1" + "0" * 30}}
    if "requestBody" not in operation:
        return
    sample = SAMPLES[(method, path)](ctx)
    limit = 1024 * 1024 + 1
    yield (
        "oversized-body",
        {
            "content": b'{"x": "' + b"a" * limit + b'"}',
            "headers": {"content-type": "application/json"},
        },
    )
    yield (
        "invalid-utf8",
        {
            "content": json.dumps(sample).encode()[:-1] + b', "x": "\xff\xfe"}',
            "headers": {"content-type": "application/json"},
        },
    )
    yield (
        "deep-nesting",
        {
            "content": ("[" * 50_000 + "]" * 50_000).encode(),
            "headers": {"content-type": "application/json"},
        },
    )
    for trail, value in _strings(sample):
        label = ".".join(map(str, trail))
        yield f"nul-in-{label}", {"json": _replace(sample, trail, value[:3] + "\x00" + value[3:])}
        if any(word in label for word in ("email", "name")):
            yield f"homoglyph-{label}", {"json": _replace(sample, trail, "j" + HOMOGLYPH + value)}
    for field in _numbers(sample):
        for literal in HUGE_AND_TINY:
            text = json.dumps(sample).replace(
                f'"{field}": {json.dumps(sample[field])}', f'"{field}": {literal}'
            )
            yield (
                f"number-{field}-{literal}",
                {
                    "content": text.encode(),
                    "headers": {"content-type": "application/json"},
                },
            )


async def table_counts(session: AsyncSession) -> dict[str, int]:
    counts = {}
    for table in Base.metadata.sorted_tables:
        counts[table.name] = int(
            await session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
        )
    return counts


def test_every_json_body_route_has_a_sample(app: FastAPI) -> None:
    with_body = {(m, p) for m, p, op in routes(app) if "requestBody" in op}
    missing = with_body - set(SAMPLES)
    assert not missing, f"routes with a JSON body and no sample here: {sorted(missing)}"


async def test_hostile_input_is_refused_everywhere(
    app: FastAPI,
    client: httpx.AsyncClient,
    db_session: AsyncSession,
    make_user,
    make_lead,
    make_chat,
) -> None:
    manager = await make_user("admin")
    lead = await make_lead()
    chat = await make_chat(lead)
    target = await make_user("analyst")
    started = await client.post("/api/v1/conversations", json={})
    conversation = started.json()
    issued = await issue_tokens(db_session, app.state.settings, manager)
    buyer = await buyer_with_leads(app, db_session, 1)
    ctx: Context = {
        "lead_id": lead.id,
        "sold_lead_id": buyer.lead_ids[0],
        "conversation_id": conversation["id"],
        "chat_id": chat.id,
        "user_id": target.id,
        "email": manager.email,
        "password": PASSWORD,
        **await selling_records(app, db_session, lead),
    }
    headers = {**issued.headers, "X-Conversation-Token": conversation["token"]}
    partner_headers = buyer.headers
    before = await table_counts(db_session)
    failures: list[str] = []
    tried = 0
    attacked: set[tuple[str, str]] = set()
    for method, path, operation in routes(app):
        url = _path_for(path, ctx)
        for name, kwargs in attacks(method, path, operation, ctx):
            tried += 1
            attacked.add((method, path))
            extra = kwargs.pop("headers", {})
            base = partner_headers if path.startswith(B2B) else headers
            response = await client.request(method, url, headers={**base, **extra}, **kwargs)
            status = response.status_code
            if path.startswith(B2B) and status in (401, 403):
                failures.append(f"{method} {path} [{name}]: the partner key was refused")
            problem = None
            if not 400 <= status < 500:
                problem = f"status {status}"
            else:
                try:
                    body = response.json()
                except ValueError:
                    problem = "not JSON"
                else:
                    if set(body) != {"error"} or not {"code", "message"} <= set(body["error"]):
                        problem = "not the error shape"
            if problem:
                failures.append(f"{method} {path} [{name}]: {problem}: {response.text[:160]}")
    after = await table_counts(db_session)
    assert not failures, "\n".join(failures)
    # Attempted logins leave a failed-login audit entry; nothing else may be written.
    written = {t: after[t] - before[t] for t in after if after[t] != before[t]}
    assert set(written) <= {"audit_log"}, written
    # Not vacuous: every route was attacked (the queries alone; a body's fields too).
    assert attacked == {(method, path) for method, path, _ in routes(app)}
    assert tried >= 3 * len(routes(app))
