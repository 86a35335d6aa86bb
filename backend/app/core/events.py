"""The live feed's event bus: what just happened, told to every API instance at once.

A domain service calls ``publish_after_commit(session, "lead.sold", {...})`` inside its
transaction. Nothing leaves the process then: the event waits on the session and goes
out only when that transaction commits (an SQLAlchemy ``after_commit`` hook), and is
dropped when it rolls back, so the feed never shows a sale that did not happen. The
hook hands the event to the ``LiveFeed`` of the engine the session writes through (one
per running app, built in its lifespan; sessions of an engine without one, such as a
CLI command's, publish nothing).

The feed's publisher task then writes the event to a bounded recent log
(``LIVE_FEED_BUFFER`` entries: a Redis stream trimmed by ``MAXLEN``, or an in-memory
ring) whose entry id becomes the event's id, and publishes it on a pub/sub channel
(Redis, so every instance hears it; in-process without Redis). Each instance holds one
subscription and fans its messages out to its open streams. A stream that reconnects
with ``Last-Event-ID`` is sent what the log holds after that id first.

The feed never breaks a request: publishing is a non-blocking hand-over to a queue;
Redis errors are the store's concern (``app.core.cache.ResilientStore`` falls back to
memory, so during an outage each instance feeds its own streams); any other failure is
logged and the event is lost to the feed (never to the database). A slow client whose
queue fills up is disconnected and resumes with ``Last-Event-ID``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import weakref
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fastapi.encoders import jsonable_encoder
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from app.core.db import utcnow

logger = logging.getLogger("aurum.events")

CHANNEL = "live:events"
RECENT_LOG = "live:recent"

#: Every type the feed carries (the API contract's list).
LEAD_CREATED = "lead.created"
LEAD_SOLD = "lead.sold"
LEAD_RETURNED = "lead.returned"
RETURN_REQUESTED = "return.requested"
WEBHOOK_DELIVERY_FAILED = "webhook.delivery_failed"
WEBHOOK_DELIVERY_HELD = "webhook.delivery_held"
PARTNER_CAP_REACHED = "partner.cap_reached"
PARTNER_BALANCE_LOW = "partner.balance_low"
EVENT_TYPES = (
    LEAD_CREATED,
    LEAD_SOLD,
    LEAD_RETURNED,
    RETURN_REQUESTED,
    WEBHOOK_DELIVERY_FAILED,
    WEBHOOK_DELIVERY_HELD,
    PARTNER_CAP_REACHED,
    PARTNER_BALANCE_LOW,
)

_PENDING = "aurum.live_events"


@dataclass(frozen=True)
class LiveEvent:
    id: str
    type: str
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)

    def message(self) -> dict[str, Any]:
        """The ``data:`` of the event on the wire: ``{"id","type","at","data"}``."""
        return {"id": self.id, "type": self.type, "at": self.at, "data": self.data}

    def to_json(self) -> str:
        return json.dumps(jsonable_encoder(self.message()), separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: bytes | str) -> LiveEvent:
        body = json.loads(raw)
        return cls(
            id=str(body["id"]),
            type=str(body["type"]),
            at=datetime.fromisoformat(body["at"]),
            data=dict(body.get("data") or {}),
        )


# --- after commit ----------------------------------------------------------------------------

# The feed of each engine: set in the app's lifespan, gone with the engine.
_feeds: weakref.WeakKeyDictionary[Engine, LiveFeed] = weakref.WeakKeyDictionary()


def attach(engine: AsyncEngine, feed: LiveFeed) -> None:
    """Committed sessions of ``engine`` publish to ``feed`` from now on."""
    _feeds[engine.sync_engine] = feed


def detach(engine: AsyncEngine) -> None:
    _feeds.pop(engine.sync_engine, None)


def publish_after_commit(
    session: AsyncSession | Session,
    event_type: str,
    data: dict[str, Any],
    *,
    at: datetime | None = None,
) -> None:
    """Tell the live feed about ``event_type`` once ``session``'s transaction commits."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    if not sync.in_transaction():
        sync.begin()  # so that a rollback before any statement still takes the event back
    savepoint = sync.get_nested_transaction()
    sync.info.setdefault(_PENDING, []).append((event_type, data, at or utcnow(), savepoint))


def _feed_of(session: Session) -> LiveFeed | None:
    try:
        bind = session.get_bind()
    except Exception:  # an unbound session: nowhere to publish
        return None
    return _feeds.get(bind.engine)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    feed = _feed_of(session)
    if feed is not None:
        for event_type, data, at, _savepoint in pending:
            feed.post(event_type, data, at)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: Any) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    if previous_transaction.nested:  # a savepoint: only what was said inside it goes
        session.info[_PENDING] = [p for p in pending if p[3] is not previous_transaction]
    else:
        session.info.pop(_PENDING, None)


# --- the feed ---------------------------------------------------------------------------------

_CLOSED = object()


class FeedClosed(Exception):
    """The feed shut down (the server is stopping): end the stream."""


class Overflowed(Exception):
    """The client fell too far behind: end the stream; it resumes by Last-Event-ID."""


class LiveFeed:
    """One per running app: publishes what commits and fans out what every instance
    published to this instance's open streams."""

    def __init__(
        self,
        store: Any,
        *,
        buffer_size: int = 1000,
        max_pending: int = 10_000,
        listener_queue: int = 1000,
    ) -> None:
        self.store = store
        self.buffer_size = buffer_size
        self._outgoing: asyncio.Queue[tuple[str, dict[str, Any], datetime]] = asyncio.Queue(
            maxsize=max_pending
        )
        self._listener_queue = listener_queue
        self._listeners: set[asyncio.Queue[Any]] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self._closing = False  # no new streams; open ones end
        self._stopped = False  # nothing more is published
        self.published = 0
        self.dropped = 0

    # Handing over (sync: called from the after-commit hook, never blocks) ---------------

    def post(self, event_type: str, data: dict[str, Any], at: datetime) -> None:
        # Still taken while streams drain: other instances' streams want it.
        if self._stopped:
            return
        try:
            self._outgoing.put_nowait((event_type, data, at))
        except asyncio.QueueFull:
            self.dropped += 1
            logger.warning("live feed backlog full; event dropped", extra={"type": event_type})

    async def publish(self, event_type: str, data: dict[str, Any], at: datetime) -> LiveEvent:
        """Write to the recent log and the channel now (the publisher task's work)."""
        body = json.dumps(
            jsonable_encoder({"type": event_type, "at": at, "data": data}), separators=(",", ":")
        )
        entry_id = await self.store.append_recent(RECENT_LOG, body, keep=self.buffer_size)
        live = LiveEvent(entry_id, event_type, at, data)
        await self.store.publish(CHANNEL, live.to_json())
        self.published += 1
        return live

    async def _publisher(self) -> None:
        while True:
            event_type, data, at = await self._outgoing.get()
            try:
                await self.publish(event_type, data, at)
            except Exception:
                logger.exception("live feed could not publish", extra={"type": event_type})
            finally:
                self._outgoing.task_done()

    async def _receiver(self) -> None:
        while True:
            try:
                async for _channel, payload in self.store.subscribe(CHANNEL):
                    try:
                        live = LiveEvent.from_json(payload)
                    except (ValueError, KeyError, TypeError):
                        logger.warning("live feed message not understood; skipped")
                        continue
                    self._fan_out(live)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("live feed subscription failed; subscribing again")
                await asyncio.sleep(1.0)

    def _fan_out(self, item: Any) -> None:
        for queue in list(self._listeners):
            try:
                queue.put_nowait(item)
            except asyncio.QueueFull:
                # Too far behind: end that stream (it resumes from the recent log).
                self._listeners.discard(queue)
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
                queue.put_nowait(Overflowed())

    # Reading ------------------------------------------------------------------------------

    async def since(self, last_event_id: str) -> list[LiveEvent]:
        """What the recent log holds after ``last_event_id`` (nothing for an unknown
        shape), oldest first."""
        events = []
        for entry_id, raw in await self.store.read_recent(
            RECENT_LOG, after=last_event_id, limit=self.buffer_size
        ):
            try:
                body = json.loads(raw)
                events.append(
                    LiveEvent(
                        entry_id,
                        body["type"],
                        datetime.fromisoformat(body["at"]),
                        dict(body.get("data") or {}),
                    )
                )
            except (ValueError, KeyError, TypeError):
                continue
        return events

    @contextlib.asynccontextmanager
    async def listen(self) -> AsyncIterator[Callable[[], Any]]:
        """A receiver of live events for one stream: ``await next_event()`` returns the
        next ``LiveEvent``, or raises ``FeedClosed`` / ``Overflowed``."""
        if self._closing:
            raise FeedClosed
        queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=self._listener_queue)
        self._listeners.add(queue)

        async def next_event() -> LiveEvent:
            item = await queue.get()
            if item is _CLOSED:
                raise FeedClosed
            if isinstance(item, Overflowed):
                raise item
            return item

        try:
            yield next_event
        finally:
            self._listeners.discard(queue)

    @property
    def listeners(self) -> int:
        return len(self._listeners)

    # Life ---------------------------------------------------------------------------------

    async def start(self, *, receive: bool = True) -> None:
        """Publish what is posted; with ``receive``, also fan out what is published (a
        worker process only publishes)."""
        self._tasks = [asyncio.create_task(self._publisher(), name="aurum-live-publisher")]
        if receive:
            self._tasks.append(asyncio.create_task(self._receiver(), name="aurum-live-receiver"))

    def drain(self) -> None:
        """End every open stream (each sends what it has and closes cleanly)."""
        self._closing = True
        for queue in list(self._listeners):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(_CLOSED)
        self._listeners.clear()

    async def close(self, *, within_seconds: float = 2.0) -> None:
        self.drain()
        with contextlib.suppress(TimeoutError):
            # Send what was committed before the shutdown, briefly.
            async with asyncio.timeout(within_seconds):
                await self._outgoing.join()
        self._stopped = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []


