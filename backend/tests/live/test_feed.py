"""The live feed: what commits reaches open streams (and what rolls back never does),
tickets, resumption with Last-Event-ID, masking for analysts, and fan-out across two
API instances on one Redis (services pass)."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import fastapi.routing
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.models import RefreshToken
from app.core import events
from app.core.cache import build_store
from app.core.db import utcnow
from app.core.events import LiveFeed, publish_after_commit
from app.core.jobs import JobContext
from app.live import admin_router as live_router
from app.live import service
from app.main import create_app
from app.partners import returns
from app.partners.service import Who
from app.webhooks import service as webhooks
from app.webhooks.delivery import DeliveryPoller, enqueue
from tests.conftest import SERVICES
from tests.live.sse import DEADLINE_SECONDS, Stream, free_port, open_stream, serving
from tests.partners.selling import only_these_partners_buy, sell
from tests.partners.support import make_lead, make_partner
from tests.support.staff import TestClient
from tests.test_worker import shared_factory

PII = {
    "first_name": "Jane",
    "last_name": "Doe",
    "email": "jane.doe@example.com",
    "phone": "+16025550142",
    "street_address": "12 Elm Street",
    "city": "Phoenix",
}


async def ticket_for(client: TestClient, headers: dict[str, str]) -> str:
    response = await client.post("/api/v1/admin/events/ticket", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["expires_in"] == 30 and len(body["ticket"]) >= 32
    return body["ticket"]


@pytest.fixture
async def base_url(app: FastAPI) -> AsyncIterator[str]:
    async with serving(app) as url:
        yield url


@contextlib.asynccontextmanager
async def live_stream(
    base_url: str,
    client: TestClient,
    auth: dict[str, str],
    *,
    headers: dict[str, str] | None = None,
    **params: str,
) -> AsyncIterator[Stream]:
    """An open stream, listening (its first message, a comment, has arrived)."""
    ticket = await ticket_for(client, auth)
    async with open_stream(base_url, {"ticket": ticket, **params}, headers) as stream:
        assert stream.response.status_code == 200, stream.response.text
        assert stream.response.headers["content-type"].startswith("text/event-stream")
        hello = await stream.next()
        assert hello is not None and hello.comments == ["connected"]
        yield stream


async def next_of(stream: Stream, event_type: str) -> dict:
    """The next event of ``event_type`` (others, from other tests' leftovers, skipped)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        message = await stream.next_event(within=deadline - time.monotonic())
        assert message is not None, "the stream ended"
        if message.event == event_type:
            assert message.data["id"] == message.id and message.data["type"] == event_type
            return message.data
    raise AssertionError(f"no {event_type} within {DEADLINE_SECONDS} s")


async def all_of(stream: Stream, *event_types: str) -> dict[str, dict]:
    """The next event of each of ``event_types``, in whatever order they come."""
    found: dict[str, dict] = {}
    deadline = time.monotonic() + DEADLINE_SECONDS
    while set(found) != set(event_types):
        assert time.monotonic() < deadline, f"only {sorted(found)} within the deadline"
        message = await stream.next_event(within=deadline - time.monotonic())
        assert message is not None, "the stream ended"
        if message.event in event_types:
            found.setdefault(message.event, message.data)
    return found


async def received_until(next_event, done) -> list[events.LiveEvent]:  # type: ignore[no-untyped-def]
    """Every event up to the first for which ``done(event)`` holds (another test's late
    event may come first)."""
    seen = []
    async with asyncio.timeout(DEADLINE_SECONDS):
        while not seen or not done(seen[-1]):
            seen.append(await next_event())
    return seen


# --- publishing after commit ----------------------------------------------------------------


async def test_only_what_commits_is_published(app: FastAPI, db_session: AsyncSession) -> None:
    tag = uuid.uuid4().hex
    async with app.state.live_feed.listen() as next_event:
        publish_after_commit(db_session, events.LEAD_CREATED, {"rolled-back": tag})
        await db_session.rollback()
        publish_after_commit(db_session, events.LEAD_CREATED, {"committed": tag})
        await db_session.commit()
        received = await received_until(next_event, lambda e: e.data == {"committed": tag})
    assert {"rolled-back": tag} not in [e.data for e in received]
    assert received[-1].type == "lead.created"


async def test_a_savepoint_that_rolls_back_takes_only_its_own_events(
    app: FastAPI, db_session: AsyncSession
) -> None:
    tag = uuid.uuid4().hex
    async with app.state.live_feed.listen() as next_event:
        publish_after_commit(db_session, events.LEAD_CREATED, {"outer": tag})
        with contextlib.suppress(RuntimeError):
            async with db_session.begin_nested():
                publish_after_commit(db_session, events.LEAD_CREATED, {"inner": tag})
                raise RuntimeError("undo the savepoint")
        await db_session.commit()
        publish_after_commit(db_session, events.LEAD_CREATED, {"after": tag})
        await db_session.commit()
        received = await received_until(next_event, lambda e: e.data == {"after": tag})
    ours = [e.data for e in received if tag in e.data.values()]
    assert ours == [{"outer": tag}, {"after": tag}]


async def test_sales_and_returns_reach_the_stream(
    app: FastAPI, db_session: AsyncSession, client: TestClient, base_url: str, as_role, make_user
) -> None:
    settings = app.state.settings
    await only_these_partners_buy(db_session)
    partner = await make_partner(
        db_session, name="Sunny Installs", caps={"day": 1}, low_balance_cents=995_000
    )
    async with live_stream(base_url, client, await as_role("manager")) as stream:
        outcome = await make_lead(db_session, first_name="Rosa", last_name="Diaz")
        await db_session.commit()
        created = await next_of(stream, "lead.created")
        assert created["data"]["lead_id"] == str(outcome.lead.id)
        assert created["data"]["first_name"] == "Rosa" and created["data"]["last_name"] == "Diaz"
        assert created["data"]["state"] == "AZ" and created["data"]["tier"] in "ABC"

        (sale,) = await sell(db_session, outcome.lead.id, settings)
        told = await all_of(stream, "partner.cap_reached", "partner.balance_low", "lead.sold")
        assert told["lead.sold"]["data"] == {
            "lead_id": str(outcome.lead.id),
            "sale_id": str(sale.id),
            "partner_id": str(partner.id),
            "partner_name": "Sunny Installs",
            "price_cents": 10_000,
            "exclusive": True,
            "buyers": 1,
            "tier": outcome.lead.tier,
            "state": "AZ",
        }
        capped = told["partner.cap_reached"]["data"]
        assert capped["period"] == "day" and capped["cap"] == 1
        assert capped["partner_name"] == "Sunny Installs"
        assert told["partner.balance_low"]["data"]["balance_cents"] == 990_000

        claim = await returns.file_return(
            db_session, partner, outcome.lead.id, reason="bad_contact", note=None,
            now=utcnow(), settings=settings,
        )  # fmt: skip
        await db_session.commit()
        requested = await next_of(stream, "return.requested")
        assert requested["data"]["return_id"] == str(claim.id)
        assert requested["data"]["reason"] == "bad_contact"

        who = Who(via="api", at=utcnow(), user=await make_user("manager"), ip="203.0.113.9")
        await returns.decide_return(db_session, claim.id, accept=True, note=None, who=who)
        await db_session.commit()
        returned = await next_of(stream, "lead.returned")
        assert returned["data"]["credit_cents"] == 10_000
        assert returned["data"]["partner_name"] == "Sunny Installs"


async def test_a_failing_webhook_is_on_the_feed(
    app: FastAPI, db_session: AsyncSession, client: TestClient, base_url: str, as_role
) -> None:
    settings = app.state.settings.model_copy(
        update={"webhooks_allow_private": True, "webhook_timeout_seconds": 0.5}
    )
    partner = await make_partner(db_session, name="Offline Solar")
    now = datetime.now(UTC).replace(microsecond=0)
    # Nothing listens on this port: every attempt fails at once.
    await webhooks.create_endpoint(
        db_session, partner.id, url=f"http://127.0.0.1:{free_port()}/hooks",
        event_types=["lead.sold"], description="down", settings=settings, now=now,
    )  # fmt: skip
    [message_id] = await enqueue(
        db_session, partner_id=partner.id, event_type="lead.sold", event_key="live-1",
        data={"hello": "world"}, at=now,
    )  # fmt: skip
    await db_session.commit()
    async with live_stream(base_url, client, await as_role("manager")) as stream:
        poller = DeliveryPoller(settings, worker="test-worker", seed=1)
        try:
            assert await poller(JobContext(shared_factory(app), settings, now)) == 1
        finally:
            await poller.close()
        failed = await next_of(stream, "webhook.delivery_failed")
    assert failed["data"]["delivery_id"] == message_id
    assert failed["data"]["partner_name"] == "Offline Solar"
    assert failed["data"]["attempts"] == 1 and failed["data"]["next_attempt_at"]


# --- tickets and roles -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["analyst", "manager", "admin"])
async def test_every_staff_role_gets_a_ticket(client: TestClient, as_role, role: str) -> None:
    await ticket_for(client, await as_role(role))


async def test_a_ticket_needs_a_signed_in_user(client: TestClient) -> None:
    response = await client.post("/api/v1/admin/events/ticket")
    assert response.status_code == 401


async def test_a_ticket_opens_one_stream_only(client: TestClient, base_url: str, as_role) -> None:
    ticket = await ticket_for(client, await as_role("manager"))
    async with open_stream(base_url, {"ticket": ticket}) as first:
        assert first.response.status_code == 200
        async with open_stream(base_url, {"ticket": ticket}) as second:
            assert second.response.status_code == 401
            assert second.response.json()["error"]["code"] == "invalid_ticket"


async def test_an_expired_ticket_is_refused(
    app: FastAPI, client: TestClient, base_url: str, as_role
) -> None:
    settings = app.state.settings
    original = settings.live_ticket_seconds
    settings.live_ticket_seconds = 1
    try:
        response = await client.post("/api/v1/admin/events/ticket", headers=await as_role("admin"))
    finally:
        settings.live_ticket_seconds = original
    ticket = response.json()["ticket"]
    assert response.json()["expires_in"] == 1
    deadline = time.monotonic() + DEADLINE_SECONDS
    while await app.state.store.ttl(service._key(ticket)) is not None:
        assert time.monotonic() < deadline, "the ticket never expired"
        await asyncio.sleep(0.1)
    async with open_stream(base_url, {"ticket": ticket}) as stream:
        assert stream.response.status_code == 401
        assert stream.response.json()["error"]["code"] == "invalid_ticket"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"ticket": "made-up"}, "invalid_ticket"),
        ({"ticket": "x", "access_token": "eyJhbGciOi.eyJzdWIi.c2ln"}, "token_in_url"),
        ({"ticket": "eyJhbGciOi.eyJzdWIi.c2ln"}, "token_in_url"),
    ],
)
async def test_tokens_in_the_url_and_made_up_tickets_are_refused(
    base_url: str, params: dict[str, str], code: str
) -> None:
    async with open_stream(base_url, params) as stream:
        assert stream.response.status_code == 401
        assert stream.response.json()["error"]["code"] == code


