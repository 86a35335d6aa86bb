"""The `aurum` command an operator runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

AURUM = [sys.executable, "-m", "app.cli"]
BACKEND = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*AURUM, *args], cwd=BACKEND, env=env, capture_output=True, text=True, timeout=120
    )


def test_help_lists_the_commands() -> None:
    result = run("--help", env=dict(os.environ))
    assert result.returncode == 0
    for command in ("db", "serve", "openapi"):
        assert command in result.stdout


def test_upgrade_then_downgrade_base_on_a_fresh_embedded_database(tmp_path: Path) -> None:
    env = {**os.environ, "AURUM_DATA_DIR": str(tmp_path), "DATABASE_URL": "", "REDIS_URL": ""}
    up = run("db", "upgrade", env=env)
    assert up.returncode == 0, up.stderr
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'aurum.db'}")
    with engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        head = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
    assert "alembic_version" in tables
    assert head

    down = run("db", "downgrade", "base", env=env)
    assert down.returncode == 0, down.stderr
    with engine.connect() as conn:
        tables_after = set(sa.inspect(conn).get_table_names())
    assert tables_after <= {"alembic_version"}
    engine.dispose()


def test_serve_refuses_production_without_a_secret_key(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "ENVIRONMENT": "production",
        "SECRET_KEY": "",
        "AURUM_DATA_DIR": str(tmp_path),
    }
    result = run("serve", "--port", "0", env=env)
    assert result.returncode == 2
    assert "SECRET_KEY" in result.stderr


def test_openapi_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert run("openapi", "-o", str(first), env=dict(os.environ)).returncode == 0
    assert run("openapi", "-o", str(second), env=dict(os.environ)).returncode == 0
    assert first.read_text() == second.read_text()
    assert '"operationId": "health-liveness"' in first.read_text()
