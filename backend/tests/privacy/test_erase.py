"""Erasure on request, from the dashboard and from the command line."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.models import AuditLog
from app.conversation.models import Conversation, Message
from app.leads.models import ConsentRecord, Lead, LeadSubmission
from tests.conversation.chat import HAPPY_PATH, Chat

ERASE = "/api/v1/admin/privacy/erase"


async def test_a_manager_erases_a_person_and_the_audit_log_keeps_no_pii(
    client: httpx.AsyncClient, db_session: AsyncSession, as_role
) -> None:
    chat = await Chat.start(client, utm_source="news", utm_content="jane.doe@example.com")
    for line in HAPPY_PATH:
        await chat.say(line)
    lead_id = uuid.UUID(chat.state["lead_id"])
    headers = await as_role("manager")

    refused = await client.post(ERASE, json={"email": "jane.doe@example.com"}, headers=headers)
    assert refused.status_code == 422  # confirm is required
    erased = await client.post(
        ERASE, json={"email": "Jane.Doe@Example.com", "confirm": True}, headers=headers
    )
    assert erased.status_code == 200, erased.text
    body = erased.json()
    assert body["leads"] == [str(lead_id)] and body["conversations"] == 1
    assert body["messages"] >= 3

    lead = await db_session.get(Lead, lead_id)
    await db_session.refresh(lead)
    assert (lead.first_name, lead.last_name, lead.email, lead.phone) == ("", "", None, None)
    assert lead.erased_at is not None and lead.utm == {}
    assert lead.zip_code == "85004" and lead.monthly_bill_cents == 21000  # analytics stay
    everything = []
    for model in (Conversation, Message, ConsentRecord, LeadSubmission):
        rows = (
            await db_session.execute(sa.select(model).execution_options(populate_existing=True))
        ).scalars()
        everything += [
            repr({c.name: getattr(r, c.name) for c in model.__table__.columns}) for r in rows
        ]
    text = "\n".join(everything)
    for value in ("jane.doe@example.com", "555-0142", "5550142", "Doe"):
        assert value not in text

    entry = (
        await db_session.execute(sa.select(AuditLog).where(AuditLog.action == "privacy.erase"))
    ).scalar_one()
    assert entry.details["leads"] == [str(lead_id)]
    assert "jane" not in repr(entry.details).lower() and "0142" not in repr(entry.details)

    detail = (await client.get(f"/api/v1/admin/leads/{lead_id}", headers=headers)).json()
    assert detail["erased"] is True and detail["email"] is None


async def test_analysts_cannot_erase(client: httpx.AsyncClient, as_role) -> None:
    response = await client.post(
        ERASE, json={"phone": "602-555-0142", "confirm": True}, headers=await as_role("analyst")
    )
    assert response.status_code == 403


async def test_bad_input_is_422(client: httpx.AsyncClient, as_role) -> None:
    headers = await as_role("manager")
    for body in (
        {"confirm": True},
        {"email": "nope", "confirm": True},
        {"phone": "12", "confirm": True},
    ):
        response = await client.post(ERASE, json=body, headers=headers)
        assert response.status_code == 422, body
        assert set(response.json()) == {"error"}


def test_aurum_privacy_erase(tmp_path: Path) -> None:
    backend = Path(__file__).resolve().parents[2]
    env = {**os.environ, "AURUM_DATA_DIR": str(tmp_path), "DATABASE_URL": "", "REDIS_URL": ""}

    def aurum(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            cwd=backend,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert aurum("db", "upgrade").returncode == 0
    bad = aurum("privacy", "erase", "--email", "not-an-email", "--yes")
    assert bad.returncode == 2 and "Not a valid email" in bad.stderr
    done = aurum("privacy", "erase", "--email", "nobody@example.com", "--yes")
    assert done.returncode == 0, done.stderr
    assert "Erased 0 lead(s) and 0 chat(s)" in done.stdout
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'aurum.db'}")
    with engine.connect() as conn:
        actions = conn.execute(sa.text("SELECT action, details FROM audit_log")).all()
    engine.dispose()
    assert [a for a, _ in actions] == ["privacy.erase"]
    assert "nobody" not in actions[0][1]
