"""The deployment guide's developer commands, run as the README writes them.

The README's one-line developer sequence (``cd backend/ && source venv/bin/activate &&
pip install -r requirements.txt && uvicorn app.main:app --reload --port 8000``) is read
out of the README and run in bash from the repository root, on a free port instead of
8000, against a throwaway data directory: the venv `make install` made, the generated
requirements file, and the module-level ``app`` must all be where the guide says.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.deployfiles import BACKEND_DIR, REPO_DIR

GUIDE_PREFIX = "cd backend/ && source venv/bin/activate"
VENV = BACKEND_DIR / "venv"


def _guide_command() -> str:
    readme = (REPO_DIR / "README.md").read_text()
    lines = [line.strip() for line in readme.splitlines() if line.strip().startswith(GUIDE_PREFIX)]
    assert lines, f"the README no longer shows the developer sequence ({GUIDE_PREFIX} ...)"
    return lines[0]


def test_readme_shows_the_sequence_verbatim() -> None:
    assert _guide_command() == (
        "cd backend/ && source venv/bin/activate && pip install -r requirements.txt"
        " && uvicorn app.main:app --reload --port 8000"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.fixture
def guide_server(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    if Path(sys.prefix).resolve() != VENV.resolve():
        pytest.skip(f"the guide runs in backend/venv; these tests run in {sys.prefix}")
    port = _free_port()
    command = _guide_command().replace("--port 8000", f"--port {port}")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "VIRTUAL_ENV", "PYTHONPATH")
        and not key.startswith(("AURUM_", "PYTEST"))
    }
    # Everything is installed already: pip must find it so, not fetch anything.
    env.update(
        AURUM_DATA_DIR=str(tmp_path / "data"),
        ENVIRONMENT="development",
        LOG_FORMAT="console",
        PIP_NO_INDEX="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    log = tmp_path / "guide.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            ["bash", "-c", command],
            cwd=REPO_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # uvicorn --reload runs a supervisor and a server child
        )
    try:
        yield port, log
        assert process.poll() is None, log.read_text()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_the_developer_sequence_serves_the_api(guide_server: tuple[int, Path]) -> None:
    port, log = guide_server
    deadline = time.monotonic() + 90
    while True:
        try:
            status, body = _get_json(f"http://127.0.0.1:{port}/health")
            break
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail(f"the API did not answer within 90 s:\n{log.read_text()}")
            time.sleep(0.25)
    assert (status, body) == (200, {"status": "ok"})
    status, ready = _get_json(f"http://127.0.0.1:{port}/health/ready")
    assert status == 200, ready
    assert ready["checks"]["database"] == {**ready["checks"]["database"], "backend": "sqlite"}
    text = log.read_text()
    assert "Requirement already satisfied" in text  # pip ran, and found the venv complete
    assert re.search(r"Started reloader process", text), text


RESOLVE_DEV_SERVER = """
const { resolveConfig } = await import("vite");
const config = await resolveConfig({}, "serve");
console.log(JSON.stringify({ port: config.server.port, strictPort: config.server.strictPort }));
"""


@pytest.mark.parametrize(
    ("spa", "port"), [("aurum-chat-solar-main", 3001), ("admin-dashboard", 3002)]
)
def test_npm_run_dev_serves_each_site_on_its_port(spa: str, port: int) -> None:
    """`npm run dev` is plain `vite`; Vite's own resolution of the site's config says
    where that dev server listens (strictPort: taken means an error, never another port)."""
    directory = REPO_DIR / spa
    package = json.loads((directory / "package.json").read_text())
    assert package["scripts"]["dev"] == "vite"
    if not (directory / "node_modules" / "vite").is_dir():
        pytest.skip(f"{spa} has no node_modules (make install)")
    resolved = subprocess.run(
        ["node", "--input-type=module", "-e", RESOLVE_DEV_SERVER],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert resolved.returncode == 0, resolved.stderr
    assert json.loads(resolved.stdout.strip().splitlines()[-1]) == {
        "port": port,
        "strictPort": True,
    }
