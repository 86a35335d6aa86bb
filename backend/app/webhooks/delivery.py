"""Delivering webhooks: at least once, never lost, retried on the Standard Webhooks
schedule.

1. **Fan-out** (an outbox consumer): a sale, a return decision, a cap reached or a low
   balance becomes one delivery per subscribed endpoint of the partner, in the event's
   own transaction; the body is fixed then, so every retry sends the same bytes. A
   delivery's id is derived from (event, endpoint): handling an event twice cannot
   make a second delivery.
2. **Sending** (a poller): a worker leases due deliveries (``FOR UPDATE SKIP LOCKED`` on
   PostgreSQL, the database lock on SQLite), commits the lease, sends outside any
   transaction (``WEBHOOK_TIMEOUT_SECONDS``, 15), then records the attempt. A worker
   that dies mid-send leaves a lease that expires (``WEBHOOK_LEASE_SECONDS``) and the
   delivery is sent again with the same ``webhook-id``: receivers deduplicate on it.
   Ordering is not promised.
3. **Outcomes**: 2xx delivered; 410 disables the endpoint (its deliveries are held);
   429/502/503/504 wait at least their ``Retry-After``; anything else (3xx included,
   timeouts, refused connections) is a failure retried after 5 s, 5 min, 30 min, 2 h,
   5 h, 10 h, 14 h, 20 h and 24 h (+-10 % jitter). After the tenth attempt the delivery
   is held, never dropped; a held delivery or a disabled endpoint shows on the partner's
   account and in the staff feed until someone redelivers, replays or re-enables.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import events as live
from app.core import outbox
from app.core.jobs import JobContext
from app.core.outbox import OutboxEvent
from app.partners.models import Partner
from app.webhooks import signing
from app.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from app.webhooks.ssrf import UnsafeURL, check_url
from app.webhooks.topics import TYPE_OF_TOPIC

logger = logging.getLogger("aurum.webhooks")

# Seconds to wait before attempt n+1 after attempt n failed (n = 0: the first attempt,
# sent immediately). The Standard Webhooks example schedule.
SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
MAX_ATTEMPTS = len(SCHEDULE) + 1
RETRY_AFTER_STATUSES = frozenset({429, 502, 503, 504})
MAX_RETRY_AFTER = 86400
RESPONSE_KEPT = 1024

DELIVERY_FAILED = "webhook.delivery_failed"
ENDPOINT_DISABLED = "webhook.endpoint_disabled"


def delivery_id(event_key: str, endpoint_id: uuid.UUID) -> str:
    return "msg_" + hashlib.sha256(f"{event_key}:{endpoint_id}".encode()).hexdigest()[:32]


def retry_delay(
    attempts: int, rng: random.Random, retry_after: float | None = None
) -> float | None:
    """Seconds until the next attempt after ``attempts`` failed ones, or None: exhausted."""
    if attempts >= MAX_ATTEMPTS:
        return None
    base = SCHEDULE[attempts - 1]
    delay = base * rng.uniform(0.9, 1.1)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return delay


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """``Retry-After`` as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def body_of(event_type: str, at: datetime, data: dict[str, Any]) -> str:
    return json.dumps(
        {"type": event_type, "timestamp": at.isoformat(), "data": data},
        separators=(",", ":"),
        sort_keys=True,
        default=str,
    )


async def enqueue(
    session: AsyncSession,
    *,
    partner_id: uuid.UUID,
    event_type: str,
    event_key: str,
    data: dict[str, Any],
    at: datetime,
    endpoints: list[WebhookEndpoint] | None = None,
) -> list[str]:
    """One delivery per subscribed endpoint (held for a disabled one); their ids."""
    if endpoints is None:
        endpoints = list(
            (
                await session.execute(
                    sa.select(WebhookEndpoint).where(WebhookEndpoint.partner_id == partner_id)
                )
            ).scalars()
        )
    created = []
    body = body_of(event_type, at, data)
    for endpoint in endpoints:
        if event_type not in endpoint.event_types and event_type != "webhook.test":
            continue
        message_id = delivery_id(event_key, endpoint.id)
        if await session.get(WebhookDelivery, message_id) is not None:
            continue  # this event was fanned out before (the handler ran twice)
        active = endpoint.status == "active"
        session.add(
            WebhookDelivery(
                id=message_id,
                endpoint_id=endpoint.id,
                partner_id=partner_id,
                event_type=event_type,
                event_key=event_key,
                body=body,
                status="pending" if active else "held",
                held_reason=None if active else "endpoint disabled",
                attempts=0,
                next_attempt_at=at if active else None,
                created_at=at,
            )
        )
        created.append(message_id)
        if not active:
            live.publish_after_commit(
                session,
                live.WEBHOOK_DELIVERY_HELD,
                {
                    "delivery_id": message_id,
                    "endpoint_id": endpoint.id,
                    "endpoint_status": endpoint.status,
                    "partner_id": partner_id,
                    "event_type": event_type,
                    "attempts": 0,
                    "held_reason": "endpoint disabled",
                },
                at=at,
            )
    await session.flush()
    return created


