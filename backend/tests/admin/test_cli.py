"""`aurum create-admin` and `aurum ensure-admin`, run as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

BACKEND = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("cli-admin")
    environment = {
        **os.environ,
        "AURUM_DATA_DIR": str(data),
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "AURUM_ADMIN_EMAIL": "",
        "AURUM_ADMIN_PASSWORD": "",
    }
    assert run("db", "upgrade", env=environment).returncode == 0
    return environment


def run(
    *args: str, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=BACKEND,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def users(env: dict[str, str]) -> list[tuple[str, str, bool]]:
    engine = sa.create_engine(f"sqlite:///{Path(env['AURUM_DATA_DIR']) / 'aurum.db'}")
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT email, role, is_active FROM admin_users ORDER BY email")
        )
        result = [(r[0], r[1], bool(r[2])) for r in rows]
    engine.dispose()
    return result


def test_the_admin_commands_in_order(env: dict[str, str]) -> None:
    hint = run("ensure-admin", env=env)
    assert hint.returncode == 0
    assert "aurum create-admin --email" in hint.stdout
    assert len(hint.stdout.strip().splitlines()) == 3
    assert "AURUM_ADMIN_EMAIL" in hint.stdout

    for weak, says in (
        ("elevenchars", "at least 12"),
        ("boss@example.com", "email"),
        ("Boss2024Boss", "email"),
        ("password1234", "too easy to guess"),
    ):
        refused = run("create-admin", "--email", "boss@example.com", "--password", weak, env=env)
        assert refused.returncode == 2 and says in refused.stderr, refused.stderr
    bad_role = run(
        "create-admin",
        "--email",
        "boss@example.com",
        "--role",
        "owner",
        "--password",
        "x" * 10,
        env=env,
    )
    assert bad_role.returncode == 2

    created = run(
        "create-admin",
        "--email",
        "Boss@Example.com",
        "--role",
        "admin",
        env={**env, "AURUM_ADMIN_PASSWORD": "a good password"},
    )
    assert created.returncode == 0, created.stderr
    again = run(
        "create-admin", "--email", "boss@example.com", "--password", "a good password", env=env
    )
    assert again.returncode == 1
    assert "already exists" in again.stderr

    look_alike = run(
        "create-admin", "--email", "b\u043ess@example.com", "--password", "a good password", env=env
    )
    assert look_alike.returncode == 2 and "U+043E CYRILLIC SMALL LETTER O" in look_alike.stderr

    prompted = run(
        "create-admin",
        "--email",
        "ana@example.com",
        "--role",
        "analyst",
        env=env,
        stdin="a typed password\na typed password\n",
    )
    assert prompted.returncode == 0, prompted.stderr

    quiet = run("ensure-admin", env=env)
    assert quiet.returncode == 0 and quiet.stdout == ""

    from_env = run(
        "ensure-admin",
        env={
            **env,
            "AURUM_ADMIN_EMAIL": "ops@example.com",
            "AURUM_ADMIN_PASSWORD": "an ops password",
        },
    )
    assert from_env.returncode == 0 and "Created admin ops@example.com" in from_env.stdout
    twice = run(
        "ensure-admin",
        env={
            **env,
            "AURUM_ADMIN_EMAIL": "ops@example.com",
            "AURUM_ADMIN_PASSWORD": "an ops password",
        },
    )
    assert twice.returncode == 0 and twice.stdout == ""
    weak = run(
        "ensure-admin",
        env={
            **env,
            "AURUM_ADMIN_EMAIL": "weak@example.com",
            "AURUM_ADMIN_PASSWORD": "password1234",
        },
    )
    assert weak.returncode == 0 and "too easy to guess" in weak.stderr
    assert "were not used" in weak.stderr

    assert users(env) == [
        ("ana@example.com", "analyst", True),
        ("boss@example.com", "admin", True),
        ("ops@example.com", "admin", True),
    ]
