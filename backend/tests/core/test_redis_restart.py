"""A real Redis restart under the rate limiter and the cache store.

While Redis is down, work goes to the in-process fallback (logged once, never an
error); once it answers again, everything goes back to Redis for good, however many
pooled connections the restart left dead. Each test starts its own redis-server on a
free port; none touches the shared one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.core.cache import MemoryStore, RedisStore, ResilientStore
from app.core.ratelimit import MemoryLimiter, Rate, RateLimiter, RedisLimiter
from tests.support.redis_server import BINARY, RedisServer

pytestmark = pytest.mark.skipif(BINARY is None, reason="needs the redis-server binary")

CONCURRENCY = 8  # calls in flight at once, so the pool holds that many connections
RETRY_SECONDS = 5.0
RATE = Rate.parse("100000/minute")  # never refuses: the test counts where decisions go


class Monotonic:
    """The wrappers' probe clock, moved by hand (the test never waits for time)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingLimiter(MemoryLimiter):
    def __init__(self) -> None:
        super().__init__()
        self.decisions = 0

    async def gcra(self, key: str, rate: Rate, now: float, cost: int = 1) -> Any:
        self.decisions += 1
        return await super().gcra(key, rate, now, cost)


class CountingStore(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.operations = 0

    async def incr(self, key: str, amount: int = 1, ttl_seconds: float | None = None) -> int:
        self.operations += 1
        return await super().incr(key, amount, ttl_seconds)

    async def get(self, key: str) -> bytes | None:
        self.operations += 1
        return await super().get(key)


@dataclass
class Subject:
    wrapper: RateLimiter | ResilientStore
    call: Callable[[int], Awaitable[Any]]  # one decision (or cache operation) for key i
    in_process: Callable[[], int]  # how many were served by the fallback so far
    logger: str


def limiter(url: str, clock: Monotonic) -> Subject:
    fallback = CountingLimiter()
    wrapper = RateLimiter(
        RedisLimiter(url, prefix="restart:"), fallback, retry_seconds=RETRY_SECONDS, monotonic=clock
    )
    return Subject(
        wrapper,
        lambda i: wrapper.hit(f"k{i}", RATE, now=clock.now),
        lambda: fallback.decisions,
        "aurum.ratelimit",
    )


def store(url: str, clock: Monotonic) -> Subject:
    fallback = CountingStore()
    wrapper = ResilientStore(
        RedisStore(url, prefix="restart:"), fallback, retry_seconds=RETRY_SECONDS, clock=clock
    )

    async def call(i: int) -> Any:
        # A pipeline (the counter) and a plain command: both must survive a dead connection.
        return await wrapper.incr(f"k{i}", ttl_seconds=60) if i % 2 else await wrapper.get(f"k{i}")

    return Subject(wrapper, call, lambda: fallback.operations, "aurum.cache")


@pytest.fixture
async def redis_server(tmp_path: Path) -> AsyncIterator[RedisServer]:
    server = RedisServer(tmp_path)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.mark.parametrize("build", [limiter, store], ids=["rate-limiter", "cache-store"])
async def test_a_redis_restart_falls_back_once_then_recovers_for_good(
    redis_server: RedisServer,
    build: Callable[[str, Monotonic], Subject],
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Monotonic()
    subject = build(redis_server.url, clock)
    try:
        await asyncio.gather(*(subject.call(i) for i in range(CONCURRENCY)))
        assert subject.in_process() == 0 and not subject.wrapper.degraded

        with caplog.at_level(logging.INFO, logger=subject.logger):
            await redis_server.stop()
            for i in range(3):  # never raises: served in process
                await subject.call(i)
            during_outage = subject.in_process()
            assert subject.wrapper.degraded

            await redis_server.start()
            before_recovery = subject.in_process()
            # Traffic comes back gradually, one more call in flight each round, so each
            # round reaches one more of the connections pooled before the restart.
            for in_flight in range(1, CONCURRENCY + 1):
                clock.now += RETRY_SECONDS  # each round may probe Redis again
                await asyncio.gather(*(subject.call(i) for i in range(in_flight)))
            after_recovery = subject.in_process() - before_recovery

        messages = [r.getMessage() for r in caplog.records]
        went_down = sum(m.startswith("redis unreachable") for m in messages)
        came_back = sum(m.startswith("redis reachable again") for m in messages)
        assert during_outage == 3
        # Every call once Redis answers goes to Redis: no flapping back to the fallback
        # (before the fix, each dead pooled connection sent one call, and the wrapper for
        # another RETRY_SECONDS, back in process).
        assert (after_recovery, went_down, came_back) == (0, 1, 1), messages
        assert not subject.wrapper.degraded
    finally:
        await subject.wrapper.close()
