"""The export's machinery: the COPY relay on PostgreSQL, the column list on both."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from app.partners import exports, items
from tests.conftest import SERVICES


def test_the_sql_and_the_python_csv_have_the_same_columns() -> None:
    assert list(exports.COPY_COLUMNS) == items.CSV_COLUMNS
    assert len(set(items.CSV_COLUMNS)) == len(items.CSV_COLUMNS)


@pytest.mark.skipif(not SERVICES, reason="COPY is PostgreSQL's (runs in the services pass)")
async def test_a_download_abandoned_mid_copy_costs_one_connection_never_the_pool(
    app: FastAPI,
) -> None:
    invalidated: list[object] = []
    engine = app.state.db.engine.sync_engine
    listener = lambda *args: invalidated.append(args)  # noqa: E731
    sa.event.listen(engine, "invalidate", listener)
    # Its own transaction, as a streamed response has (nothing is written).
    query = "SELECT g, repeat('x', 2000) FROM generate_series(1, $1::int) AS g"
    with pytest.raises(ConnectionAbortedError):
        async with app.state.db.transaction() as session:
            # Far more than the relay's queue holds: the copy still runs when the client goes.
            stream = exports.copy_csv(session, query, [200_000])
            first = await anext(stream)
            assert first.startswith(b"g,repeat\n1,xx")
            await stream.aclose()
            raise ConnectionAbortedError  # what the server sees when the client hangs up
    for _ in range(app.state.settings.database_pool_size + 1):  # every pooled connection works
        async with app.state.db.transaction() as session:
            assert await session.scalar(sa.text("SELECT 41 + 1")) == 42
            whole = b"".join([chunk async for chunk in exports.copy_csv(session, query, [3])])
            assert whole.count(b"\n") == 4
    sa.event.remove(engine, "invalidate", listener)
    # The abandoned copy's connection, closed on purpose; no other (a lost connection
    # would have discarded every pooled one).
    assert len(invalidated) == 1, invalidated
    assert invalidated[0][2] is None
