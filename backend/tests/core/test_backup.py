"""`aurum backup` and `aurum restore`: a real round trip on the suite's database kind.

The embedded pass backs up SQLite; the services pass PostgreSQL (a database of its own
beside TEST_DATABASE_URL, named ``<that name>_backup``, created and dropped here). Data
is made the way users make it (the API and `aurum create-admin`), backed up, wiped,
restored, and compared table by table with a checksum computed here, independently of
the manifest the commands use.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.core import backup as backups
from app.core.config import Settings
from app.main import create_app
from tests.conftest import SERVICES, TEST_HOSTS, make_client
from tests.leads.test_form_api import form

BACKEND = Path(__file__).resolve().parents[2]
PASSWORD = "a-restore-rehearsal-password-1"


# ---------------------------------------------------------------- scheduling and pruning


@pytest.mark.parametrize(
    ("now", "latest", "expected"),
    [
        ("2026-03-01T10:00", None, "2026-03-01T10:00"),  # none yet: now
        ("2026-03-01T10:00", "2026-02-28T09:59", "2026-03-01T10:00"),  # a day old: now
        ("2026-03-01T10:00", "2026-03-01T02:00", "2026-03-02T02:00"),  # tonight's is done
        ("2026-03-01T01:00", "2026-02-28T02:00", "2026-03-01T02:00"),  # later today
        ("2026-03-01T02:00", "2026-02-28T02:00:30", "2026-03-02T02:00"),  # due passed
    ],
)
def test_next_backup_time(now: str, latest: str | None, expected: str) -> None:
    def at(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)

    result = backups.next_backup_at(at(now), at(latest) if latest else None, time(2, 0))
    assert result == at(expected)


def _touch_backup(directory: Path, when: datetime, kind: str = "dump") -> Path:
    path = directory / backups.backup_name("postgresql" if kind == "dump" else "sqlite", when)
    path.write_bytes(b"PGDMP")
    backups.manifest_path(path).write_text("{}")
    return path


def test_pruning_keeps_the_days_asked_for_and_always_the_newest(tmp_path: Path) -> None:
    now = datetime(2026, 3, 20, 2, 0, tzinfo=UTC)
    made = [_touch_backup(tmp_path, now - timedelta(days=age)) for age in (20, 15, 13, 1, 0)]
    (tmp_path / "notes.txt").write_text("not a backup")
    removed = backups.prune_backups(tmp_path, keep_days=14, now=now)
    assert removed == made[:2]
    assert backups.backups_in(tmp_path) == made[2:]
    assert not backups.manifest_path(made[0]).exists()
    assert (tmp_path / "notes.txt").exists()
    # Nothing newer than the cut-off: the newest stays anyway.
    assert backups.prune_backups(tmp_path, keep_days=1, now=now + timedelta(days=30)) == made[2:4]
    assert backups.backups_in(tmp_path) == made[4:]


def _aurum(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _base_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL") and not k.startswith(("AURUM_", "BACKUP_"))
    }
    env.update(
        ENVIRONMENT="development",
        LOG_FORMAT="console",
        AURUM_DATA_DIR=str(tmp_path / "data"),
        BACKUP_DIR=str(tmp_path / "backups"),
    )
    return env


def test_status_is_healthy_only_with_a_fresh_backup(tmp_path: Path) -> None:
    env = _base_env(tmp_path)
    none = _aurum("backup", "--status", env=env)
    assert none.returncode == 1 and "No backup" in none.stderr
    directory = tmp_path / "backups"
    directory.mkdir()
    _touch_backup(directory, datetime.now(UTC) - timedelta(hours=30))
    assert _aurum("backup", "--status", env=env).returncode == 1
    _touch_backup(directory, datetime.now(UTC) - timedelta(hours=2))
    fresh = _aurum("backup", "--status", env=env)
    assert fresh.returncode == 0, fresh.stderr
    assert "2.0 hours old" in fresh.stdout


# ---------------------------------------------------------------- the round trip


async def _checksums(url: str) -> dict[str, tuple[int, str]]:
    """{table: (rows, sha256 of its sorted rows)}, computed apart from app.core.backup."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: sa.inspect(c).get_table_names())
            result = {}
            for table in sorted(tables):
                rows = (await connection.execute(sa.text(f'SELECT * FROM "{table}"'))).all()
                lines = sorted(repr(tuple(row)) for row in rows)
                result[table] = (len(rows), hashlib.sha256("\n".join(lines).encode()).hexdigest())
            return result
    finally:
        await engine.dispose()


async def _execute(url: str, *statements: str, autocommit: bool = False) -> None:
    options = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
    engine = create_async_engine(url, poolclass=NullPool, **options)
    try:
        async with engine.begin() as connection:
            for statement in statements:
                await connection.execute(sa.text(statement))
    finally:
        await engine.dispose()


@pytest.fixture
async def target(tmp_path: Path) -> AsyncIterator[Settings]:
    """Settings for a database of the suite's kind that this test may wipe."""
    env_settings = {
        "environment": "test",
        "AURUM_DATA_DIR": tmp_path / "data",
        "redis_url": None,
        "allowed_hosts": TEST_HOSTS,
        "worker_in_process": False,
    }
    if not SERVICES:
        yield Settings(database_url=None, **env_settings)
        return
    base = sa.make_url(Settings(database_url=os.environ["TEST_DATABASE_URL"]).resolved_database_url)
    name = f"{base.database}_backup"
    await _execute(
        base.render_as_string(hide_password=False),
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}"',
        autocommit=True,
    )
    url = base.set(database=name).render_as_string(hide_password=False)
    try:
        yield Settings(database_url=url, **env_settings)
    finally:
        await _execute(
            base.render_as_string(hide_password=False),
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            autocommit=True,
        )