# --- fan-out: outbox events of the selling side -> deliveries -------------------------------


async def fan_out(session: AsyncSession, event: OutboxEvent, ctx: JobContext) -> None:
    from app.webhooks import events  # the payloads (they read the selling side's tables)

    partner_id, data = await events.payload_for(session, event, ctx.settings)
    if partner_id is None:
        return
    await enqueue(
        session,
        partner_id=partner_id,
        event_type=TYPE_OF_TOPIC[event.topic],
        event_key=f"{event.topic}:{event.key}:{event.id}",
        data=data,
        at=event.created_at,
    )


# --- sending ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    status_code: int | None
    latency_ms: int
    response: str | None
    error: str | None
    retry_after: float | None


class Sender:
    """Sends leased deliveries; one per worker process (keeps its HTTP connections)."""

    def __init__(self, *, timeout_seconds: float, allow_private: bool) -> None:
        self.timeout_seconds = timeout_seconds
        self.allow_private = allow_private
        self._client: httpx.AsyncClient | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=self.timeout_seconds,
                follow_redirects=False,  # a 3xx is a failure, never followed
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def send(self, url: str, headers: dict[str, str], body: str, now: datetime) -> Result:
        started = time.perf_counter()
        try:
            await check_url(url, allow_private=self.allow_private)
            response = await self.client.post(url, content=body.encode(), headers=headers)
        except UnsafeURL as exc:
            return Result(None, 0, None, f"refused: {exc}", None)
        except httpx.TimeoutException:
            return Result(
                None, _ms(started), None, f"timed out after {self.timeout_seconds:g} s", None
            )
        except httpx.HTTPError as exc:
            return Result(None, _ms(started), None, f"{type(exc).__name__}: {exc}"[:500], None)
        retry_after = None
        if response.status_code in RETRY_AFTER_STATUSES:
            retry_after = parse_retry_after(response.headers.get("retry-after"), now)
        return Result(
            response.status_code,
            _ms(started),
            response.text[:RESPONSE_KEPT],
            None if response.is_success else f"HTTP {response.status_code}",
            retry_after,
        )


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


async def lease_due(
    session: AsyncSession, now: datetime, *, limit: int, worker: str, lease: timedelta
) -> list[str]:
    statement = (
        sa.select(WebhookDelivery.id)
        .where(
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= now,
            sa.or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until < now),
        )
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    ids = list((await session.execute(statement)).scalars())
    if ids:
        await session.execute(
            sa.update(WebhookDelivery)
            .where(WebhookDelivery.id.in_(ids))
            .values(lease_until=now + lease, leased_by=worker)
        )
    return ids


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    current = [endpoint.secret]
    if endpoint.previous_secret and (
        endpoint.previous_secret_expires_at is None or endpoint.previous_secret_expires_at > now
    ):
        current.append(endpoint.previous_secret)
    return current


@dataclass(frozen=True)
class Prepared:
    message_id: str
    url: str
    body: str
    secrets: list[str]


async def prepare(session: AsyncSession, message_id: str, now: datetime) -> Prepared | None:
    """What to send for a leased delivery; None when it is not to be sent (it was
    delivered meanwhile, or its endpoint is disabled: then it is held)."""
    delivery = await session.get(WebhookDelivery, message_id)
    endpoint = await session.get(WebhookEndpoint, delivery.endpoint_id) if delivery else None
    if delivery is None or endpoint is None or delivery.status != "pending":
        return None
    if endpoint.status != "active":
        delivery.status, delivery.held_reason = "held", "endpoint disabled"
        delivery.lease_until = delivery.leased_by = None
        return None
    return Prepared(message_id, endpoint.url, delivery.body, signing_secrets(endpoint, now))


