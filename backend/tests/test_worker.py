"""The worker: periodic slots run once across workers, and its first jobs expire data.

The jobs run in the test's rolled-back transaction (the session factory the app's
requests share), so what they delete or change is undone after each test.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.conversation.models import Conversation
from app.conversation.tasks import expire_idle_tokens
from app.core.db import get_session_factory
from app.core.idempotency import IdempotencyKey
from app.core.jobs import JobContext, JobRun, PeriodicJob
from app.core.tasks import expire_idempotency_keys
from app.worker import PERIODIC_JOBS, Worker

BACKEND = Path(__file__).resolve().parents[1]


def shared_factory(app: FastAPI) -> Any:
    """The rolled-back transaction's session factory (installed by the db_session fixture)."""
    return app.dependency_overrides[get_session_factory]()


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def counting_job(name: str, runs: list[datetime], *, fail: bool = False) -> PeriodicJob:
    async def _run(ctx: JobContext) -> dict[str, Any]:
        runs.append(ctx.now)
        if fail:
            raise RuntimeError("boom")
        return {"runs": len(runs)}

    return PeriodicJob(name, timedelta(hours=1), _run)


async def test_a_slot_runs_once_however_many_workers_look(
    app: FastAPI, db_session: AsyncSession
) -> None:
    runs: list[datetime] = []
    job = counting_job(f"test.{uuid.uuid4().hex[:8]}", runs)
    clock = Clock(datetime(2026, 12, 1, 10, 5, tzinfo=UTC))
    workers = [
        Worker(shared_factory(app), app.state.settings, jobs=[job], name=f"w{i}", clock=clock)
        for i in range(3)
    ]
    outcomes = [await worker.run_due() for worker in workers]
    assert [len(o) for o in outcomes] == [1, 0, 0]
    assert len(runs) == 1

    # The same slot again: nothing; the next hour: exactly one run again.
    assert await workers[0].run_due() == []
    clock.now += timedelta(minutes=55)  # 11:00: the next slot
    outcomes = [await worker.run_due() for worker in reversed(workers)]
    assert [len(o) for o in outcomes] == [1, 0, 0]
    assert len(runs) == 2

    rows = (await db_session.execute(sa.select(JobRun).where(JobRun.job == job.name))).scalars()
    recorded = {(row.slot, row.worker, row.result["runs"]) for row in rows}
    slot = job.slot(datetime(2026, 12, 1, 10, 5, tzinfo=UTC))
    assert recorded == {(slot, "w0", 1), (slot + 1, "w2", 2)}


async def test_a_failing_job_is_recorded_and_the_others_still_run(
    app: FastAPI, db_session: AsyncSession
) -> None:
    failed: list[datetime] = []
    fine: list[datetime] = []
    tag = uuid.uuid4().hex[:8]
    jobs = [
        counting_job(f"test.fail.{tag}", failed, fail=True),
        counting_job(f"test.ok.{tag}", fine),
    ]
    worker = Worker(shared_factory(app), app.state.settings, jobs=jobs, name="w")
    outcomes = await worker.run_due()
    assert [(o.job.split(".")[1], o.error) for o in outcomes] == [
        ("fail", "RuntimeError: boom"),
        ("ok", None),
    ]
    error = await db_session.scalar(sa.select(JobRun.error).where(JobRun.job == jobs[0].name))
    assert error == "RuntimeError: boom"


async def test_idempotency_keys_older_than_a_day_are_deleted(
    app: FastAPI, db_session: AsyncSession
) -> None:
    now = datetime.now(UTC)
    scope = f"test-{uuid.uuid4().hex[:8]}"
    ages = {"fresh": timedelta(hours=1), "edge": timedelta(hours=23, minutes=59)}
    ages |= {"old": timedelta(hours=25), "ancient": timedelta(days=90)}
    for key, age in ages.items():
        db_session.add(
            IdempotencyKey(scope=scope, key=key, request_hash="h" * 64, created_at=now - age)
        )
    await db_session.flush()

    result = await expire_idempotency_keys(JobContext(shared_factory(app), app.state.settings, now))
    assert result["deleted"] >= 2
    left = set(
        (
            await db_session.execute(
                sa.select(IdempotencyKey.key).where(IdempotencyKey.scope == scope)
            )
        ).scalars()
    )
    assert left == {"fresh", "edge"}


