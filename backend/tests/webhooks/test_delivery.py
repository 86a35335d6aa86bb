"""Webhook delivery against a real local receiver: the schedule, 410, 429 with
Retry-After, timeouts, exhaustion, signatures verified with `standardwebhooks`."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from app.core.config import Settings
from app.core.jobs import JobContext
from app.core.outbox import OutboxEvent
from app.webhooks import service
from app.webhooks.delivery import SCHEDULE, DeliveryPoller, enqueue
from app.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tests.partners.support import make_partner
from tests.support.receiver import Receiver, Step, running
from tests.test_worker import shared_factory

# The partner's library (`standardwebhooks`) refuses signatures dated more than five
# minutes from its own clock, so each test starts its clock at the real time (``T0``
# below is only the endpoints' creation time).
T0 = datetime.now(UTC).replace(microsecond=0)


def real_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def loopback(settings: Settings, **extra: object) -> Settings:
    return settings.model_copy(
        update={"webhooks_allow_private": True, "webhook_timeout_seconds": 0.5, **extra}
    )


async def endpoint_for(session: AsyncSession, settings: Settings, url: str):  # type: ignore[no-untyped-def]
    partner = await make_partner(session)
    made = await service.create_endpoint(
        session,
        partner.id,
        url=url,
        event_types=["lead.sold", "partner.cap_reached"],
        description="test",
        settings=settings,
        now=T0,
    )
    return partner, made


async def deliver_due(app: FastAPI, settings: Settings, now: datetime) -> int:
    poller = DeliveryPoller(settings, worker="test-worker", seed=1)
    try:
        return await poller(JobContext(shared_factory(app), settings, now))
    finally:
        await poller.close()


async def one(session: AsyncSession, message_id: str) -> WebhookDelivery:
    return (
        await session.execute(
            sa.select(WebhookDelivery)
            .where(WebhookDelivery.id == message_id)
            .execution_options(populate_existing=True)
        )
    ).scalar_one()


async def test_the_retry_schedule_and_what_each_answer_means(
    app: FastAPI, db_session: AsyncSession
) -> None:
    T0 = real_now()
    settings = loopback(app.state.settings)
    receiver = Receiver(
        script=[
            Step(500),
            Step(delay=1.5),  # longer than the 0.5 s timeout
            Step(302, {"Location": "https://elsewhere.example/"}),  # a redirect is a failure
            Step(429, {"Retry-After": "20000"}),
            Step(204, body=""),
        ]
    )
    async with running(receiver):
        partner, made = await endpoint_for(db_session, settings, receiver.url)
        [message_id] = await enqueue(
            db_session,
            partner_id=partner.id,
            event_type="lead.sold",
            event_key="sale-1",
            data={"hello": "world"},
            at=T0,
        )
        now = T0
        waits = []
        for _ in range(5):
            assert await deliver_due(app, settings, now) == 1
            delivery = await one(db_session, message_id)
            if delivery.status != "pending":
                break
            waits.append((delivery.next_attempt_at - now).total_seconds())
            # Nothing goes out before it is due.
            assert (
                await deliver_due(app, settings, delivery.next_attempt_at - timedelta(seconds=1))
                == 0
            )
            now = delivery.next_attempt_at
        assert delivery.status == "delivered" and delivery.attempts == 5
        # 5 s, 5 min, 30 min after the first three failures (+-10 %), then at least the
        # 429's Retry-After (20,000 s) rather than the schedule's 2 h.
        for wait, base in zip(waits[:3], SCHEDULE[:3], strict=True):
            assert base * 0.9 <= wait <= base * 1.1
        assert waits[3] >= 20000
        attempts = list(
            (
                await db_session.execute(
                    sa.select(WebhookAttempt)
                    .where(WebhookAttempt.delivery_id == message_id)
                    .order_by(WebhookAttempt.attempted_at)
                )
            ).scalars()
        )
        assert [a.status_code for a in attempts] == [500, None, 302, 429, 204]
        assert "timed out" in attempts[1].error
        assert attempts[0].response == "ok" and attempts[0].latency_ms is not None
        # The same webhook-id every time; nothing more after the success.
        assert receiver.ids() == [message_id] * 5
        assert await deliver_due(app, settings, now + timedelta(days=2)) == 0
        assert len(receiver.received) == 5

        # Signed per Standard Webhooks: the partner's library accepts it.
        first = receiver.received[0]
        Webhook(made.secret).verify(first.body, first.headers)
        assert first.body.startswith('{"data":{"hello":"world"}')


async def test_410_disables_the_endpoint_and_nothing_is_dropped(
    app: FastAPI, db_session: AsyncSession, client, as_role
) -> None:  # type: ignore[no-untyped-def]
    T0 = real_now()
    settings = loopback(app.state.settings)
    receiver = Receiver(script=[Step(410)], then=Step(200))
    async with running(receiver):
        partner, made = await endpoint_for(db_session, settings, receiver.url)
        first = await enqueue(
            db_session, partner_id=partner.id, event_type="lead.sold", event_key="a", data={}, at=T0
        )
        await deliver_due(app, settings, T0)
        endpoint = await db_session.get(WebhookEndpoint, made.endpoint.id)
        await db_session.refresh(endpoint)
        assert endpoint.status == "disabled" and "410" in endpoint.disabled_reason
        assert (await one(db_session, first[0])).status == "held"
        # Events while disabled are held, not lost.
        later = await enqueue(
            db_session, partner_id=partner.id, event_type="lead.sold", event_key="b", data={}, at=T0
        )
        assert (await one(db_session, later[0])).status == "held"
        assert await deliver_due(app, settings, T0 + timedelta(hours=1)) == 0

        # A manager re-enables it: the held deliveries go out.
        enabled = await client.post(
            f"/api/v1/admin/webhook-endpoints/{endpoint.id}/enable",
            headers=await as_role("manager"),
        )
        assert enabled.status_code == 200, enabled.text
        assert enabled.json()["released"] == 2
        await deliver_due(app, settings, datetime.now(UTC) + timedelta(seconds=1))
        assert {(await one(db_session, i)).status for i in first + later} == {"delivered"}
        assert sorted(receiver.ids()) == sorted([first[0], first[0], later[0]])


async def test_after_the_last_retry_a_delivery_is_held_and_staff_are_told(
    app: FastAPI, db_session: AsyncSession
) -> None:
    T0 = real_now()
    settings = loopback(app.state.settings)
    receiver = Receiver(then=Step(503))
    async with running(receiver):
        partner, _ = await endpoint_for(db_session, settings, receiver.url)
        [message_id] = await enqueue(
            db_session, partner_id=partner.id, event_type="lead.sold", event_key="x", data={}, at=T0
        )
        now = T0
        for _ in range(10):
            await deliver_due(app, settings, now)
            delivery = await one(db_session, message_id)
            if delivery.status != "pending":
                break
            now = delivery.next_attempt_at
        assert (delivery.status, delivery.attempts) == ("held", 10)
        assert "10 attempts" in delivery.held_reason
        notice = await db_session.scalar(
            sa.select(OutboxEvent).where(
                OutboxEvent.topic == "webhook.delivery_failed", OutboxEvent.key == message_id
            )
        )
        assert notice is not None


async def test_during_a_rotation_both_secrets_sign(app: FastAPI, db_session: AsyncSession) -> None:
    T0 = real_now()
    settings = loopback(app.state.settings)
    receiver = Receiver()
    async with running(receiver):
        partner, made = await endpoint_for(db_session, settings, receiver.url)
        rotated = await service.rotate_secret(
            db_session, made.endpoint, now=T0 - timedelta(hours=1)
        )
        await enqueue(
            db_session, partner_id=partner.id, event_type="lead.sold", event_key="r", data={}, at=T0
        )
        await deliver_due(app, settings, T0)
        got = receiver.received[-1]
        assert len(got.headers["webhook-signature"].split(" ")) == 2
        for secret in (made.secret, rotated.secret):  # a partner on either secret verifies
            Webhook(secret).verify(got.body, got.headers)
        stranger = "whsec_" + base64.b64encode(b"x" * 32).decode()
        with pytest.raises(WebhookVerificationError):
            Webhook(stranger).verify(got.body, got.headers)
        # After the overlap (24 hours) only the new secret signs.
        again = await service.rotate_secret(db_session, made.endpoint, now=T0 - timedelta(hours=25))
        rotated = again
        await enqueue(
            db_session, partner_id=partner.id, event_type="lead.sold", event_key="s", data={}, at=T0
        )
        await deliver_due(app, settings, T0)
        later = receiver.received[-1]
        assert len(later.headers["webhook-signature"].split(" ")) == 1
        Webhook(rotated.secret).verify(later.body, later.headers)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/hooks",  # not https
        "https://127.0.0.1/hooks",
        "https://10.1.2.3/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://user:pass@example.com/hooks",
        "ftp://example.com/",
    ],
)
async def test_urls_that_are_not_public_https_are_refused(
    app: FastAPI, db_session: AsyncSession, url: str
) -> None:
    T0 = real_now()
    from app.core.errors import ValidationFailed

    partner = await make_partner(db_session)
    with pytest.raises(ValidationFailed) as refused:
        await service.create_endpoint(
            db_session,
            partner.id,
            url=url,
            event_types=["lead.sold"],
            description=None,
            settings=app.state.settings,  # WEBHOOKS_ALLOW_PRIVATE off, as in production
            now=T0,
        )
    assert refused.value.code == "unsafe_url"


async def test_a_url_that_turns_private_is_refused_at_send_time(
    app: FastAPI, db_session: AsyncSession
) -> None:
    T0 = real_now()
    partner = await make_partner(db_session)
    endpoint = WebhookEndpoint(
        id=uuid.uuid4(),
        partner_id=partner.id,
        url="https://localhost/hooks",  # resolves to loopback
        event_types=["lead.sold"],
        status="active",
        secret="whsec_" + base64.b64encode(b"k" * 32).decode(),
    )
    db_session.add(endpoint)
    await db_session.flush()
    [message_id] = await enqueue(
        db_session, partner_id=partner.id, event_type="lead.sold", event_key="p", data={}, at=T0
    )
    await deliver_due(app, app.state.settings, T0)
    attempt = await db_session.scalar(
        sa.select(WebhookAttempt).where(WebhookAttempt.delivery_id == message_id)
    )
    assert attempt.status_code is None and attempt.error.startswith("refused")
