"""The API's nginx proxy (deploy/nginx/api-proxy.conf.template), served by a real nginx.

The template is rendered as the nginx image renders it (envsubst of the ``PROXY_*``
variables compose sets), wrapped in an ``http {}`` block like the image's main config,
and started with the system's nginx on loopback in front of a small upstream that
reports what reached it. Only the listen address, the upstream, the limits (smaller,
to reach them quickly) and the header and body timeouts (1 s) differ from compose.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.deploy.deployfiles import REPO_DIR, load_compose, render_nginx_template
from tests.deploy.test_nginx import _free_port, _main_config, _nginx_args, _nginx_binary

TEMPLATE = REPO_DIR / "deploy" / "nginx" / "api-proxy.conf.template"
BODY_LIMIT = "64k"
CONNECTIONS_PER_IP = 4


@dataclass
class Upstream:
    """What the API would have seen: each request's path, headers and body size."""

    port: int = 0
    seen: list[dict] = field(default_factory=list)
    active: int = 0
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def paths(self) -> list[str]:
        return [request["path"] for request in self.seen]


def _handler(upstream: Upstream) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: object) -> None:
            return

        def _reply(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _record(self, body_size: int = 0) -> dict:
            request = {
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body_size": body_size,
            }
            with upstream.lock:
                upstream.seen.append(request)
            return request

        def do_GET(self) -> None:
            request = self._record()
            if self.path == "/hold":
                with upstream.lock:
                    upstream.active += 1
                upstream.release.wait(10)
                with upstream.lock:
                    upstream.active -= 1
            if self.path == "/stream":
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("X-Accel-Buffering", "no")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for event, wait in ((b"data: first\n\n", True), (b"data: second\n\n", False)):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
                    self.wfile.flush()
                    if wait:  # the client must see the first event before the second exists
                        upstream.release.wait(10)
                self.wfile.write(b"0\r\n\r\n")
                return
            self._reply(200, {"headers": request["headers"], "path": self.path})

        def do_POST(self) -> None:
            size = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(size)
            self._record(size)
            self._reply(200, {"received": size})

    return Handler


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    state = Upstream()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


def _rendered(upstream_port: int) -> str:
    env = {
        "PROXY_UPSTREAM": f"127.0.0.1:{upstream_port}",
        "PROXY_RESOLVER": "127.0.0.1",
        "PROXY_BODY_LIMIT": BODY_LIMIT,
        "PROXY_CONNECTIONS_PER_IP": str(CONNECTIONS_PER_IP),
        "PATH": "/usr/bin",
        "HOSTNAME": "proxy-1",
    }
    return render_nginx_template(TEMPLATE.read_text(), env, "^PROXY_")


def _for_test(rendered: str, port: int) -> str:
    replacements = [
        (r"^(\s*)listen\s+8000;", rf"\1listen 127.0.0.1:{port};"),
        (r"^(\s*)client_header_timeout\s+10s;", r"\1client_header_timeout 1s;"),
        (r"^(\s*)client_body_timeout\s+15s;", r"\1client_body_timeout 1s;"),
    ]
    for pattern, replacement in replacements:
        rendered, count = re.subn(pattern, replacement, rendered, flags=re.M)
        assert count == 1, f"expected one match of {pattern} in the template"
    return rendered


@dataclass
class Proxy:
    port: int
    config_check: str

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            connection.close()


@contextmanager
def _running_proxy(tmp: Path, upstream_port: int) -> Iterator[Proxy]:
    nginx = _nginx_binary()
    port = _free_port()
    server_conf = tmp / "api-proxy.conf"
    server_conf.write_text(_for_test(_rendered(upstream_port), port))
    config = tmp / "nginx.conf"
    config.write_text(_main_config(tmp, server_conf))
    check = subprocess.run(
        [*_nginx_args(nginx, tmp, config), "-t"], capture_output=True, text=True, timeout=10
    )
    assert check.returncode == 0, check.stderr
    log = tmp / "nginx.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            _nginx_args(nginx, tmp, config), stdout=log_file, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 5
        while True:
            if process.poll() is not None:
                pytest.fail(f"nginx exited: {log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("nginx did not start listening within 5 s")
                time.sleep(0.02)
        yield Proxy(port, check.stderr)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def proxy(upstream: Upstream, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    with _running_proxy(tmp_path_factory.mktemp("api-proxy"), upstream.port) as running:
        yield running


def _error_code(status: int, headers: dict[str, str], body: bytes) -> str:
    assert headers.get("content-type", "").startswith("application/json"), (status, body)
    payload = json.loads(body)
    assert set(payload) == {"error"} and set(payload["error"]) == {"code", "message", "details"}
    return payload["error"]["code"]


def test_nginx_accepts_the_rendered_config_without_warnings(proxy: Proxy) -> None:
    assert "test is successful" in proxy.config_check
    assert "[warn]" not in proxy.config_check, proxy.config_check


def test_compose_sets_what_the_template_reads() -> None:
    env = {"SECRET_KEY": "x" * 40, "POSTGRES_PASSWORD": "p"}
    service = load_compose(REPO_DIR / "docker-compose.base.yml", env)["services"]["api-proxy"]
    names = set(re.findall(r"\$\{(PROXY_[A-Z_]+)\}", TEMPLATE.read_text()))
    assert names == {k for k in service["environment"] if k.startswith("PROXY_")}


def test_a_forged_x_forwarded_for_never_reaches_the_api(proxy: Proxy) -> None:
    status, _, body = proxy.request(
        "GET", "/echo", headers={"X-Forwarded-For": "198.51.100.66, 10.0.0.1"}
    )
    assert status == 200
    seen = json.loads(body)["headers"]
    # The proxy states the peer it saw; whatever the client claimed is gone.
    assert seen["x-forwarded-for"] == "127.0.0.1"
    assert seen["x-forwarded-proto"] == "http"


def test_request_ids_are_kept_or_made(proxy: Proxy) -> None:
    _, _, given = proxy.request("GET", "/echo", headers={"X-Request-ID": "client-id-123"})
    assert json.loads(given)["headers"]["x-request-id"] == "client-id-123"
    _, _, made = proxy.request("GET", "/echo")
    assert re.fullmatch(r"[0-9a-f]{32}", json.loads(made)["headers"]["x-request-id"])


def test_a_body_over_the_limit_is_refused_before_the_api_sees_it(
    proxy: Proxy, upstream: Upstream
) -> None:
    status, headers, body = proxy.request("POST", "/big", body=b"x" * (65 * 1024))
    assert status == 413
    assert _error_code(status, headers, body) == "payload_too_large"
    assert "/big" not in upstream.paths()
    ok = proxy.request("POST", "/small", body=b"x" * (60 * 1024))
    assert ok[0] == 200 and json.loads(ok[2]) == {"received": 60 * 1024}


def test_metrics_are_not_served_to_the_outside(proxy: Proxy, upstream: Upstream) -> None:
    status, headers, body = proxy.request("GET", "/metrics")
    assert status == 404 and _error_code(status, headers, body) == "not_found"
    assert "/metrics" not in upstream.paths()


def _read_until_closed(sock: socket.socket) -> bytes:
    """What the proxy sends before it closes (or resets) the connection."""
    received = b""
    try:
        while chunk := sock.recv(4096):
            received += chunk
    except ConnectionResetError:
        pass
    return received


def test_a_client_that_stops_sending_headers_is_cut_off(proxy: Proxy) -> None:
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as sock:
        sock.sendall(b"GET /echo HTTP/1.1\r\nHost: api\r\n")  # and never the blank line
        started = time.monotonic()
        received = _read_until_closed(sock)
        closed_after = time.monotonic() - started
    # Closed by the proxy (1 s in this config, 10 s in compose), not by our 10 s timeout.
    assert closed_after < 9, closed_after
    assert not received or received.startswith(b"HTTP/1.1 408")


def test_a_client_that_stops_sending_its_body_is_cut_off(proxy: Proxy, upstream: Upstream) -> None:
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as sock:
        sock.sendall(
            b"POST /slow-body HTTP/1.1\r\nHost: api\r\nContent-Length: 1000\r\n\r\n" + b"x" * 10
        )
        started = time.monotonic()
        received = _read_until_closed(sock)
        closed_after = time.monotonic() - started
    assert closed_after < 9, closed_after
    assert not received or received.startswith(b"HTTP/1.1 408")
    assert "/slow-body" not in upstream.paths()


def _hold(proxy: Proxy, results: list[int]) -> Callable[[], None]:
    def run() -> None:
        results.append(proxy.request("GET", "/hold")[0])

    return run


def test_one_address_may_hold_only_so_many_connections(proxy: Proxy, upstream: Upstream) -> None:
    upstream.release.clear()
    results: list[int] = []
    holders = [threading.Thread(target=_hold(proxy, results)) for _ in range(CONNECTIONS_PER_IP)]
    for thread in holders:
        thread.start()
    try:
        deadline = time.monotonic() + 10
        while upstream.active < CONNECTIONS_PER_IP:
            assert time.monotonic() < deadline, "the held requests did not reach the upstream"
            time.sleep(0.02)
        status, headers, body = proxy.request("GET", "/echo")
        assert status == 429
        assert _error_code(status, headers, body) == "too_many_connections"
        assert headers.get("retry-after") == "5"
    finally:
        upstream.release.set()
        for thread in holders:
            thread.join(15)
    assert results == [200] * CONNECTIONS_PER_IP
    assert proxy.request("GET", "/echo")[0] == 200  # slots free again


def test_streamed_replies_are_passed_on_as_they_come(proxy: Proxy, upstream: Upstream) -> None:
    upstream.release.clear()
    connection = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=8)
    try:
        connection.request("GET", "/stream")
        response = connection.getresponse()
        assert response.status == 200
        # The upstream writes the second event only after we have read the first: a
        # buffering proxy would make this read time out.
        assert response.readline() == b"data: first\n"
        upstream.release.set()
        assert b"data: second" in response.read()
    finally:
        upstream.release.set()
        connection.close()


def test_an_unreachable_api_is_503_with_retry_after(tmp_path: Path) -> None:
    closed_port = _free_port()  # nothing listens there
    with _running_proxy(tmp_path, closed_port) as down:
        status, headers, body = down.request("GET", "/api/v1/anything")
    assert status == 503
    assert _error_code(status, headers, body) == "service_unavailable"
    assert headers.get("retry-after") == "5"
