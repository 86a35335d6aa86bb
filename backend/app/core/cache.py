"""A small key-value interface (TTL cache, counters, pub/sub, bounded recent logs) over
Redis or memory. Every store counts its lookups' hits and misses (``stats``, for the
cache hit rate in ``/admin/system``).

With ``REDIS_URL`` the API talks to Redis through redis-py's asyncio client; without it
everything lives in process. When Redis stops answering at run time, ``ResilientStore``
serves from its in-process fallback, logs the event once, and probes Redis again every
``REDIS_RETRY_SECONDS``; the first successful probe switches back and logs that too. A
pooled connection that a Redis restart left dead is replaced on the spot and is no
outage (``redis_client``).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import fnmatch
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol, TypeVar

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

logger = logging.getLogger("aurum.cache")

T = TypeVar("T")


class KeyValueStore(Protocol):
    """What the rest of the app may ask of a cache backend."""

    name: str

    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes | str, ttl_seconds: float | None = None) -> None: ...

    async def delete(self, *keys: str) -> int: ...

    async def incr(self, key: str, amount: int = 1, ttl_seconds: float | None = None) -> int:
        """Add ``amount`` atomically; ``ttl_seconds`` starts when the key is created."""
        ...

    async def ttl(self, key: str) -> float | None: ...

    async def publish(self, channel: str, message: bytes | str) -> None: ...

    async def append_recent(self, key: str, value: bytes | str, *, keep: int) -> str:
        """Append to a bounded log (the newest ``keep`` entries stay); the entry's id,
        ``<milliseconds>-<sequence>``, ordered like Redis stream ids."""
        ...

    async def read_recent(
        self, key: str, *, after: str, limit: int = 1000
    ) -> list[tuple[str, bytes]]:
        """The entries of a bounded log whose ids come after ``after``, oldest first."""
        ...

    def subscribe(self, *channels: str) -> AsyncIterator[tuple[str, bytes]]: ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


def redis_client(url: str, *, timeout_seconds: float, **options: Any) -> aioredis.Redis:
    """A Redis client whose pool replaces a dead connection instead of failing with it.

    A Redis restart closes every connection the pool holds, and redis-py 8 hands them
    out again unchecked (its liveness check is skipped while maintenance notifications
    are on "auto", the default). ``from_url`` retries nothing, so each one failed one
    command ("Connection closed by server") and each failure sent the limiter or the
    store back to the in-process fallback for another ``REDIS_RETRY_SECONDS``: with ten
    pooled connections, limits stayed per instance for most of a minute after Redis was
    back. One immediate retry on a connection error reconnects and sends the command
    again. While Redis is really down the reconnect is refused at once, so an outage
    costs what it did; timeouts are not retried, so a Redis that does not answer costs
    one timeout, not two. A command the server dropped after running it may run twice:
    one extra count on a counter or a rate limit, which is the price of not flapping.
    """
    return aioredis.Redis.from_url(
        url,
        socket_timeout=timeout_seconds,
        socket_connect_timeout=timeout_seconds,
        retry=Retry(NoBackoff(), retries=1, supported_errors=(RedisConnectionError,)),
        **options,
    )


def _as_bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


class CacheStats:
    """Lookups that found a value and lookups that did not, for the cache hit rate."""

    def __init__(self) -> None:
        self.hits = 0
        self.misses = 0

    def count(self, value: bytes | None) -> bytes | None:
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    @property
    def hit_rate(self) -> float | None:
        looked_up = self.hits + self.misses
        return self.hits / looked_up if looked_up else None


def entry_order(entry_id: str) -> tuple[int, int] | None:
    """``"1733000000000-3"`` -> ``(1733000000000, 3)``; None for anything else."""
    ms, dash, seq = entry_id.partition("-")
    if not (ms.isascii() and ms.isdigit() and len(ms) <= 15):
        return None
    if dash and not (seq.isascii() and seq.isdigit() and len(seq) <= 15):
        return None
    return int(ms), int(seq or 0)


class MemoryStore:
    """In-process TTL cache, counters and pub/sub (the embedded default and fallback)."""

    name = "memory"

    def __init__(self, *, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic):
        self._data: dict[str, tuple[bytes, float | None]] = {}
        self._subscribers: dict[str, set[asyncio.Queue[tuple[str, bytes]]]] = {}
        self._logs: dict[str, collections.deque[tuple[tuple[int, int], bytes]]] = {}
        self._last_entry = (0, 0)
        self._max_keys = max_keys
        self._clock = clock
        self.stats = CacheStats()

    def _live(self, key: str) -> tuple[bytes, float | None] | None:
        item = self._data.get(key)
        if item is None:
            return None
        if item[1] is not None and item[1] <= self._clock():
            del self._data[key]
            return None
        return item

    def _evict_if_full(self) -> None:
        if len(self._data) < self._max_keys:
            return
        now = self._clock()
        for key in [k for k, (_, exp) in self._data.items() if exp is not None and exp <= now]:
            del self._data[key]
        while len(self._data) >= self._max_keys:  # oldest insertion first
            del self._data[next(iter(self._data))]

    async def get(self, key: str) -> bytes | None:
        item = self._live(key)
        return self.stats.count(item[0] if item else None)

    async def set(self, key: str, value: bytes | str, ttl_seconds: float | None = None) -> None:
        self._evict_if_full()
        expires = self._clock() + ttl_seconds if ttl_seconds else None
        self._data.pop(key, None)
        self._data[key] = (_as_bytes(value), expires)

    async def delete(self, *keys: str) -> int:
        return sum(1 for key in keys if self._data.pop(key, None) is not None)

    async def incr(self, key: str, amount: int = 1, ttl_seconds: float | None = None) -> int:
        item = self._live(key)
        if item is None:
            self._evict_if_full()
            expires = self._clock() + ttl_seconds if ttl_seconds else None
            value = amount
        else:
            expires = item[1]
            value = int(item[0]) + amount
        self._data[key] = (str(value).encode(), expires)
        return value

    async def ttl(self, key: str) -> float | None:
        item = self._live(key)
        if item is None or item[1] is None:
            return None
        return max(0.0, item[1] - self._clock())

    async def publish(self, channel: str, message: bytes | str) -> None:
        payload = _as_bytes(message)
        for pattern, queues in self._subscribers.items():
            if fnmatch.fnmatchcase(channel, pattern):
                for queue in queues:
                    queue.put_nowait((channel, payload))

    async def append_recent(self, key: str, value: bytes | str, *, keep: int) -> str:
        # Ids from the wall clock, as Redis makes them, so ids of either store compare.
        ms = max(int(time.time() * 1000), self._last_entry[0])
        seq = self._last_entry[1] + 1 if ms == self._last_entry[0] else 0
        self._last_entry = (ms, seq)
        log = self._logs.get(key)
        if log is None or log.maxlen != keep:
            log = self._logs[key] = collections.deque(log or (), maxlen=keep)
        log.append(((ms, seq), _as_bytes(value)))
        return f"{ms}-{seq}"

    async def read_recent(
        self, key: str, *, after: str, limit: int = 1000
    ) -> list[tuple[str, bytes]]:
        start = entry_order(after)
        if start is None:
            return []
        found = [(f"{o[0]}-{o[1]}", v) for o, v in self._logs.get(key, ()) if o > start]
        return found[:limit]

    async def subscribe(self, *channels: str) -> AsyncIterator[tuple[str, bytes]]:
        queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(maxsize=1000)
        for channel in channels:
            self._subscribers.setdefault(channel, set()).add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            for channel in channels:
                self._subscribers.get(channel, set()).discard(queue)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._data.clear()
        self._logs.clear()


class RedisStore:
    """The same interface on Redis (redis-py asyncio)."""

    name = "redis"

    def __init__(self, url: str, *, timeout_seconds: float = 0.5, prefix: str = "aurum:"):
        self._client = redis_client(url, timeout_seconds=timeout_seconds, health_check_interval=30)
        self._url = url
        self._prefix = prefix
        self.stats = CacheStats()

    def _k(self, key: str) -> str:
        return self._prefix + key

    async def get(self, key: str) -> bytes | None:
        return self.stats.count(await self._client.get(self._k(key)))

    async def set(self, key: str, value: bytes | str, ttl_seconds: float | None = None) -> None:
        px = int(ttl_seconds * 1000) if ttl_seconds else None
        await self._client.set(self._k(key), value, px=px)

    async def delete(self, *keys: str) -> int:
        if not keys:
            return 0
        return int(await self._client.delete(*(self._k(k) for k in keys)))

    async def incr(self, key: str, amount: int = 1, ttl_seconds: float | None = None) -> int:
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.incrby(self._k(key), amount)
            if ttl_seconds:
                pipe.pexpire(self._k(key), int(ttl_seconds * 1000), nx=True)
            results = await pipe.execute()
        return int(results[0])

    async def ttl(self, key: str) -> float | None:
        ms = await self._client.pttl(self._k(key))
        return ms / 1000 if ms and ms > 0 else None

    async def publish(self, channel: str, message: bytes | str) -> None:
        await self._client.publish(self._k(channel), message)

    async def append_recent(self, key: str, value: bytes | str, *, keep: int) -> str:
        # A stream trimmed to about ``keep`` entries (``~``: Redis trims whole nodes).
        entry_id = await self._client.xadd(
            self._k(key), {"v": value}, maxlen=keep, approximate=True
        )
        return entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)

    async def read_recent(
        self, key: str, *, after: str, limit: int = 1000
    ) -> list[tuple[str, bytes]]:
        if entry_order(after) is None:
            return []
        rows = await self._client.xrange(self._k(key), min=f"({after}", max="+", count=limit)
        return [
            (entry_id.decode() if isinstance(entry_id, bytes) else entry_id, fields[b"v"])
            for entry_id, fields in rows
        ]

    async def subscribe(self, *channels: str) -> AsyncIterator[tuple[str, bytes]]:
        pubsub = self._client.pubsub()
        await pubsub.psubscribe(*(self._k(c) for c in channels))
        try:
            async for message in pubsub.listen():
                if message.get("type") != "pmessage":
                    continue
                channel = message["channel"].decode()[len(self._prefix) :]
                yield channel, message["data"]
        finally:
            with contextlib.suppress(RedisError, OSError):
                await pubsub.aclose()

    async def ping(self) -> None:
        await self._client.ping()

    async def close(self) -> None:
        await self._client.aclose()


_REDIS_ERRORS = (RedisError, OSError, asyncio.TimeoutError)


class ResilientStore:
    """Redis while it answers, the in-process fallback while it does not.

    Counters and cached values written during an outage live only in this process;
    that is the documented price of staying up (limits become per instance).
    """

    def __init__(
        self,
        primary: KeyValueStore,
        fallback: KeyValueStore,
        *,
        retry_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self._retry_seconds = retry_seconds
        self._clock = clock
        self._down_since: float | None = None
        self._next_probe = 0.0
        self._last_error: str | None = None
        self.stats = CacheStats()

    @property
    def name(self) -> str:
        return self.primary.name

    @property
    def degraded(self) -> bool:
        return self._down_since is not None

    @property
    def last_error(self) -> str | None:
        return self._last_error

    def _mark_down(self, exc: BaseException) -> None:
        self._last_error = f"{type(exc).__name__}: {exc}"
        self._next_probe = self._clock() + self._retry_seconds
        if self._down_since is None:
            self._down_since = self._clock()
            logger.error(
                "redis unreachable; serving from the in-process fallback",
                extra={"error": self._last_error},
            )

    def _mark_up(self) -> None:
        if self._down_since is not None:
            logger.warning(
                "redis reachable again; leaving the in-process fallback",
                extra={"outage_seconds": round(self._clock() - self._down_since, 1)},
            )
        self._down_since = None
        self._last_error = None

    async def _call(self, op: Callable[[KeyValueStore], Awaitable[T]]) -> T:
        if self._down_since is not None and self._clock() < self._next_probe:
            return await op(self.fallback)
        try:
            result = await op(self.primary)
        except _REDIS_ERRORS as exc:
            self._mark_down(exc)
            return await op(self.fallback)
        self._mark_up()
        return result

    async def get(self, key: str) -> bytes | None:
        return self.stats.count(await self._call(lambda s: s.get(key)))

    async def set(self, key: str, value: bytes | str, ttl_seconds: float | None = None) -> None:
        await self._call(lambda s: s.set(key, value, ttl_seconds))

    async def delete(self, *keys: str) -> int:
        return await self._call(lambda s: s.delete(*keys))

    async def incr(self, key: str, amount: int = 1, ttl_seconds: float | None = None) -> int:
        return await self._call(lambda s: s.incr(key, amount, ttl_seconds))

    async def ttl(self, key: str) -> float | None:
        return await self._call(lambda s: s.ttl(key))

    async def publish(self, channel: str, message: bytes | str) -> None:
        # Through Redis (every instance hears it) while it answers, else locally only.
        if self._down_since is None or self._clock() >= self._next_probe:
            try:
                await self.primary.publish(channel, message)
            except _REDIS_ERRORS as exc:
                self._mark_down(exc)
            else:
                self._mark_up()
                return
        await self.fallback.publish(channel, message)

    async def append_recent(self, key: str, value: bytes | str, *, keep: int) -> str:
        return await self._call(lambda s: s.append_recent(key, value, keep=keep))

    async def read_recent(
        self, key: str, *, after: str, limit: int = 1000
    ) -> list[tuple[str, bytes]]:
        return await self._call(lambda s: s.read_recent(key, after=after, limit=limit))

    async def subscribe(self, *channels: str) -> AsyncIterator[tuple[str, bytes]]:
        """Messages from Redis and from the local fallback, merged into one stream.

        The Redis side reconnects by itself after an outage.
        """
        queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(maxsize=1000)

        async def pump_local() -> None:
            async for item in self.fallback.subscribe(*channels):
                await queue.put(item)

        async def pump_redis() -> None:
            while True:
                try:
                    async for item in self.primary.subscribe(*channels):
                        await queue.put(item)
                except _REDIS_ERRORS as exc:
                    self._mark_down(exc)
                await asyncio.sleep(self._retry_seconds)

        tasks = [asyncio.create_task(pump_local()), asyncio.create_task(pump_redis())]
        try:
            while True:
                yield await queue.get()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def ping(self) -> None:
        """Probe Redis now (used by /health/ready); raises when it does not answer."""
        try:
            await self.primary.ping()
        except _REDIS_ERRORS as exc:
            self._mark_down(exc)
            raise
        self._mark_up()

    async def close(self) -> None:
        with contextlib.suppress(*_REDIS_ERRORS):
            await self.primary.close()
        await self.fallback.close()


def build_store(redis_url: str | None, *, timeout: float, retry_seconds: float) -> Any:
    """The app's store: plain memory when Redis is not configured, else resilient Redis."""
    if not redis_url:
        return MemoryStore()
    return ResilientStore(
        RedisStore(redis_url, timeout_seconds=timeout),
        MemoryStore(),
        retry_seconds=retry_seconds,
    )
