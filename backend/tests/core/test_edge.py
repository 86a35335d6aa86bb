"""The edge findings, each reproduced as it was seen and checked not to come back.

1. ``X-Forwarded-For`` was believed from 127.0.0.1 with ``TRUSTED_PROXIES`` empty
   (uvicorn's own proxy-header default), so the admin allow-list could be bypassed.
2. A 100 MB JSON body was parsed in full.
13. ``/health/ready`` showed raw connection errors to anyone; ``/metrics``, ``/docs`` and
    ``/openapi.json`` were public in production; a trailing-slash redirect followed a
    forged ``Host``; the SPA server answered 500 to ``/%00`` and to a long path.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from app.cli import server_options
from app.core.config import Settings
from app.core.spa import create_spa_app
from app.main import create_app
from tests.conftest import make_client

BACKEND = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(tmp_path: Path, **env: str) -> tuple[subprocess.Popen[str], str]:
    port = _free_port()
    environment = {
        **os.environ,
        "AURUM_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "WORKER_IN_PROCESS": "false",
        **env,
    }
    subprocess.run(
        [sys.executable, "-m", "app.cli", "db", "upgrade"],
        cwd=BACKEND,
        env=environment,
        check=True,
        capture_output=True,
        timeout=120,
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        cwd=BACKEND,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90  # a loaded machine starts slowly; poll, don't sleep
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError("aurum serve did not come up")


def test_a_forged_x_forwarded_for_from_localhost_changes_nothing(tmp_path: Path) -> None:
    server, base = _serve(tmp_path, ADMIN_IP_ALLOWLIST="10.0.0.0/8")
    try:
        spoofed = httpx.get(
            f"{base}/api/v1/auth/me", headers={"X-Forwarded-For": "10.1.2.3"}, timeout=10
        )
        # The peer is 127.0.0.1, outside the allow-list, whatever the header claims.
        assert spoofed.status_code == 403
        assert spoofed.json()["error"]["code"] == "ip_not_allowed"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_forwarded_for_counts_from_a_trusted_proxy(tmp_path: Path) -> None:
    server, base = _serve(tmp_path, ADMIN_IP_ALLOWLIST="10.0.0.0/8", TRUSTED_PROXIES="127.0.0.1/32")
    try:
        forwarded = httpx.get(
            f"{base}/api/v1/auth/me", headers={"X-Forwarded-For": "10.1.2.3"}, timeout=10
        )
        assert forwarded.status_code == 401  # let through the allow-list, then not signed in
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_every_aurum_serve_process_limits_concurrency_and_ignores_proxy_headers() -> None:
    options = server_options(Settings(api_max_concurrency=250, api_keepalive_seconds=3))
    assert options["proxy_headers"] is False
    assert options["limit_concurrency"] == 250
    assert options["timeout_keep_alive"] == 3


async def test_an_oversized_body_is_413_before_it_is_read(app: FastAPI) -> None:
    consumed = 0

    async def body():  # type: ignore[no-untyped-def]
        nonlocal consumed
        for _ in range(2000):  # 200 MB if anyone read it all
            consumed += 1
            yield b"x" * 100_000

    async with make_client(app) as http:
        declared = await http.post(
            "/api/v1/leads",
            content=b"{}",
            headers={"content-type": "application/json", "content-length": str(100 * 2**20)},
        )
        streamed = await http.post(
            "/api/v1/leads", content=body(), headers={"content-type": "application/json"}
        )
    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "payload_too_large"
    assert consumed < 5  # stopped after the first chunk past the 64 KB public limit


async def test_a_forged_host_is_refused_and_no_redirect_is_built_from_it(app: FastAPI) -> None:
    async with make_client(app) as http:
        forged = await http.get("/api/v1/leads/", headers={"Host": "evil.example"})
        assert forged.status_code == 400
        assert forged.json()["error"]["code"] == "invalid_host"
        slash = await http.get("/api/v1/leads/consent-disclosure/")
        assert slash.status_code == 404  # no redirect at all
        assert "location" not in slash.headers


@pytest.mark.parametrize(("environment", "exposed"), [("development", True), ("production", False)])
async def test_docs_and_metrics_are_off_in_production(
    migrated: Settings, environment: str, exposed: bool
) -> None:
    settings = migrated.model_copy(
        update={"environment": environment, "secret_key": secrets.token_urlsafe(48)}
    )
    application = create_app(settings, configure_logs=False)
    async with application.router.lifespan_context(application), make_client(application) as http:
        for path in ("/docs", "/openapi.json", "/metrics"):
            response = await http.get(path)
            assert (response.status_code == 200) is exposed, (path, response.status_code)
            if not exposed:
                assert response.status_code == 404


async def test_metrics_with_a_token(migrated: Settings) -> None:
    token = secrets.token_urlsafe(32)
    settings = migrated.model_copy(
        update={
            "environment": "production",
            "secret_key": secrets.token_urlsafe(48),
            "metrics_token": token,
        }
    )
    application = create_app(settings, configure_logs=False)
    async with application.router.lifespan_context(application), make_client(application) as http:
        assert (await http.get("/metrics")).status_code == 401
        wrong = await http.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        right = await http.get("/metrics", headers={"Authorization": f"Bearer {token}"})
        assert right.status_code == 200 and "aurum" in right.text


async def test_readiness_errors_only_for_admins(app: FastAPI, client, as_role) -> None:  # type: ignore[no-untyped-def]
    real = app.state.store.ping

    async def broken() -> None:
        raise ConnectionError("redis at 10.0.0.5:6379 refused the connection")

    app.state.store.ping = broken
    try:
        anonymous = (await client.get("/health/ready")).json()
        analyst = (await client.get("/health/ready", headers=await as_role("analyst"))).json()
        admin = (await client.get("/health/ready", headers=await as_role("admin"))).json()
    finally:
        app.state.store.ping = real
    assert anonymous["checks"]["cache"]["status"] == "unavailable"
    assert "error" not in anonymous["checks"]["cache"]
    assert "error" not in analyst["checks"]["cache"]
    assert "10.0.0.5" in admin["checks"]["cache"]["error"]


async def test_the_spa_server_answers_odd_paths_with_4xx(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>x</title>")
    spa = create_spa_app(tmp_path, name="public")
    transport = httpx.ASGITransport(app=spa)
    async with httpx.AsyncClient(transport=transport, base_url="http://spa") as http:
        assert (await http.get("/%00")).status_code == 404
        assert (await http.get("/" + "a" * 5000)).status_code == 404
        long_name = await http.get("/" + "b" * 300)  # too long for the file system
        assert long_name.status_code == 200  # a client-side route: index.html
        assert (await http.get("/pricing")).status_code == 200