@contextlib.asynccontextmanager
async def running_feed(
    engine: AsyncEngine, store: Any, *, buffer_size: int, receive: bool = True
) -> AsyncIterator[LiveFeed]:
    """A started feed that ``engine``'s committed sessions publish to, for as long as
    the block runs (an app's lifespan, a worker process)."""
    feed = LiveFeed(store, buffer_size=buffer_size)
    await feed.start(receive=receive)
    attach(engine, feed)
    try:
        yield feed
    finally:
        detach(engine)
        await feed.close()


@contextlib.contextmanager
def drain_on_exit_signals(feed: LiveFeed) -> Any:
    """While the app runs, SIGINT/SIGTERM first end the open streams, then reach the
    server's own handler. Servers (uvicorn) wait for open responses to finish before
    they shut the app down, and a live stream never finishes by itself."""
    loop = asyncio.get_running_loop()
    previous: dict[int, Any] = {}

    def _handler(signum: int, frame: Any) -> None:
        loop.call_soon_threadsafe(feed.drain)
        earlier = previous.get(signum)
        if callable(earlier):
            earlier(signum, frame)

    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            current = signal.getsignal(signum)
            if callable(current):  # only chain onto a handler a server installed
                previous[signum] = current
                signal.signal(signum, _handler)
    except ValueError:  # not the main thread (a test's server): nothing to chain onto
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            with contextlib.suppress(ValueError):
                if signal.getsignal(signum) is _handler:
                    signal.signal(signum, handler)
