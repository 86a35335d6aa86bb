"""A homeowner's side of the chat, for tests and the benchmark."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Chat:
    http: httpx.AsyncClient
    id: str = ""
    token: str = ""
    state: dict[str, Any] = field(default_factory=dict)
    transcript: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    async def start(cls, http: httpx.AsyncClient, **body: Any) -> Chat:
        response = await http.post("/api/v1/conversations", json=body or None)
        assert response.status_code == 201, response.text
        data = response.json()
        chat = cls(http, data["id"], data["token"], data["state"], list(data["messages"]))
        return chat

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Conversation-Token": self.token}

    async def say(self, content: str) -> list[dict[str, Any]]:
        response = await self.http.post(
            f"/api/v1/conversations/{self.id}/messages",
            json={"content": content},
            headers=self.headers,
        )
        assert response.status_code == 200, response.text
        data = response.json()
        self.state = data["state"]
        self.transcript.extend(data["messages"])
        return data["messages"]

    async def say_text(self, content: str) -> str:
        return "\n".join(m["content"] for m in await self.say(content))

    async def stream(self, content: str) -> list[tuple[str, Any]]:
        """Send with Accept: text/event-stream; return the parsed (event, data) list."""
        events: list[tuple[str, Any]] = []
        async with self.http.stream(
            "POST",
            f"/api/v1/conversations/{self.id}/messages",
            json={"content": content},
            headers={**self.headers, "Accept": "text/event-stream"},
        ) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            body = (await response.aread()).decode()
        for block in body.strip().split("\n\n"):
            lines = dict(line.split(": ", 1) for line in block.split("\n"))
            events.append((lines["event"], json.loads(lines["data"])))
        for name, data in events:
            if name == "state":
                self.state = data["state"]
                self.transcript.extend(data["messages"])
        return events


HAPPY_PATH = [
    "we own a house in 85004 and pay about $210 a month",
    "composition shingle",
    "no trees at all",
    "score around 730",
    "as soon as possible",
    "skip",
    "Jane Doe",
    "jane.doe@example.com",
    "(602) 555-0142",
    "I agree",
]
