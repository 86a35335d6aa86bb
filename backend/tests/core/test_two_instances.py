"""Two API processes on one PostgreSQL + Redis behave as one API (services pass only).

Each instance is a real `aurum serve` on its own port, as `--scale backend=2` runs them,
against a database of its own beside TEST_DATABASE_URL (``<that name>_instances``,
migrated by `aurum db upgrade`) and TEST_REDIS_URL. What one instance knows, the other
must know: rate-limit windows, admin sessions and idempotency keys live in the shared
stores, never in a process.

A worker (``aurum worker``, no port) runs beside them, as compose's worker service does:
leads posted to either instance are taken up by it. More processes join by adding to
``PROCESSES``; the fixture starts, waits for and stops each of them.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.admin.auth.router import REFRESH_COOKIE
from app.core.config import Settings
from tests.conftest import SERVICES
from tests.leads.test_form_api import form

pytestmark = pytest.mark.skipif(
    not SERVICES, reason="needs PostgreSQL and Redis (runs in the services pass)"
)

BACKEND = Path(__file__).resolve().parents[2]
ADMIN_EMAIL = "two-instances@example.com"
ADMIN_PASSWORD = "quartz-lantern-meadow-42"
ADMIN_ORIGIN = "http://localhost:3002"
PUBLIC_LIMIT = 20


@dataclass
class Process:
    name: str
    args: list[str]
    serves_http: bool = True
    port: int = 0
    popen: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


PROCESSES = [
    Process("api-a", ["serve"]),
    Process("api-b", ["serve"]),
    Process("worker", ["worker"], serves_http=False),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _aurum(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def _admin_sql(url: str, *statements: str) -> None:
    engine = create_async_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            for statement in statements:
                await connection.execute(sa.text(statement))
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    base = sa.make_url(Settings(database_url=os.environ["TEST_DATABASE_URL"]).resolved_database_url)
    name = f"{base.database}_instances"
    admin_url = base.render_as_string(hide_password=False)
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    asyncio.run(_admin_sql(admin_url, drop, f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin_sql(admin_url, drop))


@pytest.fixture(scope="module")
def platform(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Process]]:
    logs = tmp_path_factory.mktemp("instances")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AURUM_", "PROMETHEUS_"))},
        "ENVIRONMENT": "staging",
        "SECRET_KEY": "two-instances-share-this-signing-key-0123456789",
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ["TEST_REDIS_URL"],
        "AURUM_DATA_DIR": str(logs / "data"),
        "LOG_FORMAT": "console",
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_PUBLIC": f"{PUBLIC_LIMIT}/minute",
        # Each test speaks for its own client addresses through X-Forwarded-For.
        "TRUSTED_PROXIES": "127.0.0.1/32",
        "CORS_ORIGINS": ADMIN_ORIGIN,
    }
    for args in (
        ("db", "upgrade"),
        ("create-admin", "--email", ADMIN_EMAIL, "--role", "admin", "--password", ADMIN_PASSWORD),
    ):
        result = _aurum(*args, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
    started: list[Process] = []
    try:
        for process in PROCESSES:
            args = list(process.args)
            if process.serves_http:
                process.port = _free_port()
                args += ["--host", "127.0.0.1", "--port", str(process.port)]
            log = (logs / f"{process.name}.log").open("w")
            process.popen = subprocess.Popen(
                [sys.executable, "-m", "app.cli", *args],
                cwd=BACKEND,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            started.append(process)
        for process in started:
            _wait_until_ready(process, logs / f"{process.name}.log")
        yield started
    finally:
        for process in started:
            assert process.popen is not None
            if process.popen.poll() is None:
                os.killpg(process.popen.pid, signal.SIGTERM)
        for process in started:
            assert process.popen is not None
            try:
                process.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.popen.pid, signal.SIGKILL)
                process.popen.wait()


def _wait_until_ready(process: Process, log: Path) -> None:
    deadline = time.monotonic() + 90
    while True:
        assert process.popen is not None
        if process.popen.poll() is not None:
            pytest.fail(f"{process.name} exited:\n{log.read_text()}")
        if not process.serves_http:
            return
        try:
            if httpx.get(f"{process.url}/health/ready", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{process.name} was not ready within 90 s:\n{log.read_text()}")
        time.sleep(0.2)


@pytest.fixture
async def apis(platform: list[Process]) -> AsyncIterator[list[httpx.AsyncClient]]:
    clients = [httpx.AsyncClient(base_url=p.url, timeout=30) for p in platform if p.serves_http]
    try:
        yield clients
    finally:
        for client in clients:
            await client.aclose()


def _from(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


def _new_client() -> str:
    """A client address of its own (documentation range): limit windows in the shared
    Redis outlive a run, so a rerun within the minute must not meet the last one's."""
    return f"2001:db8:{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}::1"  # its own /64


async def test_rate_limits_are_shared(apis: list[httpx.AsyncClient]) -> None:
    client_address = _new_client()
    statuses = []
    for n in range(PUBLIC_LIMIT + 10):
        api = apis[n % len(apis)]  # alternate: each instance alone would allow them all
        response = await api.get("/api/v1/leads/consent-disclosure", headers=_from(client_address))
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert response.json()["error"]["code"] == "rate_limited"
            assert int(response.headers["retry-after"]) > 0
    assert statuses[:PUBLIC_LIMIT] == [200] * PUBLIC_LIMIT
    assert statuses[PUBLIC_LIMIT:] == [429] * 10
    # Another client is not affected by that one.
    other = await apis[1].get("/api/v1/leads/consent-disclosure", headers=_from(_new_client()))
    assert other.status_code == 200


