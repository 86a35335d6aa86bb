"""`aurum serve --all` serves each built SPA like the nginx images do."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.core.spa import create_spa_app


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('hi')")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path.parent / "secret.txt").write_text("outside dist")
    return tmp_path


@pytest.fixture
async def spa(dist: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_spa_app(dist, name="public")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://spa"
    ) as http:
        yield http


async def test_health(spa: httpx.AsyncClient) -> None:
    response = await spa.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "app": "public"}


@pytest.mark.parametrize("path", ["/", "/chat", "/leads/123/detail"])
async def test_client_routes_fall_back_to_index(spa: httpx.AsyncClient, path: str) -> None:
    response = await spa.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    assert "id=root" in response.text


async def test_hashed_assets_are_cached_for_a_year(spa: httpx.AsyncClient) -> None:
    response = await spa.get("/assets/index-abc123.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


async def test_missing_files_are_404_not_index(spa: httpx.AsyncClient) -> None:
    assert (await spa.get("/assets/gone-123.js")).status_code == 404


async def test_no_path_traversal(spa: httpx.AsyncClient) -> None:
    response = await spa.get("/..%2Fsecret.txt")
    assert "outside dist" not in response.text


async def test_security_headers_everywhere(spa: httpx.AsyncClient) -> None:
    for path in ("/", "/health", "/assets/index-abc123.js", "/favicon.svg"):
        response = await spa.get(path)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"


async def test_unbuilt_spa_says_how_to_build(tmp_path: Path) -> None:
    app = create_spa_app(tmp_path / "missing", name="admin")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as h:
        response = await h.get("/")
    assert response.status_code == 503
    assert "make build" in response.text
