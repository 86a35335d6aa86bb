"""The small cache interface, on memory and on Redis, and the fallback between them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from app.core.cache import MemoryStore, RedisStore, ResilientStore
from tests.conftest import SERVICES


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def test_memory_ttl_expires(clock: FakeClock) -> None:
    store = MemoryStore(clock=clock)
    await store.set("k", "v", ttl_seconds=10)
    assert await store.get("k") == b"v"
    assert await store.ttl("k") == pytest.approx(10)
    clock.now += 10.01
    assert await store.get("k") is None


async def test_memory_counter_keeps_its_first_ttl(clock: FakeClock) -> None:
    store = MemoryStore(clock=clock)
    assert await store.incr("hits", ttl_seconds=60) == 1
    clock.now += 30
    assert await store.incr("hits", 4, ttl_seconds=60) == 5
    clock.now += 31
    assert await store.incr("hits", ttl_seconds=60) == 1  # the window restarted


async def test_memory_evicts_instead_of_growing_without_bound() -> None:
    store = MemoryStore(max_keys=3)
    for i in range(10):
        await store.set(f"k{i}", "v")
    assert await store.get("k9") == b"v"
    assert await store.get("k0") is None


async def _collect(store, pattern: str, count: int) -> list[tuple[str, bytes]]:  # type: ignore[no-untyped-def]
    received: list[tuple[str, bytes]] = []
    async for item in store.subscribe(pattern):
        received.append(item)
        if len(received) == count:
            break
    return received


async def test_memory_pubsub_matches_patterns() -> None:
    store = MemoryStore()
    task = asyncio.create_task(_collect(store, "leads.*", 2))
    await asyncio.sleep(0)
    await store.publish("leads.created", "a")
    await store.publish("partners.created", "ignored")
    await store.publish("leads.sold", b"b")
    assert await asyncio.wait_for(task, 2) == [("leads.created", b"a"), ("leads.sold", b"b")]


class BrokenStore(MemoryStore):
    """A primary that fails like an unreachable Redis until ``healthy`` is set."""

    name = "redis"

    def __init__(self) -> None:
        super().__init__()
        self.healthy = False
        self.calls = 0

    async def get(self, key: str) -> bytes | None:
        self.calls += 1
        if not self.healthy:
            raise RedisConnectionError("Connection refused")
        return await super().get(key)

    async def set(self, key, value, ttl_seconds=None) -> None:  # type: ignore[no-untyped-def]
        self.calls += 1
        if not self.healthy:
            raise RedisConnectionError("Connection refused")
        await super().set(key, value, ttl_seconds)

    async def ping(self) -> None:
        if not self.healthy:
            raise RedisConnectionError("Connection refused")


async def test_resilient_store_falls_back_logs_and_recovers(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    primary = BrokenStore()
    store = ResilientStore(primary, MemoryStore(clock=clock), retry_seconds=5, clock=clock)

    with caplog.at_level(logging.WARNING, logger="aurum.cache"):
        await store.set("k", "during-outage")
        assert await store.get("k") == b"during-outage"  # served by the fallback
    assert store.degraded
    assert [r.message for r in caplog.records].count(
        "redis unreachable; serving from the in-process fallback"
    ) == 1

    calls = primary.calls
    await store.get("k")
    assert primary.calls == calls, "no Redis call before the retry interval"

    primary.healthy = True
    clock.now += 5
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="aurum.cache"):
        await store.set("k", "back")
    assert not store.degraded
    assert await primary.get("k") == b"back"
    assert "redis reachable again; leaving the in-process fallback" in caplog.messages


@pytest.fixture
async def redis_store(settings) -> AsyncIterator[RedisStore]:  # type: ignore[no-untyped-def]
    if not SERVICES:
        pytest.skip("needs TEST_REDIS_URL (runs in the services pass)")
    store = RedisStore(settings.redis_url, prefix="aurum-test:")
    yield store
    await store.close()


async def test_redis_store_ttl_counter_and_pubsub(redis_store: RedisStore) -> None:
    await redis_store.set("k", "v", ttl_seconds=30)
    assert await redis_store.get("k") == b"v"
    assert 29 < (await redis_store.ttl("k") or 0) <= 30
    await redis_store.delete("counter")
    assert await redis_store.incr("counter", ttl_seconds=60) == 1
    assert await redis_store.incr("counter", 2, ttl_seconds=60) == 3
    assert await redis_store.ttl("counter") is not None

    task = asyncio.create_task(_collect(redis_store, "events.*", 1))
    for _ in range(50):  # wait until the subscription is live
        await redis_store.publish("events.ping", "hello")
        with contextlib.suppress(TimeoutError):
            assert await asyncio.wait_for(asyncio.shield(task), 0.1) == [("events.ping", b"hello")]
            break
    assert task.done()
