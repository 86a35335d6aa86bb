"""Each SPA's nginx.conf, rendered as its image renders it and served by a real nginx.

The template is rendered with the image's envsubst rules (see deployfiles), placed inside
an ``http {}`` block as the image's main nginx.conf places it, and started with the
system's nginx on a free loopback port against the SPA's build: the real ``dist/`` when
one exists, otherwise a small stand-in (index.html plus hashed assets), which is all
nginx's behaviour depends on. Only the listen address and the document root differ
from the container.

Without an nginx binary the tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.deploy.deployfiles import REPO_DIR, parse_dockerfile, render_nginx_template

API_ORIGIN = "https://api.aurum.test"
IMMUTABLE = "public, max-age=31536000, immutable"
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
}
MIME_TYPES = Path("/etc/nginx/mime.types")


@dataclass(frozen=True)
class Site:
    directory: str
    container_port: int
    name: str


SITES = [Site("aurum-chat-solar-main", 3001, "public"), Site("admin-dashboard", 3002, "admin")]


def _nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None
    )
    if found:
        return found
    reason = "nginx is not installed (Debian: apt-get install nginx-light)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run the nginx tests")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fake_dist(directory: Path) -> Path:
    """The shape of a Vite build: index.html and content-hashed files under assets/."""
    assets = directory / "assets"
    assets.mkdir(parents=True)
    script = "".join(f"export const step{n} = () => 'advisor step {n}';\n" for n in range(200))
    (assets / "index-abc123.js").write_text(script)
    (assets / "index-def456.css").write_text("body { margin: 0; }\n" * 100)
    (directory / "favicon.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (directory / "index.html").write_text(
        "<!doctype html><html><head>"
        '<script type="module" crossorigin src="/assets/index-abc123.js"></script>'
        '<link rel="stylesheet" href="/assets/index-def456.css">'
        '</head><body><div id="root"></div></body></html>\n'
    )
    return directory


def _dist_for(site: Site, tmp: Path) -> Path:
    real = REPO_DIR / site.directory / "dist"
    if (real / "index.html").is_file() and any((real / "assets").glob("*.js")):
        return real
    return _fake_dist(tmp / "dist")


@dataclass
class Served:
    site: Site
    port: int
    dist: Path
    rendered: str
    template: str
    config_check: str

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            body = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, body
        finally:
            connection.close()

    def asset(self, suffix: str) -> Path | None:
        """The largest built file with this suffix under assets/ (a hashed bundle)."""
        files = sorted((self.dist / "assets").glob(f"*{suffix}"), key=lambda p: p.stat().st_size)
        return files[-1] if files else None


def _render(site: Site) -> tuple[str, str]:
    """(template, rendered) with the image's envsubst filter and API_ORIGIN set."""
    template = (REPO_DIR / site.directory / "nginx.conf").read_text()
    image_env = parse_dockerfile(REPO_DIR / site.directory / "Dockerfile").final.env()
    env = {**image_env, "API_ORIGIN": API_ORIGIN, "PATH": "/usr/bin", "HOSTNAME": "web-1"}
    return template, render_nginx_template(template, env, image_env["NGINX_ENVSUBST_FILTER"])


def _for_test(rendered: str, site: Site, port: int, dist: Path) -> str:
    """The rendered server block on a loopback port and the test's build directory."""
    text, listens = re.subn(
        rf"^(\s*)listen\s+{site.container_port};",
        rf"\1listen 127.0.0.1:{port};",
        rendered,
        flags=re.M,
    )
    assert listens == 1, "expected one `listen <port>;` in the template"
    text, roots = re.subn(r"^(\s*)root\s+\S+;", lambda m: f"{m[1]}root {dist};", text, flags=re.M)
    assert roots == 1, "expected one `root` in the template"
    return text


def _main_config(prefix: Path, server_conf: Path) -> str:
    """What the nginx image's /etc/nginx/nginx.conf wraps conf.d/*.conf in."""
    types = (
        f"include {MIME_TYPES};"
        if MIME_TYPES.is_file()
        else (
            "types { text/html html; text/css css; application/javascript js; "
            "image/svg+xml svg; application/json json; }"
        )
    )
    temp = "\n".join(
        f"  {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        "worker_processes 1;\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        f"  {types}\n"
        "  default_type application/octet-stream;\n"
        "  sendfile on;\n"
        "  access_log off;\n"
        f"{temp}\n"
        f"  include {server_conf};\n"
        "}\n"
    )


def _nginx_args(nginx: str, prefix: Path, config: Path) -> list[str]:
    # master_process off: one process as the current user, no privilege drop to read tmp.
    globals_ = f"daemon off; master_process off; pid {prefix / 'nginx.pid'};"
    return [nginx, "-e", "stderr", "-p", str(prefix), "-c", str(config), "-g", globals_]


