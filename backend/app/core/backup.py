"""Backups of the database and their restore (`aurum backup`, `aurum restore`).

PostgreSQL goes through ``pg_dump`` / ``pg_restore`` in their custom format; the
embedded SQLite database through SQLite's online backup API, so neither needs the API
stopped to back up. Next to each backup ``FILE`` lies ``FILE.json``, its manifest: the
backend, the Alembic revision and, per table, the row count and a checksum of the rows,
computed in the very snapshot that was dumped (PostgreSQL: pg_dump imports the snapshot
the manifest's transaction exported). A restore recomputes them and fails loudly when
anything differs, so "restored" means "the same rows", not "pg_restore exited 0".

Backups are named ``aurum-<UTC time>.dump`` (PostgreSQL) or ``.sqlite3`` (SQLite) in
``BACKUP_DIR``; ``aurum backup --nightly`` takes one a day and keeps
``BACKUP_KEEP_DAYS`` days of them.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from app.core.config import Settings

logger = logging.getLogger("aurum.backup")

BACKUP_NAME = re.compile(r"^aurum-(?P<stamp>\d{8}T\d{6}Z)\.(?P<kind>dump|sqlite3)$")
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
SUFFIX = {"postgresql": ".dump", "sqlite": ".sqlite3"}
HEADER = {"postgresql": b"PGDMP", "sqlite": b"SQLite format 3\x00"}
# `--status` is healthy while the newest backup is younger than this (a day and slack).
FRESH_FOR = timedelta(hours=25)
RETRY_AFTER_FAILURE = timedelta(minutes=15)


class BackupError(RuntimeError):
    """A backup or restore that did not happen, with what to do about it."""


@dataclass(frozen=True)
class TableDigest:
    rows: int
    checksum: str


@dataclass(frozen=True)
class Manifest:
    backend: str
    revision: str | None
    created_at: str
    tables: dict[str, TableDigest]

    @property
    def total_rows(self) -> int:
        return sum(table.rows for table in self.tables.values())

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n")

    @classmethod
    def read(cls, path: Path) -> Manifest:
        data = json.loads(path.read_text())
        tables = {name: TableDigest(**digest) for name, digest in data["tables"].items()}
        return cls(data["backend"], data["revision"], data["created_at"], tables)


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".json")


def backup_name(backend: str, at: datetime) -> str:
    return f"aurum-{at.astimezone(UTC).strftime(STAMP_FORMAT)}{SUFFIX[backend]}"


def backup_time(path: Path) -> datetime | None:
    match = BACKUP_NAME.match(path.name)
    if match is None:
        return None
    return datetime.strptime(match["stamp"], STAMP_FORMAT).replace(tzinfo=UTC)


def backups_in(directory: Path) -> list[Path]:
    """The backups in ``directory``, oldest first (by the time in their names)."""
    if not directory.is_dir():
        return []
    found = [path for path in directory.iterdir() if backup_time(path) is not None]
    return sorted(found, key=lambda path: backup_time(path))  # type: ignore[arg-type, return-value]


# ---------------------------------------------------------------- checksums


def _row_hash(text: str) -> int:
    return int.from_bytes(hashlib.md5(text.encode(), usedforsecurity=False).digest()[:8], "big")


# The sum of a 64-bit slice of each row's md5: independent of row order, so PostgreSQL
# can compute it without sorting; the same sum in Python for SQLite.
_PG_DIGEST = (
    "SELECT count(*), coalesce(sum(('x' || substr(md5(t::text), 1, 16))::bit(64)::bigint"
    "::numeric), 0)::text FROM {table} AS t"
)


async def postgres_digests(connection: AsyncConnection) -> dict[str, TableDigest]:
    """Row count and checksum of each table in the ``public`` schema."""
    await connection.execute(sa.text("SET LOCAL TIME ZONE 'UTC'"))
    names = (
        await connection.execute(
            sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        )
    ).scalars()
    digests = {}
    for name in list(names):
        table = connection.dialect.identifier_preparer.quote(name)
        rows, checksum = (await connection.execute(sa.text(_PG_DIGEST.format(table=table)))).one()
        digests[name] = TableDigest(int(rows), str(checksum))
    return digests


def sqlite_digests(database: sqlite3.Connection) -> dict[str, TableDigest]:
    names = [
        row[0]
        for row in database.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    ]
    digests = {}
    for name in names:
        rows, total = 0, 0
        quoted = '"' + name.replace('"', '""') + '"'
        for row in database.execute(f"SELECT * FROM {quoted}"):  # noqa: S608 - a table name
            rows += 1
            total += _row_hash(repr(row))
        digests[name] = TableDigest(rows, str(total))
    return digests


def _rows_outside_migrations(tables: dict[str, TableDigest]) -> int:
    return sum(d.rows for name, d in tables.items() if name != "alembic_version")


# ---------------------------------------------------------------- PostgreSQL


def _libpq_environment(settings: Settings) -> dict[str, str]:
    """The connection for pg_dump/pg_restore as libpq variables, so the password never
    appears on a command line (where `ps` would show it)."""
    url = sa.make_url(settings.resolved_database_url)
    env = {**os.environ}
    values = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
        "PGSSLMODE": url.query.get("sslmode") or url.query.get("ssl"),  # type: ignore[arg-type]
    }
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client of the server's major"
            " version (the API image has it)."
        )
    return found


async def _run(*command: str, env: dict[str, str]) -> str:
    process = await asyncio.create_subprocess_exec(
        *command,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await process.communicate()
    if process.returncode != 0:
        name = Path(command[0]).name
        raise BackupError(f"{name} failed (exit {process.returncode}): {stderr.decode().strip()}")
    return stdout.decode()


def _engine(settings: Settings):  # type: ignore[no-untyped-def]
    return create_async_engine(settings.resolved_database_url, poolclass=NullPool)


async def _revision(connection: AsyncConnection, tables: dict[str, TableDigest]) -> str | None:
    if "alembic_version" not in tables:
        return None
    query = sa.text("SELECT version_num FROM alembic_version")
    return (await connection.execute(query)).scalar()


async def _backup_postgres(settings: Settings, partial: Path) -> Manifest:
    pg_dump = _tool("pg_dump")
    engine = _engine(settings)
    try:
        async with engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="REPEATABLE READ")
            async with connection.begin():
                await connection.execute(sa.text("SET TRANSACTION READ ONLY"))
                snapshot = (
                    await connection.execute(sa.text("SELECT pg_export_snapshot()"))
                ).scalar_one()
                dump = asyncio.create_task(
                    _run(
                        pg_dump,
                        "--format=custom",
                        f"--snapshot={snapshot}",
                        f"--file={partial}",
                        env=_libpq_environment(settings),
                    )
                )
                try:
                    tables = await postgres_digests(connection)
                    revision = await _revision(connection, tables)
                finally:
                    await dump  # the snapshot lives as long as this transaction
    finally:
        await engine.dispose()
    return Manifest("postgresql", revision, _now_text(), tables)


async def _postgres_tables(settings: Settings) -> dict[str, TableDigest]:
    engine = _engine(settings)
    try:
        async with engine.connect() as connection, connection.begin():
            return await postgres_digests(connection)
    finally:
        await engine.dispose()


async def _restore_postgres(settings: Settings, file: Path) -> None:
    pg_restore = _tool("pg_restore")
    env = _libpq_environment(settings)
    await _run(pg_restore, "--list", str(file), env=env)  # readable before anything is dropped
    engine = _engine(settings)
    try:
        async with engine.begin() as connection:
            await connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(sa.text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()
    await _run(
        pg_restore,
        "--exit-on-error",
        "--single-transaction",
        "--no-owner",
        "--no-privileges",
        "--schema=public",
        f"--dbname={env.get('PGDATABASE', '')}",
        str(file),
        env=env,
    )


# ---------------------------------------------------------------- SQLite


def _backup_sqlite(settings: Settings, partial: Path) -> Manifest:
    if not settings.sqlite_path.is_file():
        raise BackupError(f"there is no database at {settings.sqlite_path} to back up")
    source = sqlite3.connect(settings.sqlite_path)
    target = sqlite3.connect(partial)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        tables = sqlite_digests(target)
        revision = _sqlite_revision(target)
    finally:
        target.close()
        source.close()
    return Manifest("sqlite", revision, _now_text(), tables)


def _sqlite_revision(database: sqlite3.Connection) -> str | None:
    try:
        row = database.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def _sqlite_tables(settings: Settings) -> dict[str, TableDigest]:
    if not settings.sqlite_path.is_file():
        return {}
    with sqlite3.connect(settings.sqlite_path) as database:
        return sqlite_digests(database)


def _restore_sqlite(settings: Settings, file: Path) -> None:
    with sqlite3.connect(f"file:{file}?mode=ro", uri=True) as backup:
        (verdict,) = backup.execute("PRAGMA integrity_check").fetchone()
    if verdict != "ok":
        raise BackupError(f"{file} is damaged: {verdict}")
    settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    target = sqlite3.connect(settings.sqlite_path)
    try:
        source.backup(target)  # replaces every page of the live database at once
    finally:
        target.close()
        source.close()


# ---------------------------------------------------------------- the commands


def _now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


async def create_backup(settings: Settings, output: Path | None = None) -> tuple[Path, Manifest]:
    """Back up the configured database to ``output`` (default: a new file in BACKUP_DIR)
    and write its manifest beside it. Written under a temporary name, then renamed, so
    a backup file that exists is a complete one."""
    backend = settings.database_backend
    target = output or settings.backup_dir / backup_name(backend, datetime.now(UTC))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if backend == "postgresql":
            manifest = await _backup_postgres(settings, partial)
        else:
            manifest = await asyncio.to_thread(_backup_sqlite, settings, partial)
        manifest.write(manifest_path(target))
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target, manifest


def _check_backup_file(file: Path, backend: str) -> None:
    if not file.is_file():
        raise BackupError(f"{file} does not exist")
    with file.open("rb") as handle:
        start = handle.read(16)
    for kind, header in HEADER.items():
        if start.startswith(header) and kind != backend:
            raise BackupError(f"{file} is a {kind} backup; DATABASE_URL points at {backend}")
    if not start.startswith(HEADER[backend]):
        raise BackupError(f"{file} is not a {backend} backup made by `aurum backup`")


async def current_tables(settings: Settings) -> dict[str, TableDigest]:
    if settings.database_backend == "postgresql":
        return await _postgres_tables(settings)
    return await asyncio.to_thread(_sqlite_tables, settings)


@dataclass(frozen=True)
class Restored:
    tables: dict[str, TableDigest]
    manifest: Manifest | None

    @property
    def total_rows(self) -> int:
        return sum(table.rows for table in self.tables.values())


async def restore_backup(settings: Settings, file: Path, *, force: bool = False) -> Restored:
    """Replace the configured database with the backup in ``file``.

    Refuses a database that holds rows (other than the migration marker) unless
    ``force``; checks the file is a backup of this kind of database first; afterwards
    compares every table with the manifest, when there is one. The caller then migrates
    to head (a backup of an older release is brought forward)."""
    backend = settings.database_backend
    _check_backup_file(file, backend)
    manifest = Manifest.read(manifest_path(file)) if manifest_path(file).is_file() else None
    if manifest is not None and manifest.backend != backend:
        raise BackupError(f"{file} holds a {manifest.backend} backup, not {backend}")
    held = _rows_outside_migrations(await current_tables(settings))
    if held and not force:
        raise BackupError(
            f"the database is not empty ({held} rows); restoring replaces all of it."
            " Run again with --force to do so."
        )
    if backend == "postgresql":
        await _restore_postgres(settings, file)
    else:
        await asyncio.to_thread(_restore_sqlite, settings, file)
    tables = await current_tables(settings)
    if manifest is not None and tables != manifest.tables:
        differing = sorted(
            name
            for name in tables.keys() | manifest.tables.keys()
            if tables.get(name) != manifest.tables.get(name)
        )
        raise BackupError(
            f"restored, but these tables differ from the backup's manifest: {differing}"
        )
    return Restored(tables, manifest)


# ---------------------------------------------------------------- nightly


def prune_backups(directory: Path, keep_days: int, now: datetime) -> list[Path]:
    """Delete backups (and their manifests) older than ``keep_days``; the newest one
    always stays. Only files named like backups are touched."""
    backups = backups_in(directory)
    cutoff = now - timedelta(days=keep_days)
    removed = []
    for path in backups[:-1]:
        if backup_time(path) < cutoff:  # type: ignore[operator]
            path.unlink(missing_ok=True)
            manifest_path(path).unlink(missing_ok=True)
            removed.append(path)
    return removed


def parse_backup_time(text: str) -> time:
    hours, _, minutes = text.partition(":")
    return time(int(hours), int(minutes), tzinfo=UTC)


def next_backup_at(now: datetime, latest: datetime | None, at: time) -> datetime:
    """When the nightly loop takes its next backup: now when there is none from the last
    day (a fresh deployment or a missed night), else the next ``at`` (UTC)."""
    if latest is None or now - latest >= timedelta(days=1):
        return now
    due = datetime.combine(now.date(), at.replace(tzinfo=None), tzinfo=UTC)
    return due if due > now else due + timedelta(days=1)


def latest_backup_age(directory: Path, now: datetime) -> tuple[Path, timedelta] | None:
    backups = backups_in(directory)
    if not backups:
        return None
    return backups[-1], now - backup_time(backups[-1])  # type: ignore[operator]


def run_nightly(settings: Settings, stop: threading.Event | None = None) -> None:
    """Take a backup every day at BACKUP_TIME (UTC), keep BACKUP_KEEP_DAYS of them, until
    ``stop`` is set (or the process is stopped). A failed backup is retried after 15
    minutes; `aurum backup --status` turns unhealthy while none is fresh."""
    stop = stop or threading.Event()
    at = parse_backup_time(settings.backup_time)
    directory = settings.backup_dir
    for stale in directory.glob("*.partial") if directory.is_dir() else []:
        stale.unlink(missing_ok=True)  # left by a run that was stopped mid-dump
    retry_at: datetime | None = None
    while not stop.is_set():
        now = datetime.now(UTC)
        newest = backups_in(directory)
        due = retry_at or next_backup_at(now, backup_time(newest[-1]) if newest else None, at)
        if due > now:
            logger.info("next backup at %s", due.isoformat(timespec="minutes"))
            stop.wait((due - now).total_seconds())
            continue
        try:
            path, manifest = asyncio.run(create_backup(settings))
        except Exception:
            logger.exception("backup failed; trying again in 15 minutes")
            retry_at = datetime.now(UTC) + RETRY_AFTER_FAILURE
            continue
        retry_at = None
        logger.info(
            "backup written",
            extra={"file": str(path), "rows": manifest.total_rows, "tables": len(manifest.tables)},
        )
        for removed in prune_backups(directory, settings.backup_keep_days, datetime.now(UTC)):
            logger.info("old backup removed", extra={"file": str(removed)})


def describe(tables: dict[str, TableDigest]) -> dict[str, Any]:
    return {"tables": len(tables), "rows": sum(t.rows for t in tables.values())}
