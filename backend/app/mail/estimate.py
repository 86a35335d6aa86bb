"""The estimate e-mail: the homeowner's estimate, sent when they give their email.

The advisor promises it only when e-mail can be sent (``MAIL_ENABLED``). The chat
publishes ``mail.estimate`` (the conversation's id, never the address) in the turn's own
transaction; the worker renders the message from the chat as it is when it sends, so a
chat whose contact details were removed meanwhile (declined, erased) gets nothing, and
sends it (SMTP, or a file in the embedded mode). One message per chat and address.
"""

from __future__ import annotations

import uuid
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.conversation.models import Conversation
from app.core.jobs import Consumer, JobContext
from app.core.outbox import OutboxEvent, publish
from app.mail.transport import transport_for

ESTIMATE_MAIL = "mail.estimate"


def request_estimate_mail(session: AsyncSession, conversation: Conversation, email: str) -> None:
    """Queue the estimate e-mail for this chat (in the caller's transaction)."""
    publish(
        session,
        ESTIMATE_MAIL,
        key=conversation.id,  # the consumer reads the address the chat holds when it sends
        payload={"conversation_id": str(conversation.id)},
    )


def _dollars(cents: Any) -> str:
    return f"${int(cents) / 100:,.0f}"


def render(conversation: Conversation, settings: Any) -> EmailMessage | None:
    slots, estimate = conversation.slots or {}, conversation.estimate
    email = slots.get("email")
    if not email or not estimate:
        return None
    name = slots.get("first_name") or "there"
    location = estimate.get("location") or {}
    lines = [
        f"Hi {name},",
        "",
        f"Here is the solar estimate for your home in {location.get('city', '')}, "
        f"{location.get('state', '')} {location.get('zip_code', '')}:".replace(" ,", ","),
        "",
        f"- System size: {estimate.get('system_size_kw', 0):g} kW "
        f"({estimate.get('panel_count', '?')} panels)",
        f"- Production: about {float(estimate.get('annual_production_kwh', 0)):,.0f} kWh a year",
    ]
    if estimate.get("gross_cost_cents") is not None:
        cost = _dollars(estimate["gross_cost_cents"])
        lines.append(f"- Installed cost: about {cost} before incentives")
    if estimate.get("year1_savings_cents") is not None:
        lines.append(f"- First-year savings: about {_dollars(estimate['year1_savings_cents'])}")
    if estimate.get("payback_years") is not None:
        lines.append(f"- Payback: about {float(estimate['payback_years']):.0f} years")
    lines += [
        "",
        "Every figure comes from our solar model (NREL's PVWatts method with your area's "
        "weather and your state's rates); an installer's quote after a site visit is firmer.",
        "",
        "You can see the whole estimate, and how we calculated it, on the page where you "
        f"chatted: {settings.public_site_url}",
        "",
        "Aurum Solar",
        f"Privacy: {settings.public_site_url.rstrip('/')}/privacy",
    ]
    message = EmailMessage()
    message["Subject"] = "Your solar estimate from Aurum Solar"
    message["From"] = formataddr(("Aurum Solar", settings.mail_from))
    message["To"] = email
    message["Message-ID"] = make_msgid(domain=settings.mail_from.split("@")[-1])
    message.set_content("\n".join(lines))
    return message


async def send_estimate(session: AsyncSession, event: OutboxEvent, ctx: JobContext) -> None:
    conversation = (
        await session.execute(
            sa.select(Conversation).where(
                Conversation.id == uuid.UUID(event.payload["conversation_id"])
            )
        )
    ).scalar_one_or_none()
    if conversation is None or conversation.contact_purged_at is not None:
        return  # gone, or the homeowner's details were removed: nothing to send
    message = render(conversation, ctx.settings)
    if message is None:
        return
    await transport_for(ctx.settings).send(message, at=ctx.now)


CONSUMERS = [Consumer("mail.estimate", (ESTIMATE_MAIL,), send_estimate, batch=20)]
