"""The migrations build exactly the schema the models describe (on both databases)."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi import FastAPI

from app.models import Base


def _differences(connection: Any) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


async def test_models_and_migrations_agree(app: FastAPI) -> None:
    async with app.state.db.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == []
