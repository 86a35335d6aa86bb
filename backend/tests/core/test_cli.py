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


def test_serve_answers_503_past_its_concurrency_limit(tmp_path: Path) -> None:
    """Idle connections count: a crowd of clients that connect and send nothing cannot
    take more than API_MAX_CONCURRENCY slots of one process."""
    import http.client
    import signal
    import socket
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "AURUM_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "ENVIRONMENT": "development",
        "API_MAX_CONCURRENCY": "3",
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [*AURUM, "serve", "--port", str(port)],
        cwd=BACKEND,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )

    def health() -> int:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", "/health")
            return connection.getresponse().status
        finally:
            connection.close()

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert health() == 200
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
        time.sleep(0.3)  # accepted by the server
        assert health() == 503
        for sock in idle:
            sock.close()
        deadline = time.monotonic() + 10
        while health() != 200:
            assert time.monotonic() < deadline, "slots were not given back"
            time.sleep(0.1)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
