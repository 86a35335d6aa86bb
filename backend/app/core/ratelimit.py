"""Rate limits per audience: public per client IP, admin per user, B2B per partner.

The algorithm is GCRA (the generic cell rate algorithm, a leaky bucket kept as one
timestamp per key): ``100/minute`` allows a burst of 100 and then one request every
0.6 s, with no fixed-window edge where 200 requests pass in two seconds. On Redis each
decision is one atomic Lua script, so every API instance shares the same counters.

When Redis stops answering, decisions fall back to in-process counters (limits then
hold per instance), the event is logged once, and Redis is probed again every
``REDIS_RETRY_SECONDS``; a rate limiter never turns an outage into a 500. Once Redis
answers again the limits are shared again for good: connections a restart left dead are
replaced without a fallback (``core.cache.redis_client``).

Time comes from the caller (the app's clock, see ``core.security.get_clock``), so tests
move time instead of waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import math
import re
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any, Protocol, TypeVar

from fastapi import Depends, Request
from redis.exceptions import RedisError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.cache import redis_client
from app.core.clientip import client_ip
from app.core.config import Settings
from app.core.errors import RateLimited
from app.core.security import get_clock

logger = logging.getLogger("aurum.ratelimit")

T = TypeVar("T")

_PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}
_RATE = re.compile(r"\s*([1-9][0-9]*)\s*/\s*(second|minute|hour|day)s?\s*")


@dataclass(frozen=True)
class Rate:
    limit: int
    period_seconds: float

    @classmethod
    def parse(cls, text: str) -> Rate:
        match = _RATE.fullmatch(text)
        if not match:
            raise ValueError(f"not a rate: {text!r} (expected e.g. '100/minute')")
        return cls(int(match.group(1)), _PERIODS[match.group(2)])

    @property
    def policy(self) -> str:
        """The ``RateLimit-Policy`` value, e.g. ``100;w=60``."""
        return f"{self.limit};w={math.ceil(self.period_seconds)}"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: float  # until the quota is whole again
    retry_after_seconds: float  # until the next request may pass (0 when allowed)
    policy: str = ""

    def headers(self) -> dict[str, str]:
        headers = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(max(0, math.ceil(self.reset_seconds))),
        }
        if self.policy:
            headers["RateLimit-Policy"] = self.policy
        return headers


@dataclass(frozen=True)
class WindowCount:
    """Events in a sliding window: how many, and when the oldest happened."""

    count: int
    oldest: float | None


class LimiterBackend(Protocol):
    name: str

    async def gcra(self, key: str, rate: Rate, now: float, cost: int) -> Decision: ...

    async def window(
        self, key: str, window_seconds: float, now: float, *, add: bool, keep: int
    ) -> WindowCount: ...

    async def clear(self, key: str) -> None: ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


def _gcra_decision(tat: float, rate: Rate, now: float, cost: int) -> tuple[Decision, float]:
    """Shared arithmetic: the decision and the new theoretical arrival time."""
    emission = rate.period_seconds / rate.limit
    tat = max(tat, now)
    new_tat = tat + emission * cost
    allow_at = new_tat - rate.period_seconds
    if now < allow_at:
        return Decision(False, rate.limit, 0, tat - now, allow_at - now, rate.policy), tat
    remaining = math.floor((now - allow_at) / emission + 1e-9)
    return Decision(True, rate.limit, remaining, new_tat - now, 0.0, rate.policy), new_tat


class MemoryLimiter:
    """In-process counters: the embedded default and the fallback while Redis is down."""

    name = "memory"

    def __init__(self, *, max_keys: int = 100_000) -> None:
        self._tat: dict[str, float] = {}
        self._logs: dict[str, deque[float]] = {}
        self._max_keys = max_keys

    def _evict(self, now: float) -> None:
        if len(self._tat) >= self._max_keys:
            for key in [k for k, tat in self._tat.items() if tat <= now]:
                del self._tat[key]
            while len(self._tat) >= self._max_keys:
                del self._tat[next(iter(self._tat))]
        if len(self._logs) >= self._max_keys:
            for key in [k for k, log in self._logs.items() if not log]:
                del self._logs[key]
            while len(self._logs) >= self._max_keys:
                del self._logs[next(iter(self._logs))]

    async def gcra(self, key: str, rate: Rate, now: float, cost: int = 1) -> Decision:
        decision, new_tat = _gcra_decision(self._tat.get(key, now), rate, now, cost)
        if decision.allowed and cost:
            self._evict(now)
            self._tat.pop(key, None)
            self._tat[key] = new_tat
        return decision

    async def window(
        self, key: str, window_seconds: float, now: float, *, add: bool, keep: int
    ) -> WindowCount:
        log = self._logs.get(key)
        if log is None:
            if not add:
                return WindowCount(0, None)
            self._evict(now)
            log = self._logs[key] = deque()
        while log and log[0] <= now - window_seconds:
            log.popleft()
        if add:
            log.append(now)
            while len(log) > keep:
                log.popleft()
        return WindowCount(len(log), log[0] if log else None)

    async def clear(self, key: str) -> None:
        self._tat.pop(key, None)
        self._logs.pop(key, None)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._tat.clear()
        self._logs.clear()


# GCRA in one round trip. Times in milliseconds. Returns
# {allowed, remaining, retry_after_ms, reset_ms}.
_GCRA_LUA = """
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local emission = period / limit
local tat = tonumber(redis.call('GET', KEYS[1]))
if not tat or tat < now then tat = now end
local new_tat = tat + emission * cost
local allow_at = new_tat - period
if now < allow_at then
  return {0, 0, math.ceil(allow_at - now), math.ceil(tat - now)}