async def test_a_bearer_token_does_not_open_the_stream(base_url: str, as_role) -> None:
    async with open_stream(base_url, {}, await as_role("admin")) as stream:
        assert stream.response.status_code == 422  # the ticket is required


async def test_a_user_disabled_after_the_ticket_gets_no_stream(
    client: TestClient, db_session: AsyncSession, base_url: str, make_user, tokens
) -> None:
    user = await make_user("manager")
    ticket = await ticket_for(client, (await tokens(user)).headers)
    user.is_active = False
    await db_session.commit()
    async with open_stream(base_url, {"ticket": ticket}) as stream:
        assert stream.response.status_code == 401


# --- what each role sees ---------------------------------------------------------------------


async def test_analysts_get_no_names_or_contact_details(
    app: FastAPI, client: TestClient, base_url: str, as_role
) -> None:
    async with (
        live_stream(base_url, client, await as_role("analyst")) as analyst,
        live_stream(base_url, client, await as_role("manager")) as manager,
    ):
        marker = uuid.uuid4().hex
        app.state.live_feed.post(events.LEAD_CREATED, {"lead_id": marker, **PII}, utcnow())
        masked = (await next_of(analyst, "lead.created"))["data"]
        raw = (await next_of(manager, "lead.created"))["data"]
    assert raw == {"lead_id": marker, **PII}
    assert masked["lead_id"] == marker and masked["city"] == "Phoenix"
    assert masked["first_name"] == "J." and masked["last_name"] == "D."
    assert masked["email"] == "j***@e***.com" and masked["phone"] == "+1******0142"
    assert masked["street_address"] == "*** (hidden)"