async def test_chats_idle_for_30_days_can_no_longer_be_resumed(
    app: FastAPI, db_session: AsyncSession, client: httpx.AsyncClient
) -> None:
    chats = []
    for _ in range(2):
        started = await client.post("/api/v1/conversations", json={})
        assert started.status_code == 201
        chats.append(started.json())
    idle, active = chats
    now = datetime.now(UTC)
    await db_session.execute(
        sa.update(Conversation)
        .where(Conversation.id == uuid.UUID(idle["id"]))
        .values(updated_at=now - timedelta(days=31))
    )
    await db_session.execute(
        sa.update(Conversation)
        .where(Conversation.id == uuid.UUID(active["id"]))
        .values(updated_at=now - timedelta(days=29))
    )

    result = await expire_idle_tokens(JobContext(shared_factory(app), app.state.settings, now))
    assert result["expired"] >= 1

    gone = await client.get(
        f"/api/v1/conversations/{idle['id']}", headers={"X-Conversation-Token": idle["token"]}
    )
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "conversation_not_found"
    reply = await client.post(
        f"/api/v1/conversations/{idle['id']}/messages",
        json={"content": "85004"},
        headers={"X-Conversation-Token": idle["token"]},
    )
    assert reply.status_code == 404
    still = await client.get(
        f"/api/v1/conversations/{active['id']}", headers={"X-Conversation-Token": active["token"]}
    )
    assert still.status_code == 200
    expired_at = await db_session.scalar(
        sa.select(Conversation.token_expired_at).where(Conversation.id == uuid.UUID(idle["id"]))
    )
    assert expired_at is not None


def test_every_domain_job_has_a_unique_name() -> None:
    names = [job.name for job in PERIODIC_JOBS]
    assert len(names) == len(set(names))
    assert {"core.expire_idempotency_keys", "conversation.expire_idle_tokens"} <= set(names)


# --- the command and the in-process mode (real processes, embedded database) -------------


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    # Plain help text: rich colours it when FORCE_COLOR is set at all (CI sets it to 0).
    inherited = {k: v for k, v in os.environ.items() if k != "FORCE_COLOR"}
    return {
        **inherited,
        "NO_COLOR": "1",
        "COLUMNS": "200",
        "AURUM_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "LOG_FORMAT": "json",
        **extra,
    }


def _aurum(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_aurum_worker_help_and_once(tmp_path: Path) -> None:
    env = _env(tmp_path)
    helped = _aurum("worker", "--help", env=env)
    assert helped.returncode == 0
    assert "--once" in helped.stdout
    assert _aurum("db", "upgrade", env=env).returncode == 0
    first = _aurum("worker", "--once", env=env)
    assert first.returncode == 0, first.stderr
    assert "core.expire_idempotency_keys: {'deleted': 0}" in first.stdout
    assert "conversation.expire_idle_tokens: {'expired': 0}" in first.stdout
    # A second worker in the same hour finds every slot taken.
    second = _aurum("worker", "--once", env=env)
    assert second.returncode == 0
    assert "core.expire_idempotency_keys" not in second.stdout


def test_the_api_runs_the_worker_in_process_on_the_embedded_database(tmp_path: Path) -> None:
    env = _env(tmp_path)
    assert _aurum("db", "upgrade", env=env).returncode == 0
    port = 20000 + secrets.randbelow(20000)
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        cwd=BACKEND,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 90  # generous: a loaded CI machine starts slowly
        assert server.stdout is not None
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "expire_idle_tokens" in line and "periodic job finished" in line:
                break
    finally:
        server.terminate()
        server.wait(timeout=30)
    log = "".join(lines)
    assert "worker started" in log
    assert "periodic job finished" in log and "core.expire_idempotency_keys" in log
    assert "conversation.expire_idle_tokens" in log


class _Blocked:
    """A poller whose work waits for ``release``: a lane stuck on a long item."""

    def __init__(self, release: asyncio.Event) -> None:
        self.release, self.started = release, asyncio.Event()

    async def __call__(self, ctx: JobContext) -> int:
        self.started.set()
        await self.release.wait()
        return 0

    async def close(self) -> None:
        return None


class _Quick:
    """A poller with three items, then nothing; tells ``release`` when they are done."""

    def __init__(self, release: asyncio.Event) -> None:
        self.release, self.left = release, 3

    async def __call__(self, ctx: JobContext) -> int:
        if self.left == 0:
            self.release.set()
            return 0
        self.left -= 1
        return 1

    async def close(self) -> None:
        return None


async def test_a_lane_stuck_on_long_work_does_not_hold_up_the_others(app: FastAPI) -> None:
    # Serially, the quick poller would never run while the blocked one waits for it:
    # only lanes side by side finish this.
    release = asyncio.Event()
    blocked, quick = _Blocked(release), _Quick(release)
    worker = Worker(
        app.state.db.transaction,  # unused: neither poller touches the database
        app.state.settings.model_copy(update={"worker_poll_seconds": 0.05}),
        jobs=[],
        consumers=[],
        pollers=[lambda _s, _n: blocked, lambda _s, _n: quick],
    )
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    try:
        await asyncio.wait_for(release.wait(), timeout=60)
        assert blocked.started.is_set() and quick.left == 0
    finally:
        stop.set()
        release.set()
        await asyncio.wait_for(running, timeout=60)
