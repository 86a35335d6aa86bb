"""``aurum demo seed``: demo data made by the real services into an embedded database
of its own, refused in production and over earlier demo data unless asked."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.config import Settings

BACKEND = Path(__file__).resolve().parents[1]


def aurum(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    clean.update({"AURUM_DATA_DIR": str(data_dir), "ENVIRONMENT": "development", "NO_COLOR": "1"})
    clean.update(env)
    clean.pop("FORCE_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=BACKEND, env=clean, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    data_dir = tmp_path_factory.mktemp("demo")
    assert aurum(data_dir, "db", "upgrade").returncode == 0
    done = aurum(data_dir, "demo", "seed", "--days", "2", "--seed", "7")
    assert done.returncode == 0, done.stderr
    return data_dir, done.stdout


def rows(data_dir: Path, query: str) -> list[tuple]:
    path = Settings(AURUM_DATA_DIR=data_dir, database_url=None).sqlite_path
    with sqlite3.connect(path) as db:
        return db.execute(query).fetchall()


def assert_rollups_add_up(data_dir: Path) -> None:
    """The analytics rollups (every grain) hold exactly the raw rows' totals."""
    raw = rows(
        data_dir,
        "SELECT (SELECT count(*) FROM leads), (SELECT count(*) FROM lead_sales), "
        "(SELECT coalesce(sum(price_cents), 0) FROM lead_sales), "
        "(SELECT count(*) FROM lead_returns WHERE status = 'accepted')",
    )
    for table in ("analytics_daily", "analytics_partner_daily"):
        assert (
            rows(
                data_dir,
                f"SELECT coalesce(sum(leads), 0), coalesce(sum(sales), 0), "
                f"coalesce(sum(gross_cents), 0), coalesce(sum(returns), 0) FROM {table}",
            )
            == raw
        ), table


def funnel(data_dir: Path) -> dict[str, int]:
    return dict(rows(data_dir, "SELECT step, sum(count) FROM analytics_funnel_daily GROUP BY step"))


def assert_funnel_tells_the_story(data_dir: Path) -> None:
    """The site's steps as the public site would have reported them: every chat started
    after a visit, every lead gave contact details and consent, and some saw an estimate."""
    steps = funnel(data_dir)
    [(chats,)] = rows(data_dir, "SELECT count(*) FROM conversations")
    [(leads,)] = rows(data_dir, "SELECT count(*) FROM leads")
    assert steps["chat_started"] == chats
    assert steps["visit"] >= chats
    assert leads <= steps["estimate_shown"] <= chats
    assert steps["contact_given"] == steps["consented"] == leads


def test_the_seed_makes_a_consistent_business(seeded: tuple[Path, str]) -> None:
    data_dir, out = seeded
    assert "partners           5" in out and "done:" in out
    [(partners,)] = rows(data_dir, "SELECT count(*) FROM partners")
    [(leads,)] = rows(data_dir, "SELECT count(*) FROM leads")
    [(sales,)] = rows(data_dir, "SELECT count(*) FROM lead_sales")
    [(chats,)] = rows(data_dir, "SELECT count(*) FROM conversations")
    assert partners == 5 and 0 < leads < chats and sales > 0
    assert f"{leads} (" in out and f"in {sales} sales" in out
    # The ledger explains every balance: top-up minus charges (plus credits).
    for name, balance, ledger in rows(
        data_dir,
        "SELECT name, balance_cents, (SELECT sum(amount_cents) FROM ledger_entries l "
        "WHERE l.partner_id = p.id) FROM partners p",
    ):
        assert balance == ledger, name
    [(charged,)] = rows(
        data_dir, "SELECT -sum(amount_cents) FROM ledger_entries WHERE kind = 'sale_charge'"
    )
    [(sold,)] = rows(data_dir, "SELECT sum(price_cents) FROM lead_sales")
    assert charged == sold
    # Spread over the days asked for, none in the future.
    [(first, last)] = rows(data_dir, "SELECT min(created_at), max(created_at) FROM leads")
    assert first[:10] < last[:10]
    # Webhooks that can never send: all disabled.
    assert rows(data_dir, "SELECT DISTINCT status FROM webhook_endpoints") == [("disabled",)]
    # Nothing left for the worker to sell at today's prices; only the last day's sales
    # still go to the (disabled) webhooks.
    waiting = rows(data_dir, "SELECT DISTINCT topic FROM outbox_events WHERE processed_at IS NULL")
    assert waiting in ([], [("lead.sold",)])
    assert_rollups_add_up(data_dir)
    assert_funnel_tells_the_story(data_dir)
    assert f"site visits        {funnel(data_dir)['visit']} " in out


def test_a_second_seed_needs_reset(seeded: tuple[Path, str]) -> None:
    data_dir, _out = seeded
    again = aurum(data_dir, "demo", "seed", "--days", "1")
    assert again.returncode == 2 and "already has demo data" in again.stderr
    fresh = aurum(data_dir, "demo", "seed", "--days", "1", "--reset", "--seed", "3")
    assert fresh.returncode == 0, fresh.stderr
    assert "deleted earlier demo data" in fresh.stdout
    assert rows(data_dir, "SELECT count(*) FROM partners") == [(5,)]
    [(orphans,)] = rows(
        data_dir,
        "SELECT count(*) FROM lead_sales s LEFT JOIN leads l ON l.id = s.lead_id "
        "WHERE l.id IS NULL",
    )
    assert orphans == 0
    assert_rollups_add_up(data_dir)  # the deleted demo leads left the rollups too
    assert_funnel_tells_the_story(data_dir)  # and their days' funnel counts went with them


def test_refused_outside_development(tmp_path: Path) -> None:
    refused = aurum(
        tmp_path, "demo", "seed", "--days", "1",
        ENVIRONMENT="production", SECRET_KEY="Zq8v-3kLm_9Tx2Rb7Wc4Np6Hs1Jd5Gf0Ya8Ue",
    )  # fmt: skip
    assert refused.returncode == 2
    assert "ENVIRONMENT is production" in refused.stderr
    assert not any(tmp_path.iterdir())  # nothing touched
