"""The API's edge: what every request passes before any route sees it.

Pure ASGI middleware, each answering in the one error shape:

- ``HostValidationMiddleware``: a ``Host`` outside ``ALLOWED_HOSTS`` is 400, so nothing
  (a redirect, a link in an email) is ever built from a forged host.
- ``AudienceCORSMiddleware``: CORS per audience. The staff API (``/api/v1/admin``,
  ``/api/v1/auth``, whose refresh cookie a browser sends by itself) answers only the
  admin dashboard's origins; the public API answers ``CORS_ORIGINS``; the partner API no
  browser at all. A refused preflight is 403 with a reason.
- ``RequestGuardMiddleware``: request bodies over the audience's limit are 413 before
  they are read (by ``Content-Length``, or by counting a body sent without one); NUL
  characters anywhere (query, JSON escapes, raw bytes) and bodies that are not UTF-8 are
  422. PostgreSQL cannot store a NUL in text, and nothing a person types contains one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import error_payload


def under(path: str, prefixes: Iterable[str]) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)


async def send_error(
    send: Send,
    status: int,
    code: str,
    message: str,
    *,
    details: object = None,
    headers: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    body = json.dumps(error_payload(code, message, details)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# --- hosts ----------------------------------------------------------------------------------


class HostValidationMiddleware:
    """400 ``invalid_host`` unless the ``Host`` header names one of ``allowed`` (``*``
    allows any; ``*.example.com`` any subdomain)."""

    def __init__(self, app: ASGIApp, *, allowed: Iterable[str]) -> None:
        self.app = app
        self.allowed = [host.lower() for host in allowed]
        self.any = "*" in self.allowed

    def _ok(self, host: str) -> bool:
        name = host.lower()
        if name.startswith("["):  # [::1]:8000
            name = name[: name.find("]") + 1]
        else:
            name = name.rsplit(":", 1)[0] if name.count(":") == 1 else name
        for pattern in self.allowed:
            if name == pattern or name.strip("[]") == pattern.strip("[]"):
                return True
            if pattern.startswith("*.") and name.endswith(pattern[1:]):
                return True
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self.any:
            await self.app(scope, receive, send)
            return
        host = Headers(scope=scope).get("host", "")
        if self._ok(host):
            await self.app(scope, receive, send)
            return
        await send_error(send, 400, "invalid_host", "This host name is not served here.")


# --- CORS -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    """Who may call a part of the API from a browser."""

    name: str
    prefixes: tuple[str, ...]  # empty: everything no other audience claims
    origins: frozenset[str]
    credentials: bool


ALLOWED_METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS")
ALLOWED_HEADERS = frozenset(
    {
        "authorization",
        "content-type",
        "idempotency-key",
        "x-conversation-token",
        "x-request-id",
        "accept",
        "last-event-id",
    }
)
EXPOSED_HEADERS = (
    "X-Request-ID, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, "
    "RateLimit-Policy, Content-Disposition"
)
PREFLIGHT_MAX_AGE = "600"


class AudienceCORSMiddleware:
    def __init__(self, app: ASGIApp, *, audiences: Sequence[Audience]) -> None:
        self.app = app
        self.audiences = sorted(audiences, key=lambda a: not a.prefixes)  # default last

    def audience_for(self, path: str) -> Audience | None:
        for audience in self.audiences:
            if not audience.prefixes or under(path, audience.prefixes):
                return audience
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None:
            await self.app(scope, receive, send)
            return
        audience = self.audience_for(scope["path"])
        allowed = audience is not None and origin in audience.origins
        grant: list[tuple[bytes, bytes]] = [(b"vary", b"Origin")]
        if allowed:
            grant.append((b"access-control-allow-origin", origin.encode()))
            if audience.credentials:  # type: ignore[union-attr]
                grant.append((b"access-control-allow-credentials", b"true"))

        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await self._preflight(send, headers, allowed, grant, audience)
            return

        async def send_with_grant(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = list(grant)
                if allowed:
                    extra.append((b"access-control-expose-headers", EXPOSED_HEADERS.encode()))
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *((n, v) for n, v in extra if n not in present),
                ]
            await send(message)

        await self.app(scope, receive, send_with_grant)

    async def _preflight(
        self,
        send: Send,
        headers: Headers,
        allowed: bool,
        grant: list[tuple[bytes, bytes]],
        audience: Audience | None,
    ) -> None:
        if not allowed:
            who = audience.name if audience else "this"
            await send_error(
                send,
                403,
                "cors_origin_not_allowed",
                f"Browsers on this origin may not call the {who} API.",
                headers=grant,
            )
            return
        method = headers["access-control-request-method"].upper()
        requested = [
            h.strip().lower()
            for h in headers.get("access-control-request-headers", "").split(",")
            if h.strip()
        ]
        refused = [h for h in requested if h not in ALLOWED_HEADERS]
        if method not in ALLOWED_METHODS or refused:
            await send_error(
                send,
                403,
                "cors_request_not_allowed",
                "This method or these headers may not be sent from a browser.",
                details={"method": method, "headers": refused},
                headers=grant,
            )
            return
        await send(
            {
                "type": "http.response.start",
                "status": 204,
                "headers": [
                    *grant,
                    (b"access-control-allow-methods", ", ".join(ALLOWED_METHODS).encode()),
                    (b"access-control-allow-headers", ", ".join(requested).encode()),
                    (b"access-control-max-age", PREFLIGHT_MAX_AGE.encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})


# --- bodies, NUL characters -----------------------------------------------------------------

# A JSON ``\u0000`` escape that is not itself escaped (an even run of backslashes before).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)


class RequestGuardMiddleware:
    """Body size limits per path prefix, and no NUL characters or broken UTF-8."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        default_limit: int,
        limits: Sequence[tuple[tuple[str, ...], int]] = (),
    ) -> None:
        self.app = app
        self.default_limit = default_limit
        self.limits = list(limits)

    def limit_for(self, path: str) -> int:
        for prefixes, limit in self.limits:
            if under(path, prefixes):
                return limit
        return self.default_limit

    async def _too_large(self, send: Send, limit: int) -> None:
        await send_error(
            send,
            413,
            "payload_too_large",
            f"The request body is larger than {limit:,} bytes.",
            details={"limit_bytes": limit},
            headers=[(b"connection", b"close")],
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if b"\x00" in unquote_to_bytes(scope.get("query_string", b"")) or "\x00" in scope["path"]:
            await _nul(send)
            return
        headers = Headers(scope=scope)
        limit = self.limit_for(scope["path"])
        declared = headers.get("content-length")
        if declared is not None:
            try:
                if int(declared) > limit:
                    await self._too_large(send, limit)
                    return
            except ValueError:
                await send_error(send, 400, "bad_request", "Content-Length is not a number.")
                return
        if scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE") and declared in (None, "0"):
            await self.app(scope, receive, send)
            return

        # Read the whole body first (it is small: at most ``limit``), then check it.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._too_large(send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if b"\x00" in body or _JSON_NUL.search(body):
            await _nul(send)
            return
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            await send_error(
                send, 422, "invalid_encoding", "The request body is not valid UTF-8 text."
            )
            return
        if text and "json" in headers.get("content-type", ""):
            problem = json_problem(text)
            if problem is not None:
                await send_error(send, 422, "invalid_json", problem)
                return

        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


MAX_JSON_DEPTH = 32
MAX_JSON_INT = 2**63 - 1


class _Unacceptable(ValueError):
    pass


def _number(literal: str) -> float:
    value = float(literal)
    if value in (float("inf"), float("-inf")) or (value != 0 and abs(value) < 1e-300):
        raise _Unacceptable(f"the number {literal[:40]} is too large or too small to use")
    return value


def _integer(literal: str) -> int:
    value = int(literal[:40]) if len(literal) <= 40 else MAX_JSON_INT + 1
    if abs(value) > MAX_JSON_INT:
        raise _Unacceptable(f"the number {literal[:40]} is too large to use")
    return value


def _constant(name: str) -> float:
    raise _Unacceptable(f"{name} is not a number JSON allows")


def _depth(value: object, level: int = 0) -> int:
    if level > MAX_JSON_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def json_problem(text: str) -> str | None:
    """Why a JSON body cannot be used (numbers no field can hold, ``NaN``/``Infinity``,
    nesting deeper than any schema), or None. Syntax errors are left to the route,
    which reports them per field."""
    try:
        value = json.loads(text, parse_float=_number, parse_int=_integer, parse_constant=_constant)
    except _Unacceptable as exc:
        return f"The request body is not usable: {exc}."
    except RecursionError:
        return f"The request body is nested deeper than {MAX_JSON_DEPTH} levels."
    except ValueError:
        return None
    if _depth(value) > MAX_JSON_DEPTH:
        return f"The request body is nested deeper than {MAX_JSON_DEPTH} levels."
    return None


async def _nul(send: Send) -> None:
    await send_error(
        send,
        422,
        "invalid_characters",
        "The request contains a NUL character (\\u0000), which no field accepts.",
    )
