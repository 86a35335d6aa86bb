"""Rebuilding a range: the nightly job and ``aurum analytics rebuild`` (clear errors for
bad dates, progress per batch, audited, idempotent)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin.models import AuditLog
from app.analytics.models import DailyRollup, VisitSession
from app.analytics.tasks import rebuild_recent
from app.core.db import get_session_factory, utcnow
from app.core.jobs import JobContext
from tests.analytics.test_rollups import assert_rollups_match_the_raw_rows
from tests.partners.selling import only_these_partners_buy, sell
from tests.partners.support import make_lead, make_partner

BACKEND = Path(__file__).resolve().parents[2]


async def test_the_nightly_job_rebuilds_recent_days_and_forgets_old_visits(
    app: FastAPI, db_session: AsyncSession
) -> None:
    await only_these_partners_buy(db_session)
    await make_partner(db_session)
    made = await make_lead(db_session)
    await db_session.commit()
    await sell(db_session, made.lead.id, app.state.settings)
    today = utcnow().date()
    await db_session.execute(sa.update(DailyRollup).where(DailyRollup.day == today).values(sold=7))
    old = today.replace(day=1) if today.day > 3 else today
    db_session.add(VisitSession(day=old, session_hash="a" * 64))
    db_session.add(VisitSession(day=today, session_hash="b" * 64))
    await db_session.commit()

    factory = app.dependency_overrides[get_session_factory]()
    result = await rebuild_recent(JobContext(factory, app.state.settings, utcnow()))
    assert result["days"] == app.state.settings.analytics_rebuild_days + 1
    await assert_rollups_match_the_raw_rows(db_session)
    left = set((await db_session.execute(sa.select(VisitSession.session_hash))).scalars())
    assert "b" * 64 in left
    assert ("a" * 64 in left) == (old >= today - timedelta(days=1))
    audit = (
        await db_session.execute(sa.select(AuditLog).where(AuditLog.action == "analytics.rebuild"))
    ).scalars()
    assert any(entry.details["via"] == "worker" for entry in audit)


def _aurum(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    inherited = {k: v for k, v in os.environ.items() if k != "FORCE_COLOR"}
    env = {
        **inherited,
        "NO_COLOR": "1",
        "AURUM_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "REDIS_URL": "",
    }
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_aurum_analytics_rebuild(tmp_path: Path) -> None:
    assert _aurum(tmp_path, "db", "upgrade").returncode == 0
    done = _aurum(tmp_path, "analytics", "rebuild", "--from", "2026-01-01", "--to", "2026-01-10")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "2026-01-01..2026-01-07: 0 rollup row(s)",
        "2026-01-08..2026-01-10: 0 rollup row(s)",
        "Rebuilt 10 day(s), 0 rollup row(s).",
    ]
    for args, message in (
        (("--from", "2026-02-30", "--to", "2026-03-01"), "--from '2026-02-30' is not a date"),
        (("--from", "2026-03-01", "--to", "01/03/2026"), "--to '01/03/2026' is not a date"),
        (("--from", "2026-03-02", "--to", "2026-03-01"), "is after --to"),
        (("--from", "2001-01-01", "--to", "2026-03-01"), "At most 3660 days"),
        (("--from", "9999-12-31", "--to", "9999-12-31"), "outside 2000-01-01..2100-12-31"),
    ):
        refused = _aurum(tmp_path, "analytics", "rebuild", *args)
        assert refused.returncode == 2, refused.stdout
        assert message in refused.stderr
