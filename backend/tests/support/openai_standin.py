"""A local OpenAI-compatible Chat Completions server for tests (never the internet).

It plays a scripted model: each request to `/v1/chat/completions` takes the next
scripted round, which is text (streamed in small chunks), tool calls (streamed as
argument fragments), an HTTP error, or a stall longer than the client's timeout. It
records every request so tests can check what the agent sent (tools, tool results).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route


@dataclass
class Text:
    content: str


@dataclass
class ToolCall:
    name: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass
class Calls:
    calls: list[ToolCall]


@dataclass
class Fail:
    status: int = 500


@dataclass
class Stall:
    seconds: float


Round = Text | Calls | Fail | Stall


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> bytes:
    body = {
        "id": "chatcmpl-standin",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


class _QuietServer(uvicorn.Server):
    """Leaves the test runner's signal handlers alone."""

    @contextlib.contextmanager
    def capture_signals(self):  # type: ignore[no-untyped-def]
        yield


class StandIn:
    def __init__(self) -> None:
        self.script: list[Round] = []
        self.requests: list[dict[str, Any]] = []
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    def queue(self, *rounds: Round) -> None:
        self.script.extend(rounds)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def _completions(self, request: Request) -> Response:
        payload = await request.json()
        self.requests.append(payload)
        if not self.script:
            return JSONResponse({"error": {"message": "script exhausted"}}, status_code=500)
        step = self.script.pop(0)
        model = payload.get("model", "standin")
        if isinstance(step, Fail):
            return JSONResponse({"error": {"message": "scripted failure"}}, status_code=step.status)
        if isinstance(step, Stall):
            await asyncio.sleep(step.seconds)
            step = Text("Too late.")
        if not payload.get("stream"):
            return JSONResponse({"error": {"message": "the agent must stream"}}, status_code=400)

        async def events() -> AsyncIterator[bytes]:
            yield _chunk(model, {"role": "assistant", "content": ""})
            if isinstance(step, Text):
                words = step.content.split(" ")
                for i in range(0, len(words), 3):
                    piece = " ".join(words[i : i + 3]) + (" " if i + 3 < len(words) else "")
                    yield _chunk(model, {"content": piece})
                yield _chunk(model, {}, "stop")
            else:
                for index, call in enumerate(step.calls):
                    arguments = json.dumps(call.arguments)
                    call_id = f"call_{uuid.uuid4().hex[:8]}"
                    head = {"index": index, "id": call_id, "type": "function"}
                    yield _chunk(
                        model,
                        {
                            "tool_calls": [
                                {**head, "function": {"name": call.name, "arguments": ""}}
                            ]
                        },
                    )
                    for start in range(0, len(arguments), 7):
                        fragment = arguments[start : start + 7]
                        yield _chunk(
                            model,
                            {"tool_calls": [{"index": index, "function": {"arguments": fragment}}]},
                        )
                yield _chunk(model, {}, "tool_calls")
            yield b"data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    async def start(self) -> StandIn:
        app = Starlette(routes=[Route("/v1/chat/completions", self._completions, methods=["POST"])])
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self._server = _QuietServer(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:  # noqa: ASYNC110 - uvicorn exposes only this flag
            await asyncio.sleep(0.01)
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._task is not None:
            await self._task
