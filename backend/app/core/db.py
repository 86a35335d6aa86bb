"""Async SQLAlchemy 2: the ORM base, engine construction and the session dependency.

PostgreSQL runs through asyncpg, the embedded default through aiosqlite; both use the
same models and the same Alembic migrations.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from app.core.config import Settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores no offset)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONType}


class UUIDPrimaryKey:
    id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, primary_key=True, default=uuid.uuid4, sort_order=-100
    )


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, server_default=sa.func.current_timestamp(), sort_order=100
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(),
        default=utcnow,
        onupdate=utcnow,
        server_default=sa.func.current_timestamp(),
        sort_order=100,
    )


def build_engine(settings: Settings, url: str | None = None) -> AsyncEngine:
    url = url or settings.resolved_database_url
    if url.startswith("sqlite"):
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url,
            connect_args={"timeout": settings.database_timeout_seconds},
            pool_pre_ping=False,
            hide_parameters=True,  # errors must not log emails, phones or token hashes
        )
        _configure_sqlite(engine)
        return engine
    return create_async_engine(
        url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        pool_timeout=settings.database_timeout_seconds,
        pool_pre_ping=True,
        pool_recycle=1800,
        hide_parameters=True,  # errors must not log emails, phones or token hashes
        connect_args={
            "timeout": settings.database_timeout_seconds,
            "command_timeout": 30,
            "server_settings": {"application_name": "aurum-api"},
        },
    )


def _configure_sqlite(engine: AsyncEngine) -> None:
    """Make SQLite transactional the way PostgreSQL is.

    The sqlite3 driver opens transactions lazily and not for DDL; we turn that off and
    emit ``BEGIN IMMEDIATE`` ourselves, so savepoints, transactional DDL and concurrent
    writers behave (writers wait up to the busy timeout instead of failing on upgrade).
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Read-only probes ask for a deferred BEGIN so they never wait on a writer.
        deferred = conn.get_execution_options().get("sqlite_begin") == "DEFERRED"
        conn.exec_driver_sql("BEGIN DEFERRED" if deferred else "BEGIN IMMEDIATE")


class Database:
    """The engine and session factory of one running app, built in its lifespan."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = build_engine(settings)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        # Analytics read a replica when DATABASE_READ_URL names one, else the primary
        # (on SQLite with a deferred BEGIN: a read never waits for a writer).
        read_url = settings.resolved_database_read_url
        self.read_engine = build_engine(settings, read_url) if read_url else self.engine
        self.read_sessionmaker = async_sessionmaker(
            self.read_engine.execution_options(sqlite_begin="DEFERRED"), expire_on_commit=False
        )

    @property
    def backend(self) -> str:
        return self.settings.database_backend

    async def ping(self, within_seconds: float = 2.0) -> None:
        async def _ping() -> None:
            async with self.engine.connect() as conn:
                conn = await conn.execution_options(sqlite_begin="DEFERRED")
                await conn.execute(sa.text("SELECT 1"))

        await asyncio.wait_for(_ping(), within_seconds)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose work commits on success and rolls back on any error."""
        async with self.sessionmaker() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    @asynccontextmanager
    async def read_transaction(self) -> AsyncIterator[AsyncSession]:
        """A read-only session on the read replica (or the primary); never commits."""
        async with self.read_sessionmaker() as session:
            try:
                yield session
            finally:
                await session.rollback()

    async def dispose(self) -> None:
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()
        await self.engine.dispose()


def get_database(request: Request) -> Database:
    return request.app.state.db


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: commit on success, roll back on any error."""
    async with request.app.state.db.transaction() as session:
        yield session


async def get_read_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session for read-only queries (analytics): DATABASE_READ_URL's replica if set."""
    async with request.app.state.db.read_transaction() as session:
        yield session


SessionFactory = Callable[[], AbstractAsyncContextManager[AsyncSession]]


def get_session_factory(request: Request) -> SessionFactory:
    """For work that outlives the handler (a streamed response): open a transaction
    when the work starts, commit when it ends."""
    return request.app.state.db.transaction


# scope="function": commit (or roll back) before the response is sent, so a client is
# never told "created" about a write that then fails to commit.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
SessionFactoryDep = Annotated[SessionFactory, Depends(get_session_factory)]
ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session)]


def _database_error_classes() -> tuple[type[BaseException], ...]:
    classes: list[type[BaseException]] = [
        sa.exc.DBAPIError,
        sa.exc.TimeoutError,
        ConnectionError,
        TimeoutError,
        OSError,
    ]
    try:  # asyncpg raises its own classes on connect and on a dropped connection
        import asyncpg

        classes += [asyncpg.PostgresConnectionError, asyncpg.InterfaceError]
    except ImportError:  # pragma: no cover - asyncpg is a hard dependency
        pass
    return tuple(classes)


DATABASE_ERROR_CLASSES = _database_error_classes()

_UNAVAILABLE_SQLSTATES = {"57P01", "57P02", "57P03", "53300", "08000", "08001", "08003", "08006"}


def is_database_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` means the database cannot be reached, not that a query is wrong."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sa.exc.DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, sa.exc.TimeoutError | ConnectionError | TimeoutError):
            return True
        if isinstance(current, OSError) and not isinstance(current, FileNotFoundError):
            return True
        sqlstate = getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)
        if sqlstate in _UNAVAILABLE_SQLSTATES:
            return True
        name = type(current).__name__
        if name in {
            "ConnectionDoesNotExistError",
            "CannotConnectNowError",
            "ConnectionFailureError",
            "InterfaceError",
        }:
            return True
        if isinstance(current, sa.exc.OperationalError) and "database is locked" not in str(
            current
        ):
            # sqlite: "unable to open database file", disk I/O errors
            return True
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return False
