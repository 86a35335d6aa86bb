"""The estimate e-mail is real: queued in the turn, sent by the worker (SMTP or files)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from email import message_from_bytes
from pathlib import Path

import httpx
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.outbox import OutboxEvent
from app.mail.estimate import CONSUMERS as MAIL_CONSUMERS
from app.mail.transport import mail_dir
from app.worker import Worker
from tests.conversation.chat import HAPPY_PATH, Chat
from tests.test_worker import shared_factory

BACKEND = Path(__file__).resolve().parents[2]
EMAIL_AT = HAPPY_PATH.index("jane.doe@example.com")


async def send_mail(app: FastAPI, settings=None) -> int:  # type: ignore[no-untyped-def]
    worker = Worker(
        shared_factory(app),
        settings or app.state.settings,
        jobs=[],
        consumers=MAIL_CONSUMERS,
        pollers=[],
    )
    return await worker.drain(MAIL_CONSUMERS[0])


async def chat_until_email(client: httpx.AsyncClient) -> Chat:
    chat = await Chat.start(client)
    for line in HAPPY_PATH[: EMAIL_AT + 1]:
        await chat.say(line)
    return chat


def mails_to(directory: Path, address: str) -> list[bytes]:
    out = []
    for path in directory.glob("*.eml"):
        raw = path.read_bytes()
        if message_from_bytes(raw)["To"] == address:
            out.append(raw)
    return out


async def test_the_email_given_in_chat_gets_the_estimate_as_a_file(
    app: FastAPI, client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    chat = await chat_until_email(client)
    events = list(
        (
            await db_session.execute(
                sa.select(OutboxEvent).where(OutboxEvent.topic == "mail.estimate")
            )
        ).scalars()
    )
    mine = [e for e in events if e.payload["conversation_id"] == chat.id]
    assert len(mine) == 1
    assert "jane" not in repr(mine[0].payload)  # the address never sits in the outbox

    assert await send_mail(app) >= 1
    found = mails_to(mail_dir(app.state.settings), "jane.doe@example.com")
    assert found, "no .eml written"
    message = message_from_bytes(found[-1])
    body = message.get_payload(decode=True).decode()
    estimate = chat.state["estimate"]
    assert message["Subject"] == "Your solar estimate from Aurum Solar"
    assert f"{estimate['system_size_kw']:g} kW" in body
    assert "Hi Jane," in body


async def test_no_mail_once_the_homeowner_declined(
    app: FastAPI, client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    before = set(mail_dir(app.state.settings).glob("*.eml"))
    chat = await chat_until_email(client)
    await chat.say("(602) 555-0142")
    await chat.say("no thanks")
    assert chat.state["status"] == "ended"
    await send_mail(app)
    after = set(mail_dir(app.state.settings).glob("*.eml")) - before
    assert not [p for p in after if b"jane.doe@example.com" in p.read_bytes()]


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_over_smtp_when_an_smtp_server_is_configured(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        await chat_until_email(client)
        settings = app.state.settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": controller.port, "smtp_starttls": False}
        )
        await send_mail(app, settings)
    finally:
        controller.stop()
    delivered = [m for m in inbox.messages if "jane.doe@example.com" in m[1]]
    assert delivered, inbox.messages
    assert delivered[0][0] == settings.mail_from
    assert b"Your solar estimate" in delivered[0][2]


async def test_without_mail_the_advisor_does_not_promise_it(
    app: FastAPI, client: httpx.AsyncClient, db_session: AsyncSession
) -> None:
    tools = app.state.advisor.tools
    tools.sends_estimate_email = False
    try:
        chat = await Chat.start(client)
        texts = []
        for line in HAPPY_PATH[: EMAIL_AT + 1]:
            texts.append(await chat.say_text(line))
        asked = next(t for t in texts if "email" in t.lower())
        assert "send your estimate" not in asked
        pending = await db_session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.topic == "mail.estimate", OutboxEvent.key.startswith(chat.id))
        )
        assert pending == 0
    finally:
        tools.sends_estimate_email = True


def test_aurum_mail_lists_and_shows(tmp_path: Path) -> None:
    (tmp_path / "mail").mkdir()
    (tmp_path / "mail" / "20261201T100000-x.eml").write_bytes(
        b"To: a@example.com\r\nSubject: Hello\r\n\r\nbody text\r\n"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k != "FORCE_COLOR"},
        "AURUM_DATA_DIR": str(tmp_path),
        "SMTP_HOST": "",
        "NO_COLOR": "1",
    }

    def aurum(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app.cli", "mail", *args],
            cwd=BACKEND, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    listed = aurum()
    assert listed.returncode == 0, listed.stderr
    assert "20261201T100000-x.eml  to a@example.com  Hello" in listed.stdout
    shown = aurum("show", "20261201T100000-x.eml")
    assert "body text" in shown.stdout
    assert aurum("show", "../../etc/passwd").returncode == 2
    assert uuid  # (imported for chat ids elsewhere)
