"""Pure ASGI middleware: security headers on every response, and the admin IP allow-list."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.clientip import client_ip, parse_networks
from app.core.errors import error_payload

# JSON, CSV and event streams need nothing from a browser: no scripts, no frames.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=63072000; includeSubDomains"


def _under(path: str, prefixes: Iterable[str]) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)


class SecurityHeadersMiddleware:
    """``nosniff``, ``DENY`` framing, no referrer, a deny-all CSP (not on the interactive
    docs, which load scripts), ``no-store`` on private paths, and HSTS outside
    development. Headers a handler set itself are left alone."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        private_prefixes: Iterable[str] = (),
        docs_paths: Iterable[str] = ("/docs", "/redoc"),
        hsts: bool = False,
    ) -> None:
        self.app = app
        self.private_prefixes = tuple(private_prefixes)
        self.docs_paths = tuple(docs_paths)
        self.hsts = hsts

    def _headers_for(self, path: str) -> list[tuple[bytes, bytes]]:
        headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
        ]
        if not _under(path, self.docs_paths):
            headers.append((b"content-security-policy", API_CSP.encode()))
        if _under(path, self.private_prefixes):
            headers.append((b"cache-control", b"no-store"))
        if self.hsts:
            headers.append((b"strict-transport-security", HSTS.encode()))
        return headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self._headers_for(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend((n, v) for n, v in extra if n not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class AdminIPAllowlistMiddleware:
    """Answers 403 on the guarded paths (admin and auth APIs) to clients outside
    ``ADMIN_IP_ALLOWLIST``; an empty list allows everyone. The client address honours
    ``X-Forwarded-For`` only from ``TRUSTED_PROXIES`` (see ``core.clientip``)."""

    def __init__(self, app: ASGIApp, *, allowlist: Iterable[str], guarded_prefixes: Iterable[str]):
        self.app = app
        self.networks = parse_networks(tuple(allowlist))
        self.guarded_prefixes = tuple(guarded_prefixes)

    def _allowed(self, ip: str) -> bool:
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        return any(address in network for network in self.networks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or not self.networks
            or not _under(scope["path"], self.guarded_prefixes)
            or self._allowed(client_ip(HTTPConnection(scope)))
        ):
            await self.app(scope, receive, send)
            return
        body = json.dumps(
            error_payload("ip_not_allowed", "Access from this network address is not allowed.")
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