end
local ttl = math.ceil(new_tat - now)
if cost > 0 and ttl > 0 then
  redis.call('SET', KEYS[1], string.format('%.3f', new_tat), 'PX', ttl)
end
return {1, math.floor((now - allow_at) / emission + 1e-9), 0, ttl}
"""

# A sliding-window log (a sorted set of event times). Returns {count, oldest_ms}.
_WINDOW_LUA = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if ARGV[3] == '1' then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[5]) + 1))
  redis.call('PEXPIRE', KEYS[1], math.ceil(window))
end
local count = redis.call('ZCARD', KEYS[1])
local oldest = -1
if count > 0 then
  oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
end
return {count, oldest}
"""


class RedisLimiter:
    """The same decisions on Redis, atomically, shared by every API instance."""

    name = "redis"

    def __init__(self, url: str, *, timeout_seconds: float = 0.5, prefix: str = "aurum:rl:"):
        self._client = redis_client(url, timeout_seconds=timeout_seconds)
        self._prefix = prefix
        self._gcra = self._client.register_script(_GCRA_LUA)
        self._window = self._client.register_script(_WINDOW_LUA)

    async def gcra(self, key: str, rate: Rate, now: float, cost: int = 1) -> Decision:
        allowed, remaining, retry_ms, reset_ms = await self._gcra(
            keys=[self._prefix + key],
            args=[rate.limit, int(rate.period_seconds * 1000), int(now * 1000), cost],
        )
        return Decision(
            bool(allowed), rate.limit, int(remaining), reset_ms / 1000, retry_ms / 1000, rate.policy
        )

    async def window(
        self, key: str, window_seconds: float, now: float, *, add: bool, keep: int
    ) -> WindowCount:
        count, oldest = await self._window(
            keys=[self._prefix + key],
            args=[
                int(now * 1000),
                int(window_seconds * 1000),
                "1" if add else "0",
                f"{int(now * 1000)}-{secrets.token_hex(4)}",
                keep,
            ],
        )
        return WindowCount(int(count), oldest / 1000 if int(count) > 0 else None)

    async def clear(self, key: str) -> None:
        await self._client.delete(self._prefix + key)

    async def ping(self) -> None:
        await self._client.ping()

    async def close(self) -> None:
        await self._client.aclose()


