"""Server-sent events framing (the ``text/event-stream`` wire format).

One event is ``event:``, optional ``id:``, one ``data:`` line of JSON and a blank line.
JSON never contains a raw newline, so one ``data:`` line always suffices.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.encoders import jsonable_encoder

SSE_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


def sse_event(event: str, data: Any, *, event_id: str | None = None) -> bytes:
    lines = [f"event: {event}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append(f"data: {json.dumps(jsonable_encoder(data))}")
    return ("\n".join(lines) + "\n\n").encode()