def _refresh_cookie(response: httpx.Response) -> str:
    cookie = response.cookies.get(REFRESH_COOKIE)
    assert cookie, response.headers
    return cookie


async def test_a_session_started_on_one_instance_works_on_the_other(
    apis: list[httpx.AsyncClient],
) -> None:
    first, second = apis[0], apis[1]
    headers = {"Origin": ADMIN_ORIGIN, **_from(_new_client())}
    signed_in = await first.post(
        "/api/v1/auth/login",
        json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
        headers=headers,
    )
    assert signed_in.status_code == 200, signed_in.text
    access = {"Authorization": f"Bearer {signed_in.json()['access_token']}", **headers}
    me = await second.get("/api/v1/auth/me", headers=access)
    assert me.status_code == 200, me.text
    assert me.json()["user"]["email"] == ADMIN_EMAIL

    # The refresh cookie from one rotates on the other; the rotated one is then spent on both.
    issued = _refresh_cookie(signed_in)
    rotated = await second.post(
        "/api/v1/auth/refresh", headers={**headers, "Cookie": f"{REFRESH_COOKIE}={issued}"}
    )
    assert rotated.status_code == 200, rotated.text
    fresh = {"Authorization": f"Bearer {rotated.json()['access_token']}", **headers}
    assert (await first.get("/api/v1/auth/me", headers=fresh)).status_code == 200
    replay = await first.post(
        "/api/v1/auth/refresh", headers={**headers, "Cookie": f"{REFRESH_COOKIE}={issued}"}
    )
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "refresh_token_reused"
    # Reuse ends the whole session everywhere.
    assert (await second.get("/api/v1/auth/me", headers=fresh)).status_code == 401


async def _post_until_answered(
    api: httpx.AsyncClient, body: dict, key: str, address: str
) -> httpx.Response:
    """What a client does: retry while the key's first request is still in progress."""
    for _ in range(30):
        response = await api.post(
            "/api/v1/leads", json=body, headers={"Idempotency-Key": key, **_from(address)}
        )
        if response.status_code != 409:
            return response
        assert response.json()["error"]["code"] == "idempotency_in_progress"
        await asyncio.sleep(min(float(response.headers.get("retry-after", "1")), 1.0) / 4)
    pytest.fail("the key stayed in progress")


async def test_one_idempotency_key_across_both_instances_gives_one_lead(
    apis: list[httpx.AsyncClient], database_url: str
) -> None:
    email = f"same-key-{uuid.uuid4().hex[:8]}@example.com"
    body = form(email=email, phone="(602) 555-0177")
    key = str(uuid.uuid4())
    responses = await asyncio.gather(
        *(_post_until_answered(apis[n % len(apis)], body, key, _new_client()) for n in range(10))
    )
    assert [r.status_code for r in responses] == [201] * 10, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    engine = create_async_engine(
        Settings(database_url=database_url).resolved_database_url, poolclass=NullPool
    )
    try:
        async with engine.connect() as connection:
            leads = await connection.scalar(
                sa.text("SELECT count(*) FROM leads WHERE email = :email"), {"email": email}
            )
            keys = await connection.scalar(
                sa.text("SELECT count(*) FROM idempotency_keys WHERE key = :key"), {"key": key}
            )
    finally:
        await engine.dispose()
    assert (leads, keys) == (1, 1)


async def test_the_worker_takes_up_leads_posted_to_either_instance(
    apis: list[httpx.AsyncClient], database_url: str
) -> None:
    emails = [f"worker-{uuid.uuid4().hex[:8]}@example.com" for _ in apis]
    for n, (api, email) in enumerate(zip(apis, emails, strict=True)):
        response = await _post_until_answered(
            api, form(email=email, phone=f"(602) 555-01{60 + n}"), str(uuid.uuid4()), _new_client()
        )
        assert response.status_code == 201, response.text
    engine = create_async_engine(
        Settings(database_url=database_url).resolved_database_url, poolclass=NullPool
    )
    try:
        deadline = time.monotonic() + 60  # the worker polls every second; a busy CI is slower
        pending = None
        while time.monotonic() < deadline:
            async with engine.connect() as connection:
                pending = await connection.scalar(
                    sa.text(
                        "SELECT count(*) FROM outbox_events e JOIN leads l ON e.key = "
                        "CAST(l.id AS TEXT) WHERE e.topic = 'lead.sellable' "
                        "AND l.email = ANY(:emails) AND e.processed_at IS NULL"
                    ),
                    {"emails": emails},
                )
                offered = await connection.scalar(
                    sa.text(
                        "SELECT count(*) FROM leads WHERE email = ANY(:emails) "
                        "AND last_offered_at IS NOT NULL"
                    ),
                    {"emails": emails},
                )
            if pending == 0 and offered == len(emails):
                break
            await asyncio.sleep(0.25)
        assert (pending, offered) == (0, len(emails))
    finally:
        await engine.dispose()