# --- resuming, keep-alive, shutdown ----------------------------------------------------------


@pytest.mark.parametrize("how", ["header", "query"])
async def test_a_reconnect_gets_what_it_missed(
    app: FastAPI, client: TestClient, base_url: str, as_role, how: str
) -> None:
    feed = app.state.live_feed
    seen = await feed.publish(events.LEAD_CREATED, {"n": 0}, utcnow())
    missed = [await feed.publish(events.LEAD_CREATED, {"n": n}, utcnow()) for n in (1, 2)]
    resume = (
        {"headers": {"Last-Event-ID": seen.id}} if how == "header" else {"last_event_id": seen.id}
    )
    async with live_stream(base_url, client, await as_role("manager"), **resume) as stream:
        # Everything after the last one seen, in order (another test's late event may be
        # among them), and not the one seen again.
        replayed = []
        while len([m for m in replayed if m.data["data"].get("n") in (1, 2)]) < 2:
            message = await stream.next_event()
            assert message is not None and message.id != seen.id
            replayed.append(message)
        ours = [m for m in replayed if m.data["data"].get("n") in (1, 2)]
        assert [m.id for m in ours] == [e.id for e in missed]
        assert [m.data["data"] for m in ours] == [{"n": 1}, {"n": 2}]
        marker = uuid.uuid4().hex
        feed.post(events.LEAD_SOLD, {"marker": marker}, utcnow())
        live = await next_of(stream, "lead.sold")
        assert live["data"] == {"marker": marker}


