"""Shared fixtures: one app per test session, one rolled-back transaction per test.

The suite runs on one of two targets:

* embedded (default): SQLite in a temporary directory and the in-process cache;
* services (``AURUM_TEST_SERVICES=1``): ``TEST_DATABASE_URL`` and ``TEST_REDIS_URL``.
  The database is reset (its ``public`` schema dropped) and Redis's selected database
  flushed at the start, so both must point at throwaway test instances.

Either way the schema is built by Alembic (``upgrade head``) and torn down by it
(``downgrade base``) at the end, so every run exercises the migrations both ways.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from alembic import command
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli import _alembic_config
from app.core.config import Settings
from app.core.db import get_read_session, get_session, get_session_factory
from app.main import create_app

SERVICES = os.environ.get("AURUM_TEST_SERVICES") == "1"

# The client per test and the staff fixtures (a signed-in user per role, leads, chats).
pytest_plugins = ["tests.support.staff"]


def pytest_report_header(config: pytest.Config) -> str:
    if SERVICES:
        return "aurum target: services (TEST_DATABASE_URL + TEST_REDIS_URL)"
    return "aurum target: embedded (SQLite + in-process cache)"


def _require_env(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise pytest.UsageError(f"AURUM_TEST_SERVICES=1 needs {name} to be set")
    return value


def _in_thread(fn: Any, *args: Any) -> Any:
    """Alembic's env.py runs its own event loop; keep it off the test loop's thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args).result()


def _reset_postgres(url: str) -> None:
    sync_url = sa.make_url(Settings(database_url=url).resolved_database_url).set(
        drivername="postgresql+asyncpg"
    )
    database = sync_url.database or ""
    if "test" not in database:
        raise pytest.UsageError(
            f"refusing to reset database {database!r}: TEST_DATABASE_URL must name a "
            "database whose name contains 'test'"
        )

    async def _reset() -> None:
        from sqlalchemy.ext.asyncio import create_async_engine

        engine = create_async_engine(sync_url)
        async with engine.begin() as conn:
            await conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(sa.text("CREATE SCHEMA public"))
        await engine.dispose()

    import asyncio

    _in_thread(asyncio.run, _reset())


def _flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.flushdb()
    finally:
        client.close()


# The shared app serves the whole suite from one client address: generous limits keep
# rate limiting out of the way (tests/security builds apps with tight ones).
TEST_HOSTS = ["testserver", "localhost", "127.0.0.1"]  # httpx's test host, and a server's
TEST_RATE_LIMITS = {
    "rate_limit_public": "1000000/minute",
    "rate_limit_login": "1000000/minute",
    "rate_limit_b2b": "1000000/minute",
    "rate_limit_events": "1000000/minute",
}


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp("aurum-data")
    if SERVICES:
        return Settings(
            environment="test",
            AURUM_DATA_DIR=data_dir,
            database_url=_require_env("TEST_DATABASE_URL"),
            redis_url=_require_env("TEST_REDIS_URL"),
            log_format="console",
            worker_in_process=False,  # tests run jobs themselves, never in the background
            allowed_hosts=TEST_HOSTS,
            **TEST_RATE_LIMITS,
        )
    return Settings(
        environment="test",
        AURUM_DATA_DIR=data_dir,
        database_url=None,
        redis_url=None,
        log_format="console",
        worker_in_process=False,
        allowed_hosts=TEST_HOSTS,
        **TEST_RATE_LIMITS,
    )


def migrate(settings: Settings, revision: str = "head", *, down: bool = False) -> None:
    config = _alembic_config(settings.resolved_database_url)
    config.attributes["configure_logger"] = False
    _in_thread(command.downgrade if down else command.upgrade, config, revision)


@pytest.fixture(scope="session")
def migrated(settings: Settings) -> Iterator[Settings]:
    if SERVICES:
        _reset_postgres(settings.database_url or "")
        _flush_redis(settings.redis_url or "")
    migrate(settings, "head")
    yield settings
    migrate(settings, "base", down=True)


@pytest.fixture(scope="session")
async def app(migrated: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(migrated, configure_logs=False)
    async with application.router.lifespan_context(application):
        yield application


@asynccontextmanager
async def rolled_back(app: FastAPI) -> AsyncIterator[AsyncSession]:
    """A session inside a transaction that is rolled back at the end; the app's
    requests share it (their commits become savepoints)."""
    async with app.state.db.engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )

        @asynccontextmanager
        async def _transaction() -> AsyncIterator[AsyncSession]:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

        async def _session_override() -> AsyncIterator[AsyncSession]:
            async with _transaction() as shared:
                yield shared

        app.dependency_overrides[get_session] = _session_override
        app.dependency_overrides[get_read_session] = _session_override
        app.dependency_overrides[get_session_factory] = lambda: _transaction
        try:
            yield session
        finally:
            app.dependency_overrides.pop(get_session, None)
            app.dependency_overrides.pop(get_read_session, None)
            app.dependency_overrides.pop(get_session_factory, None)
            await session.close()
            if transaction.is_active:
                await transaction.rollback()


@pytest.fixture
async def db_session(app: FastAPI) -> AsyncIterator[AsyncSession]:
    """A session inside a transaction that is rolled back after the test.

    Requests made through ``client`` share it (their commits become savepoints).
    """
    async with rolled_back(app) as session:
        yield session


def make_client(app: FastAPI, **kwargs: Any) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(
        app=app, raise_app_exceptions=False, client=("203.0.113.7", 51000)
    )
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", **kwargs)


@pytest.fixture
def data_dir(settings: Settings) -> Path:
    return settings.data_dir
