"""A real HTTP server around the test app and a reader of its event streams: httpx's
ASGI transport hands a response over only once it is complete, and a live stream
never completes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

# This engineer's ports (the machine is shared); a free one of them.
PORTS = range(8720, 8730)
DEADLINE_SECONDS = 30.0


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8720-8729")


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self):  # type: ignore[no-untyped-def]
        yield  # the test runner keeps its own signals


@contextlib.asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """``app`` (already started) on a real port; its base URL."""
    port = free_port()
    server = _Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not server.started:
        if task.done() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        try:
            await asyncio.wait_for(task, DEADLINE_SECONDS)
        except TimeoutError:
            server.force_exit = True
            await task


@dataclass
class Message:
    id: str | None = None
    event: str | None = None
    data: Any = None
    comments: list[str] = field(default_factory=list)


class Stream:
    """An open ``text/event-stream`` response, read message by message."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._lines = response.aiter_lines()

    async def next(self, *, within: float = DEADLINE_SECONDS) -> Message | None:
        """The next message or comment block; None when the stream ended."""
        message = Message()
        seen = False
        async with asyncio.timeout(within):
            async for line in self._lines:
                if line == "":
                    if seen:
                        return message
                    continue
                seen = True
                name, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if name == "":
                    message.comments.append(value)
                elif name == "data":
                    message.data = json.loads(value)
                elif name in ("id", "event"):
                    setattr(message, name, value)
        return message if seen else None

    async def next_event(self, *, within: float = DEADLINE_SECONDS) -> Message | None:
        """The next message with an event (keep-alive comments skipped)."""
        deadline = time.monotonic() + within
        while True:
            message = await self.next(within=max(0.1, deadline - time.monotonic()))
            if message is None or message.event is not None:
                return message


@contextlib.asynccontextmanager
async def open_stream(
    base_url: str, params: dict[str, str], headers: dict[str, str] | None = None
) -> AsyncIterator[Stream]:
    async with (
        httpx.AsyncClient(base_url=base_url, timeout=DEADLINE_SECONDS) as http,
        http.stream("GET", "/api/v1/admin/events", params=params, headers=headers) as response,
    ):
        if response.status_code != 200:
            await response.aread()
        yield Stream(response)