@pytest.fixture(scope="module", params=SITES, ids=[s.name for s in SITES])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    site: Site = request.param
    nginx = _nginx_binary()
    prefix = tmp_path_factory.mktemp(f"nginx-{site.name}")
    dist = _dist_for(site, prefix)
    port = _free_port()
    template, rendered = _render(site)
    server_conf = prefix / "default.conf"
    server_conf.write_text(_for_test(rendered, site, port, dist))
    config = prefix / "nginx.conf"
    config.write_text(_main_config(prefix, server_conf))

    check = subprocess.run(
        [*_nginx_args(nginx, prefix, config), "-t"], capture_output=True, text=True, timeout=10
    )
    assert check.returncode == 0, check.stderr

    log = prefix / "nginx.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            _nginx_args(nginx, prefix, config), stdout=log_file, stderr=subprocess.STDOUT
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
        yield Served(site, port, dist, rendered, template, check.stderr)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_nginx_accepts_the_rendered_config_without_warnings(served: Served) -> None:
    assert "test is successful" in served.config_check
    assert "[warn]" not in served.config_check, served.config_check


def test_template_renders_the_api_origin_only(served: Served) -> None:
    (policy,) = re.findall(r'Content-Security-Policy\s+"([^"]+)"', served.rendered)
    assert f"connect-src 'self' {API_ORIGIN};" in policy
    assert "API_ORIGIN" not in served.rendered
    # nginx's own variables survive envsubst untouched.
    nginx_variables = re.findall(r"\$[a-z_]+", served.template)
    assert nginx_variables and re.findall(r"\$[a-z_]+", served.rendered) == nginx_variables


def test_health_answers_json(served: Served) -> None:
    status, headers, body = served.get("/health")
    assert status == 200
    assert headers.get("content-type", "").startswith("application/json")
    assert json.loads(body) == {"status": "ok", "app": served.site.name}
    assert headers.get("cache-control") == "no-store"


@pytest.mark.parametrize("path", ["/", "/some/client/route", "/leads?page=2", "/index.html"])
def test_app_shell_for_every_client_route(served: Served, path: str) -> None:
    status, headers, body = served.get(path)
    assert status == 200
    assert headers.get("content-type", "").startswith("text/html")
    assert headers.get("cache-control") == "no-cache"
    assert body == (served.dist / "index.html").read_bytes()


@pytest.mark.parametrize(
    ("suffix", "content_types"),
    [
        (".js", ("application/javascript", "text/javascript")),
        (".css", ("text/css",)),
    ],
)
def test_hashed_assets_are_cached_for_a_year(
    served: Served, suffix: str, content_types: tuple[str, ...]
) -> None:
    asset = served.asset(suffix)
    if asset is None:
        pytest.skip(f"this build has no {suffix} asset")
    status, headers, body = served.get(f"/assets/{asset.name}")
    assert status == 200
    assert headers.get("content-type", "").split(";")[0] in content_types
    assert headers.get("cache-control") == IMMUTABLE
    assert body == asset.read_bytes()


def test_text_assets_are_gzipped(served: Served) -> None:
    asset = served.asset(".js")
    assert asset is not None and asset.stat().st_size > 1024
    status, headers, body = served.get(f"/assets/{asset.name}", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("content-encoding") == "gzip"
    assert "Accept-Encoding" in headers.get("vary", "")
    assert gzip.decompress(body) == asset.read_bytes()


@pytest.mark.parametrize(
    "path", ["/assets/x.js", "/assets/index-000000.css", "/robots-missing.txt"]
)
def test_missing_files_are_404_not_the_app_shell(served: Served, path: str) -> None:
    status, headers, body = served.get(path)
    assert status == 404
    assert body != (served.dist / "index.html").read_bytes()
    # A 404 must never be cached as an immutable asset.
    assert "immutable" not in headers.get("cache-control", "")


@pytest.mark.parametrize(
    "path", ["/", "/health", "/some/client/route", "/assets/{bundle}", "/assets/x.js"]
)
def test_security_headers_on_every_response(served: Served, path: str) -> None:
    bundle = served.asset(".js")
    assert bundle is not None
    path = path.format(bundle=bundle.name)
    _, headers, _ = served.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, (path, name)
    assert "content-security-policy" in headers, path
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in headers["content-security-policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["connect-src"] == f"'self' {API_ORIGIN}"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert headers.get("server") == "nginx"  # no version


def test_admin_is_kept_out_of_search_engines(served: Served) -> None:
    _, headers, _ = served.get("/")
    if served.site.name == "admin":
        assert headers.get("x-robots-tag") == "noindex, nofollow"
    else:
        assert "x-robots-tag" not in headers
