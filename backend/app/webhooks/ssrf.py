"""Where a webhook may be sent: public https addresses only (unless allowed otherwise).

A partner chooses the URL, so without a check it could point the platform at itself, at
the cloud metadata service (169.254.169.254) or at the private network. The check runs
when the endpoint is saved and again before every attempt (DNS can change between the
two); every address the name resolves to must be public. ``WEBHOOKS_ALLOW_PRIVATE``
lets development and tests send to loopback and private addresses over http.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


class UnsafeURL(ValueError):
    pass


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def check_shape(url: str, *, allow_private: bool) -> tuple[str, int]:
    """The host and port of ``url``, or UnsafeURL saying what is wrong with it."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeURL("the URL must be https://host/path")
    if parts.scheme != "https" and not allow_private:
        raise UnsafeURL("webhooks are sent over https only")
    if parts.username or parts.password:
        raise UnsafeURL("the URL must not carry a user name or password")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeURL("the URL's port is not a number") from exc
    return parts.hostname, port


async def check_url(url: str, *, allow_private: bool) -> None:
    host, port = check_shape(url, allow_private=allow_private)
    if allow_private:
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise UnsafeURL(f"the host {host} does not resolve") from exc
    addresses = {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}
    private = sorted(str(a) for a in addresses if not _public(a))
    if private or not addresses:
        raise UnsafeURL(f"the host {host} resolves to a non-public address ({', '.join(private)})")
