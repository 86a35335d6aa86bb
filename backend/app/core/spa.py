"""Serving a built single-page app (`dist/`): what `aurum serve --all` runs on 3001/3002.

Same contract as the nginx images: `/health` answers 200, hashed assets are cached for a
year, `index.html` is never cached, unknown paths without a file extension fall back to
`index.html` so client-side routes survive a reload, and security headers go on all.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

IMMUTABLE = "public, max-age=31536000, immutable"
MAX_PATH_CHARS = 1024  # no route or file of a SPA is longer
NO_CACHE = "no-cache"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def create_spa_app(dist_dir: Path, *, name: str) -> Starlette:
    root = dist_dir.resolve()
    index = root / "index.html"

    def _with_headers(response: Response, cache: str) -> Response:
        response.headers["Cache-Control"] = cache
        response.headers.update(SECURITY_HEADERS)
        return response

    async def health(_: Request) -> Response:
        return _with_headers(JSONResponse({"status": "ok", "app": name}), "no-store")

    def _file(relative: str) -> Path | None:
        if not relative or "\x00" in relative or len(relative) > MAX_PATH_CHARS:
            return None
        try:
            candidate = (root / relative).resolve()
            return candidate if candidate.is_relative_to(root) and candidate.is_file() else None
        except (OSError, ValueError):  # a name too long for the file system
            return None

    async def serve(request: Request) -> Response:
        relative = request.path_params.get("path", "")
        if "\x00" in relative or len(relative) > MAX_PATH_CHARS:
            return _with_headers(PlainTextResponse("Not found", status_code=404), NO_CACHE)
        candidate = _file(relative)
        if candidate is not None:
            hashed = candidate.parent.name == "assets"
            media_type = mimetypes.guess_type(candidate.name)[0]
            return _with_headers(
                FileResponse(candidate, media_type=media_type), IMMUTABLE if hashed else NO_CACHE
            )
        if Path(relative).suffix and relative != "index.html":
            return _with_headers(PlainTextResponse("Not found", status_code=404), NO_CACHE)
        if not index.is_file():
            return _with_headers(
                PlainTextResponse(f"{name} is not built: run `make build`.", status_code=503),
                "no-store",
            )
        return _with_headers(FileResponse(index, media_type="text/html"), NO_CACHE)

    return Starlette(
        routes=[
            Route("/health", health, methods=["GET", "HEAD"]),
            Route("/", serve, methods=["GET", "HEAD"]),
            Route("/{path:path}", serve, methods=["GET", "HEAD"]),
        ]
    )
