"""A local webhook receiver: a real HTTP server on loopback whose answers a test scripts.

Each request takes the next step of ``script`` (then ``then`` for ever): a status with
optional headers, or a delay before answering (longer than the sender's timeout makes
a timeout). Every request is recorded with its headers, body and arrival time.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@dataclass(frozen=True)
class Step:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    body: str = "ok"


@dataclass
class Received:
    headers: dict[str, str]
    body: str
    at: float


@dataclass
class Receiver:
    script: list[Step] = field(default_factory=list)
    then: Step = field(default_factory=Step)
    received: list[Received] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    async def handle(self, request: Request) -> Response:
        body = (await request.body()).decode()
        self.received.append(Received(dict(request.headers), body, time.monotonic()))
        step = self.script.pop(0) if self.script else self.then
        if step.delay:
            await asyncio.sleep(step.delay)
        return Response(step.body, status_code=step.status, headers=step.headers)

    def ids(self) -> list[str]:
        return [r.headers["webhook-id"] for r in self.received]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@asynccontextmanager
async def running(receiver: Receiver) -> AsyncIterator[Receiver]:
    receiver.port = _free_port()
    app = Starlette(routes=[Route("/hooks", receiver.handle, methods=["POST"])])
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=receiver.port, log_level="warning", lifespan="off"
        )
    )
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + 30
    while not server.started:
        if task.done() or time.monotonic() > deadline:
            raise RuntimeError("the webhook receiver did not start")
        await asyncio.sleep(0.02)
    try:
        yield receiver
    finally:
        server.should_exit = True
        await task