_REDIS_ERRORS = (RedisError, OSError, asyncio.TimeoutError)


class RateLimiter:
    """Decisions on the primary backend while it answers, in process while it does not."""

    def __init__(
        self,
        primary: LimiterBackend,
        fallback: LimiterBackend | None = None,
        *,
        retry_seconds: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self._retry_seconds = retry_seconds
        self._monotonic = monotonic
        self._down_since: float | None = None
        self._next_probe = 0.0

    @property
    def backend(self) -> str:
        return self.fallback.name if self.degraded and self.fallback else self.primary.name

    @property
    def degraded(self) -> bool:
        return self._down_since is not None

    async def _call(self, op: Callable[[LimiterBackend], Awaitable[T]]) -> T:
        if self.fallback is None:
            return await op(self.primary)
        if self._down_since is not None and self._monotonic() < self._next_probe:
            return await op(self.fallback)
        try:
            result = await op(self.primary)
        except _REDIS_ERRORS as exc:
            self._next_probe = self._monotonic() + self._retry_seconds
            if self._down_since is None:
                self._down_since = self._monotonic()
                logger.error(
                    "redis unreachable; rate limits use in-process counters",
                    extra={"error": f"{type(exc).__name__}: {exc}"[:300]},
                )
            return await op(self.fallback)
        if self._down_since is not None:
            logger.warning(
                "redis reachable again; rate limits shared again",
                extra={"outage_seconds": round(self._monotonic() - self._down_since, 1)},
            )
            self._down_since = None
        return result

    async def hit(self, key: str, rate: Rate, *, now: float, cost: int = 1) -> Decision:
        """Count one request against ``key``'s quota, if there is room."""
        return await self._call(lambda b: b.gcra(key, rate, now, cost))

    async def count_events(self, key: str, window_seconds: float, *, now: float) -> WindowCount:
        return await self._call(lambda b: b.window(key, window_seconds, now, add=False, keep=0))

    async def add_event(
        self, key: str, window_seconds: float, *, now: float, keep: int = 100
    ) -> WindowCount:
        return await self._call(lambda b: b.window(key, window_seconds, now, add=True, keep=keep))

    async def clear(self, key: str) -> None:
        await self._call(lambda b: b.clear(key))

    async def close(self) -> None:
        with contextlib.suppress(*_REDIS_ERRORS):
            await self.primary.close()
        if self.fallback is not None:
            await self.fallback.close()


def build_rate_limiter(settings: Settings) -> RateLimiter:
    """Built in the app's lifespan: Redis with an in-process fallback, or memory only."""
    if not settings.redis_url:
        return RateLimiter(MemoryLimiter())
    return RateLimiter(
        RedisLimiter(settings.redis_url, timeout_seconds=settings.redis_timeout_seconds),
        MemoryLimiter(),
        retry_seconds=settings.redis_retry_seconds,
    )


# --- per-audience limits as FastAPI dependencies ----------------------------------------


class Audience(StrEnum):
    PUBLIC = "public"
    ADMIN = "admin"
    B2B = "b2b"
    LOGIN = "login"
    AUTH_FAILURES = "auth_failures"
    EVENTS = "events"


@lru_cache(maxsize=64)
def _parse(text: str) -> Rate:
    return Rate.parse(text)


def rate_for(settings: Settings, audience: Audience) -> Rate:
    return _parse(getattr(settings, f"rate_limit_{audience.value}"))


def ip_identity(request: Request) -> str:
    """The client IP, or for IPv6 its /64: one home network is one client."""
    return address_identity(client_ip(request))


def address_identity(ip: str) -> str:
    """``ip`` as one client: an IPv4 address (IPv4-mapped IPv6 included), or an IPv6 /64."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def get_rate_limiter(request: Request) -> RateLimiter:
    return request.app.state.rate_limiter


async def enforce(request: Request, audience: Audience, identity: str) -> Decision:
    """Count the request against ``identity``'s quota; 429 with ``Retry-After`` and
    ``RateLimit-*`` headers when it is spent. Successful responses carry the headers too."""
    rate = rate_for(request.app.state.settings, audience)
    now = get_clock(request)().timestamp()
    decision = await get_rate_limiter(request).hit(f"{audience.value}:{identity}", rate, now=now)
    state = request.scope.setdefault("state", {})
    previous: Decision | None = state.get("ratelimit")
    if previous is None or decision.remaining <= previous.remaining:
        state["ratelimit"] = decision
    if not decision.allowed:
        raise RateLimited(
            retry_after_seconds=math.ceil(decision.retry_after_seconds),
            headers=decision.headers(),
            details={
                "limit": decision.limit,
                "window_seconds": math.ceil(rate.period_seconds),
                "retry_after_seconds": max(1, math.ceil(decision.retry_after_seconds)),
            },
        )
    return decision


async def public_rate_limit(request: Request) -> None:
    """Homeowner endpoints: ``RATE_LIMIT_PUBLIC`` per client IP."""
    await enforce(request, Audience.PUBLIC, ip_identity(request))


async def events_rate_limit(request: Request) -> None:
    """The public site's event batches: ``RATE_LIMIT_EVENTS`` per client IP, apart from
    the chat's quota (a busy page must never cost a homeowner their chat)."""
    await enforce(request, Audience.EVENTS, ip_identity(request))


async def login_rate_limit(request: Request) -> None:
    """``POST /auth/login``: ``RATE_LIMIT_LOGIN`` per client IP (password spraying)."""
    await enforce(request, Audience.LOGIN, ip_identity(request))


async def admin_rate_limit_for(request: Request, user_id: Any) -> None:
    """Admin endpoints: ``RATE_LIMIT_ADMIN`` per signed-in user (see ``app.admin.deps``)."""
    await enforce(request, Audience.ADMIN, str(user_id))


async def count_failed_authentication(request: Request) -> None:
    """A request whose bearer token was refused (invalid, expired, forged): counted per
    client IP; past ``RATE_LIMIT_AUTH_FAILURES`` in its window, 429 instead of 401.
    Requests with a valid token are never refused by this count."""
    rate = rate_for(request.app.state.settings, Audience.AUTH_FAILURES)
    now = get_clock(request)().timestamp()
    seen = await get_rate_limiter(request).add_event(
        f"{Audience.AUTH_FAILURES.value}:{ip_identity(request)}",
        rate.period_seconds,
        now=now,
        keep=rate.limit + 1,
    )
    if seen.count > rate.limit:
        retry_after = max(1, math.ceil((seen.oldest or now) + rate.period_seconds - now))
        raise RateLimited(
            retry_after_seconds=retry_after,
            code="too_many_failed_authentications",
            message="Too many requests with an invalid or expired token from this address; "
            "wait, then sign in again.",
            details={
                "limit": rate.limit,
                "window_seconds": math.ceil(rate.period_seconds),
                "retry_after_seconds": retry_after,
            },
        )


def b2b_rate_limit_key(partner_id: Any) -> str:
    """The B2B quota is per partner, whichever of its API keys or addresses it uses."""
    return f"partner:{partner_id}"


async def b2b_rate_limit(request: Request, partner_id: Any) -> None:
    """B2B endpoints: ``RATE_LIMIT_B2B`` per partner; the partner's API-key dependency
    calls this once it knows the partner."""
    await enforce(request, Audience.B2B, b2b_rate_limit_key(partner_id))


PublicRateLimit = Depends(public_rate_limit)
LoginRateLimit = Depends(login_rate_limit)


class RateLimitHeadersMiddleware:
    """Adds ``RateLimit-*`` headers to every response whose request was counted
    (including streamed ones and those a handler built itself)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})

        async def send_with_headers(message: Message) -> None:
            decision: Decision | None = state.get("ratelimit")
            if message["type"] == "http.response.start" and decision is not None:
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in decision.headers().items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
