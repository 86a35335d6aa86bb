"""/metrics: one scrape sums every server process; the database pool is visible."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.conftest import make_client

BACKEND = Path(__file__).resolve().parents[2]
HEALTH_SAMPLE = re.compile(
    r'^aurum_http_requests_total\{method="GET",route="/health",status="200"\} ([0-9.e+]+)$', re.M
)


def _health_count(text: str) -> float:
    match = HEALTH_SAMPLE.search(text)
    assert match, text
    return float(match[1])


def _sample(text: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)}(?:\{{[^}}]*\}})? ([0-9.e+-]+)$", text, re.M)
    assert match, f"{name} missing from /metrics"
    return float(match[1])


async def test_metrics_show_the_database_pool(app: FastAPI) -> None:
    # One connection held while scraping.
    async with app.state.db.engine.connect(), make_client(app) as client:
        held = (await client.get("/metrics")).text
    async with make_client(app) as client:
        assert (await client.get("/health/ready")).status_code == 200
        text = (await client.get("/metrics")).text
    assert _sample(held, "aurum_db_pool_checked_out_connections") == 1
    assert _sample(text, "aurum_db_pool_capacity_connections") >= 1
    # Every connection the readiness probe took went back to the pool.
    assert _sample(text, "aurum_db_pool_checked_out_connections") == 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, str]:
    # A new connection each time, so the kernel hands requests to either worker.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_999999.db").write_bytes(b"left by an earlier run")
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "AURUM_DATA_DIR": str(tmp_path / "data"),
        "ENVIRONMENT": "development",
        "LOG_FORMAT": "console",
        "LOG_LEVEL": "WARNING",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", "2"],
            cwd=BACKEND,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if _get(port, "/health")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"aurum serve --workers 2 did not start:\n{log.read_text()}")
            time.sleep(0.2)
        # Both workers through their start-up (each sets its pool gauges there).
        deadline = time.monotonic() + 60
        while len(list(metrics_dir.glob("gauge_livesum_*.db"))) < 2:
            if time.monotonic() > deadline:
                pytest.fail(f"the second worker did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield port, metrics_dir
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_one_scrape_sums_every_worker(two_workers: tuple[int, Path]) -> None:
    port, metrics_dir = two_workers
    assert not (metrics_dir / "counter_999999.db").exists()  # cleared at start
    workers = sorted(int(re.sub(r"\D", "", p.stem)) for p in metrics_dir.glob("gauge_*.db"))
    assert len(workers) == 2
    before = _health_count(_get(port, "/metrics")[1])
    # Left to itself the kernel may give every connection to one worker. Pausing one
    # worker at a time makes each of them answer exactly `per_worker` requests.
    per_worker = 25
    for paused, serving in (workers, reversed(workers)):
        os.kill(paused, signal.SIGSTOP)
        try:
            for _ in range(per_worker):
                assert _get(port, "/health")[0] == 200
        finally:
            os.kill(paused, signal.SIGCONT)
        assert (metrics_dir / f"counter_{serving}.db").exists()
    # Whichever worker answers the scrape, it reports both workers' requests. (A request
    # is counted just after its response is sent: give the last one a moment.)
    expected = before + 2 * per_worker
    deadline = time.monotonic() + 5
    while _health_count(_get(port, "/metrics")[1]) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    for _ in range(6):
        assert _health_count(_get(port, "/metrics")[1]) == expected
    text = _get(port, "/metrics")[1]
    assert _sample(text, "aurum_db_pool_capacity_connections") >= 2  # one pool per worker