async def record_attempt(
    session: AsyncSession,
    job: Prepared,
    result: Result,
    *,
    at: datetime,
    worker: str,
    rng: random.Random,
) -> str:
    """Log the attempt and move the delivery on; its outcome (delivered, retry, held)."""
    delivery = await session.get(WebhookDelivery, job.message_id)
    endpoint = await session.get(WebhookEndpoint, delivery.endpoint_id)
    session.add(
        WebhookAttempt(
            id=uuid.uuid4(),
            delivery_id=job.message_id,
            attempted_at=at,
            status_code=result.status_code,
            latency_ms=result.latency_ms,
            response=result.response,
            error=result.error,
            worker=worker,
            meta={"retry_after": result.retry_after} if result.retry_after else {},
        )
    )
    if delivery.status == "delivered":
        return "delivered"  # another worker got there first (an expired lease)
    delivery.attempts += 1
    delivery.last_status_code = result.status_code
    delivery.last_error = result.error
    delivery.lease_until = delivery.leased_by = None
    code = result.status_code
    if code is not None and 200 <= code < 300:
        delivery.status, delivery.delivered_at = "delivered", at
        return "delivered"
    if code == 410:
        endpoint.status = "disabled"
        endpoint.disabled_reason = "the receiver answered 410 Gone"
        endpoint.disabled_at = at
        delivery.status, delivery.held_reason = "held", "endpoint disabled (410 Gone)"
        outbox.publish(
            session,
            ENDPOINT_DISABLED,
            key=endpoint.id,
            payload={"endpoint_id": str(endpoint.id), "partner_id": str(endpoint.partner_id)},
            now=at,
        )
        return "held"
    delay = retry_delay(delivery.attempts, rng, result.retry_after)
    if delay is None:
        delivery.status = "held"
        delivery.held_reason = f"no success after {MAX_ATTEMPTS} attempts"
        outbox.publish(
            session,
            DELIVERY_FAILED,
            key=job.message_id,
            payload={
                "delivery_id": job.message_id,
                "endpoint_id": str(endpoint.id),
                "partner_id": str(endpoint.partner_id),
                "event_type": delivery.event_type,
            },
            now=at,
        )
        return "held"
    delivery.next_attempt_at = at + timedelta(seconds=delay)
    return "retry"


async def tell_live_feed(
    session: AsyncSession, message_id: str, outcome: str, at: datetime
) -> None:
    """A failed attempt (to be retried) or a held delivery, on the staff's live feed once
    the attempt's record commits: the out-of-band word that a partner is not receiving."""
    if outcome not in ("retry", "held"):
        return
    delivery = await session.get(WebhookDelivery, message_id)
    endpoint = await session.get(WebhookEndpoint, delivery.endpoint_id) if delivery else None
    if delivery is None or endpoint is None:
        return
    partner_name = await session.scalar(
        sa.select(Partner.name).where(Partner.id == delivery.partner_id)
    )
    live.publish_after_commit(
        session,
        live.WEBHOOK_DELIVERY_HELD if outcome == "held" else live.WEBHOOK_DELIVERY_FAILED,
        {
            "delivery_id": delivery.id,
            "endpoint_id": endpoint.id,
            "endpoint_status": endpoint.status,
            "partner_id": delivery.partner_id,
            "partner_name": partner_name,
            "event_type": delivery.event_type,
            "attempts": delivery.attempts,
            "status_code": delivery.last_status_code,
            "error": delivery.last_error,
            "next_attempt_at": delivery.next_attempt_at if outcome == "retry" else None,
            "held_reason": delivery.held_reason if outcome == "held" else None,
        },
        at=at,
    )


class DeliveryPoller:
    """The worker's webhook poller: lease a batch of due deliveries, send them at once."""

    def __init__(self, settings: Any, *, worker: str, seed: int | None = None) -> None:
        self.settings = settings
        self.worker = worker
        self.sender = Sender(
            timeout_seconds=settings.webhook_timeout_seconds,
            allow_private=settings.webhooks_allow_private,
        )
        self.rng = random.Random(seed)  # noqa: S311 - jitter, not a secret

    async def __call__(self, ctx: JobContext) -> int:
        """Lease, read, send all at once (no transaction open while waiting on the
        network), then record each attempt in its own transaction."""
        lease = timedelta(seconds=self.settings.webhook_lease_seconds)
        async with ctx.session_factory() as session:
            ids = await lease_due(
                session, ctx.now, limit=self.settings.webhook_batch, worker=self.worker, lease=lease
            )
        if not ids:
            return 0
        async with ctx.session_factory() as session:
            jobs = [job for i in ids if (job := await prepare(session, i, ctx.now)) is not None]
        at = ctx.now
        results = await asyncio.gather(
            *(
                self.sender.send(
                    job.url,
                    signing.headers(job.secrets, job.message_id, int(at.timestamp()), job.body),
                    job.body,
                    at,
                )
                for job in jobs
            )
        )
        for job, result in zip(jobs, results, strict=True):
            try:
                async with ctx.session_factory() as session:
                    outcome = await record_attempt(
                        session, job, result, at=at, worker=self.worker, rng=self.rng
                    )
                    await tell_live_feed(session, job.message_id, outcome, at)
            except Exception:
                # The attempt happened but is not on record (the database went away?):
                # the lease runs out and the delivery goes again, with the same id.
                logger.exception(
                    "webhook attempt failed to record", extra={"delivery_id": job.message_id}
                )
        return len(ids)

    async def close(self) -> None:
        await self.sender.close()