async def test_an_idle_stream_sends_keep_alive_comments(
    client: TestClient, base_url: str, as_role, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fastapi.routing, "_PING_INTERVAL", 0.2)
    async with live_stream(base_url, client, await as_role("analyst")) as stream:
        ping = await stream.next()
    assert ping is not None and ping.comments == ["ping"] and ping.event is None


async def test_streams_end_cleanly_when_the_server_stops(
    app: FastAPI, client: TestClient, base_url: str, as_role
) -> None:
    stopping = LiveFeed(app.state.store)
    await stopping.start()
    original, app.state.live_feed = app.state.live_feed, stopping
    try:
        async with live_stream(base_url, client, await as_role("manager")) as stream:
            stopping.drain()
            assert await stream.next() is None  # the response ended, no error
    finally:
        app.state.live_feed = original
        await stopping.close()


# --- two instances ---------------------------------------------------------------------------


@pytest.mark.skipif(not SERVICES, reason="needs Redis (runs in the services pass)")
async def test_two_instances_on_one_redis_see_each_others_events(
    app: FastAPI, client: TestClient, base_url: str, as_role
) -> None:
    other = create_app(app.state.settings, configure_logs=False)
    async with other.router.lifespan_context(other):
        before = await other.state.live_feed.publish(events.LEAD_CREATED, {"n": 0}, utcnow())
        async with live_stream(base_url, client, await as_role("manager")) as stream:
            marker = uuid.uuid4().hex
            other.state.live_feed.post(events.LEAD_SOLD, {"marker": marker}, utcnow())
            heard = await next_of(stream, "lead.sold")
            assert heard["data"] == {"marker": marker}
        # One recent buffer for both: this instance can replay what the other published.
        replay = await app.state.live_feed.since(before.id)
        assert heard["id"] in [e.id for e in replay]