def _env_for(settings: Settings, tmp_path: Path) -> dict[str, str]:
    env = _base_env(tmp_path)
    if settings.database_url:
        env["DATABASE_URL"] = settings.database_url
    return env


async def _seed(settings: Settings, env: dict[str, str]) -> None:
    for args in (
        ("db", "upgrade"),
        ("create-admin", "--email", "ops@example.com", "--role", "admin", "--password", PASSWORD),
        ("create-admin", "--email", "an@example.com", "--role", "analyst", "--password", PASSWORD),
    ):
        result = await asyncio.to_thread(_aurum, *args, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
    app = create_app(settings, configure_logs=False)
    async with app.router.lifespan_context(app), make_client(app) as http:
        for n in range(3):
            body = form(email=f"owner{n}@example.com", phone=f"(602) 555-01{n:02d}")
            response = await http.post(
                "/api/v1/leads", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}
            )
            assert response.status_code == 201, response.text
        started = await http.post("/api/v1/conversations")
        assert started.status_code == 201, started.text
        conversation = started.json()
        token = conversation["token"]
        reply = await http.post(
            f"/api/v1/conversations/{conversation['id']}/messages",
            json={"content": "My ZIP is 85004 and my bill is about $180 a month"},
            headers={"X-Conversation-Token": token},
        )
        assert reply.status_code in (200, 201), reply.text


def _delete_sqlite_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def _wipe(settings: Settings) -> None:
    if settings.database_backend == "postgresql":
        await _execute(
            settings.resolved_database_url,
            "DROP SCHEMA public CASCADE",
            "CREATE SCHEMA public",
        )
    else:
        await asyncio.to_thread(_delete_sqlite_files, settings.sqlite_path)


async def test_backup_wipe_restore_gives_back_the_same_rows(
    target: Settings, tmp_path: Path
) -> None:
    env = _env_for(target, tmp_path)
    url = target.resolved_database_url
    await _seed(target, env)
    before = await _checksums(url)
    assert before["leads"][0] == 3 and before["admin_users"][0] == 2
    assert before["messages"][0] >= 2 and before["audit_log"][0] >= 2

    made = await asyncio.to_thread(_aurum, "backup", env=env)
    assert made.returncode == 0, made.stdout + made.stderr
    (file,) = backups.backups_in(tmp_path / "backups")
    assert file.suffix == backups.SUFFIX[target.database_backend]
    manifest = backups.Manifest.read(backups.manifest_path(file))
    assert {name: d.rows for name, d in manifest.tables.items()} == {
        name: rows for name, (rows, _) in before.items()
    }

    await _wipe(target)
    assert (await _checksums(url)).get("leads") is None

    restored = await asyncio.to_thread(_aurum, "restore", str(file), env=env)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "matches its manifest" in restored.stdout
    assert await _checksums(url) == before
    print(  # the figures for a rehearsal note (pytest -s)
        f"\n{target.database_backend}: {len(before)} tables, "
        f"{sum(r for r, _ in before.values())} rows, sha256 of the checksums "
        f"{hashlib.sha256(repr(sorted(before.items())).encode()).hexdigest()[:16]}"
    )
    current = await asyncio.to_thread(_aurum, "db", "current", env=env)
    assert manifest.revision and manifest.revision in current.stdout
    # The audit log's append-only guard came back with the data.
    with pytest.raises(sa.exc.DBAPIError):
        await _execute(url, "UPDATE audit_log SET action = 'rewritten'")

    # A database with data is not replaced without --force.
    refused = await asyncio.to_thread(_aurum, "restore", str(file), env=env)
    assert refused.returncode == 1 and "--force" in refused.stderr
    forced = await asyncio.to_thread(_aurum, "restore", "--force", str(file), env=env)
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert await _checksums(url) == before


async def test_a_damaged_or_foreign_backup_changes_nothing(
    target: Settings, tmp_path: Path
) -> None:
    env = _env_for(target, tmp_path)
    await _seed(target, env)
    before = await _checksums(target.resolved_database_url)
    made = await asyncio.to_thread(_aurum, "backup", "--output", str(tmp_path / "x.bak"), env=env)
    assert made.returncode == 0, made.stderr
    data = (tmp_path / "x.bak").read_bytes()
    damaged = tmp_path / "damaged.bak"
    damaged.write_bytes(data[: len(data) // 3])
    foreign = tmp_path / "foreign.bak"
    other_kind = {"postgresql": "sqlite", "sqlite": "postgresql"}[target.database_backend]
    foreign.write_bytes(backups.HEADER[other_kind] + b"\0" * 64)
    for file in (damaged, foreign, tmp_path / "missing.bak"):
        result = await asyncio.to_thread(_aurum, "restore", "--force", str(file), env=env)
        assert result.returncode == 1, (file, result.stdout)
        assert "Restore failed" in result.stderr
        assert await _checksums(target.resolved_database_url) == before