# --- Redis down ------------------------------------------------------------------------------


async def test_with_redis_down_the_feed_still_serves_this_instance() -> None:
    # Nothing listens on this port: every Redis call fails at once.
    store = build_store(f"redis://127.0.0.1:{free_port()}/0", timeout=0.2, retry_seconds=60)
    feed = LiveFeed(store, buffer_size=10)
    await feed.start()
    try:
        async with feed.listen() as next_event:
            first = await feed.publish(events.LEAD_CREATED, {"n": 1}, utcnow())
            feed.post(events.LEAD_SOLD, {"n": 2}, utcnow())
            received = await asyncio.wait_for(next_event(), DEADLINE_SECONDS)
            if received.id == first.id:  # the first may or may not arrive before "2"
                received = await asyncio.wait_for(next_event(), DEADLINE_SECONDS)
        assert received.type == "lead.sold" and received.data == {"n": 2}
        assert store.degraded
        # The in-process buffer still resumes.
        assert [e.data for e in await feed.since(first.id)] == [{"n": 2}]
    finally:
        await feed.close()
        await store.close()


async def test_an_event_for_a_disabled_endpoint_is_held_and_told(
    app: FastAPI, db_session: AsyncSession
) -> None:
    settings = app.state.settings.model_copy(update={"webhooks_allow_private": True})
    partner = await make_partner(db_session)
    now = utcnow()
    made = await webhooks.create_endpoint(
        db_session, partner.id, url="http://127.0.0.1:9/hooks", event_types=["lead.sold"],
        description="off", settings=settings, now=now,
    )  # fmt: skip
    made.endpoint.status = "disabled"
    await db_session.commit()
    async with app.state.live_feed.listen() as next_event:
        [message_id] = await enqueue(
            db_session, partner_id=partner.id, event_type="lead.sold", event_key="held-live",
            data={}, at=now,
        )  # fmt: skip
        await db_session.commit()
        received = await received_until(
            next_event, lambda e: e.data.get("delivery_id") == message_id
        )
    held = received[-1]
    assert held.type == "webhook.delivery_held" and held.data["partner_id"] == str(partner.id)


async def test_a_stream_ends_when_its_user_is_disabled(
    client: TestClient,
    db_session: AsyncSession,
    base_url: str,
    make_user,
    tokens,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(live_router, "RECHECK_SECONDS", 0.2)
    user = await make_user("manager")
    async with live_stream(base_url, client, (await tokens(user)).headers) as stream:
        user.is_active = False
        await db_session.commit()
        while (message := await stream.next()) is not None:
            assert message.event is None  # keep-alives at most; then the end
    assert stream.response.status_code == 200


async def test_a_signed_out_session_gets_no_stream(
    client: TestClient, db_session: AsyncSession, base_url: str, make_user, tokens
) -> None:
    issued = await tokens(await make_user("analyst"))
    ticket = await ticket_for(client, issued.headers)
    await db_session.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.family_id == issued.session_id)
        .values(revoked_at=utcnow())
    )
    await db_session.commit()
    async with open_stream(base_url, {"ticket": ticket}) as stream:
        assert stream.response.status_code == 401
