"""The compose stacks: which services run, how they start, what they publish and keep.

Each top-level file is resolved the way ``docker compose -f FILE`` resolves it
(``include:``, anchors, ``${VAR}`` interpolation), so a mistake in the shared base file
shows up in every stack that includes it. Service names follow the deployment guide
(``backend``, ``user-frontend``, ``admin-dashboard``, ``postgres``, ``redis``, containers
``aurum_postgres`` and ``aurum_redis``). When a Compose v2 client is installed, the last
tests also ask it to validate the files (no Docker engine needed).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.deploy.deployfiles import (
    BACKEND_DIR,
    REPO_DIR,
    IncludeDiamondError,
    InterpolationError,
    bind_mounts,
    command_words,
    depends_on,
    environment,
    include_tree,
    load_compose,
    parse_dockerfile,
    published_ports,
    read_yaml,
    template_variables,
)

BACKEND_STACK = {"postgres", "redis", "migrate", "backend", "worker", "api-proxy"}
STACKS = {
    "docker-compose.yml": BACKEND_STACK | {"user-frontend"},
    "docker-compose.admin.yml": BACKEND_STACK | {"admin-dashboard"},
    "docker-compose.full.yml": BACKEND_STACK | {"user-frontend", "admin-dashboard"},
    "docker-compose.base.yml": BACKEND_STACK,
}
PROFILES = {
    "backup": {"backup"},
    "monitoring": {"prometheus", "redis-exporter", "grafana"},
}
PUBLISHED = {"api-proxy": 8000, "user-frontend": 3001, "admin-dashboard": 3002}
# The URL each service's healthcheck must probe, inside its own container.
HEALTH_PROBES = {
    "backend": "http://127.0.0.1:8000/health/ready",
    "api-proxy": "http://127.0.0.1:8000/health",
    "user-frontend": "http://127.0.0.1:3001/health",
    "admin-dashboard": "http://127.0.0.1:3002/health",
    "prometheus": "http://127.0.0.1:9090/-/ready",
    "grafana": "http://127.0.0.1:3000/api/health",
    "redis-exporter": "http://127.0.0.1:9121/health",
}
SPA_CONTEXTS = {"user-frontend": "aurum-chat-solar-main", "admin-dashboard": "admin-dashboard"}
BACKEND_IMAGE_SERVICES = ("backend", "migrate", "worker", "backup")
ONE_SHOT = {"migrate"}
CONTAINER_NAMES = {"postgres": "aurum_postgres", "redis": "aurum_redis"}

# What an operator puts in .env; the values are distinctive so the tests can find them.
OPERATOR_ENV = {
    "SECRET_KEY": "test-secret-key-0123456789-abcdefghijklmnop",
    "POSTGRES_PASSWORD": "test-postgres-password-42",
}

stack_files = pytest.mark.parametrize("filename", sorted(STACKS))


def _stack(filename: str, env: dict[str, str] | None = None) -> dict:
    return load_compose(REPO_DIR / filename, OPERATOR_ENV if env is None else env)


def _default_services(stack: dict) -> dict:
    """What `docker compose up` starts: services without a profile."""
    return {name: s for name, s in stack["services"].items() if not s.get("profiles")}


@stack_files
def test_each_file_runs_its_services(filename: str) -> None:
    stack = _stack(filename)
    assert set(_default_services(stack)) == STACKS[filename]
    for profile, services in PROFILES.items():
        for name in services:
            assert stack["services"][name]["profiles"] == [profile], name
    assert set(stack["services"]) == STACKS[filename] | set().union(*PROFILES.values())


def test_full_stack_is_the_union_of_the_public_and_admin_stacks() -> None:
    full = _stack("docker-compose.full.yml")["services"]
    public = _stack("docker-compose.yml")["services"]
    admin = _stack("docker-compose.admin.yml")["services"]
    assert full == public | admin


@stack_files
def test_no_file_is_reached_twice_through_include(filename: str) -> None:
    files = include_tree(REPO_DIR / filename)  # raises on a diamond or a cycle
    assert files[0] == (REPO_DIR / filename).resolve()
    assert (REPO_DIR / "docker-compose.base.yml").resolve() in files


def test_the_include_check_catches_a_diamond(tmp_path: Path) -> None:
    (tmp_path / "base.yml").write_text("services:\n  db:\n    image: postgres\n")
    for side in ("left", "right"):
        (tmp_path / f"{side}.yml").write_text("include:\n  - base.yml\n")
    (tmp_path / "top.yml").write_text("include:\n  - left.yml\n  - path: right.yml\n")
    with pytest.raises(IncludeDiamondError, match=r"base\.yml is reached twice"):
        include_tree(tmp_path / "top.yml")
    (tmp_path / "loop.yml").write_text("include:\n  - loop.yml\n")
    with pytest.raises(IncludeDiamondError, match="cycle"):
        include_tree(tmp_path / "loop.yml")


def test_every_compose_file_names_one_project() -> None:
    # One project name: the stacks share one backend, database and Redis, and switching
    # between them keeps the same volumes.
    files = set().union(*(include_tree(REPO_DIR / filename) for filename in STACKS))
    assert {read_yaml(path).get("name") for path in files} == {"aurum"}


def test_public_and_admin_stacks_side_by_side_share_one_backend() -> None:
    """The guide's option 1: `docker compose up` and `docker compose -f
    docker-compose.admin.yml up` in one project. Compose keeps a running container whose
    service definition is unchanged, so every shared service must be defined alike."""
    public = _stack("docker-compose.yml")["services"]
    admin = _stack("docker-compose.admin.yml")["services"]
    shared = public.keys() & admin.keys()
    assert shared >= BACKEND_STACK
    for name in shared:
        assert public[name] == admin[name], name
    for name, container in CONTAINER_NAMES.items():
        assert public[name]["container_name"] == container


@stack_files
def test_ports_are_published_as_in_the_guide(filename: str) -> None:
    services = _stack(filename)["services"]
    for name, service in services.items():
        ports = published_ports(service)
        if name in PUBLISHED:
            port = PUBLISHED[name]
            assert [(p.published, p.target) for p in ports] == [(port, port)], name
        else:
            # The API, databases and dashboards stay on the compose network, or at most
            # on the host's loopback.
            for p in ports:
                assert p.published is None or p.host_ip == "127.0.0.1", (name, p)


@stack_files
def test_every_long_running_service_has_a_healthcheck(filename: str) -> None:
    services = _stack(filename)["services"]
    for name, service in services.items():
        if name in ONE_SHOT:
            continue
        check = service.get("healthcheck") or {}
        assert not check.get("disable"), name
        test = command_words(check.get("test"))
        assert test and test[0] in ("CMD", "CMD-SHELL"), name
        if name in HEALTH_PROBES:
            assert any(HEALTH_PROBES[name] in word for word in test), (name, test)


def test_database_and_cache_healthchecks_probe_the_server() -> None:
    services = _stack("docker-compose.base.yml")["services"]
    assert "pg_isready" in " ".join(command_words(services["postgres"]["healthcheck"]["test"]))
    assert command_words(services["redis"]["healthcheck"]["test"])[1:] == ["redis-cli", "ping"]


def test_database_user_and_containers_are_the_guides() -> None:
    services = _stack("docker-compose.base.yml")["services"]
    assert environment(services["postgres"])["POSTGRES_USER"] == "aurum_user"
    for name, container in CONTAINER_NAMES.items():
        assert services[name]["container_name"] == container
    # `docker exec -it aurum_postgres pg_isready -U aurum_user` checks the right user.
    assert urlsplit(environment(services["backend"])["DATABASE_URL"]).username == "aurum_user"


@stack_files
@pytest.mark.parametrize("name", ["backend", "worker"])
def test_api_and_worker_wait_for_their_dependencies_and_migrations(
    filename: str, name: str
) -> None:
    service = _stack(filename)["services"][name]
    assert depends_on(service) == {
        "postgres": "service_healthy",
        "redis": "service_healthy",
        "migrate": "service_completed_successfully",
    }


@pytest.mark.parametrize("name", ["migrate", "worker", "backup"])
def test_operator_services_run_the_api_image(name: str) -> None:
    services = _stack("docker-compose.base.yml")["services"]
    service, backend = services[name], services["backend"]
    assert service["image"] == backend["image"]
    assert service["build"] == backend["build"]
    assert not published_ports(service)


def test_migrate_is_a_one_shot_run_of_the_api_image() -> None:
    migrate = _stack("docker-compose.base.yml")["services"]["migrate"]
    assert command_words(migrate["command"]) == ["aurum", "db", "upgrade"]
    assert depends_on(migrate) == {"postgres": "service_healthy"}
    # A restart policy would run a finished migration again and again.
    assert str(migrate.get("restart", "no")) in ("no", "on-failure")


def test_worker_runs_the_worker_command_with_replicas() -> None:
    worker = _stack("docker-compose.base.yml")["services"]["worker"]
    assert command_words(worker["command"]) == ["aurum", "worker"]
    assert str(worker["deploy"]["replicas"]) == "1"
    assert "container_name" not in worker  # a fixed name would forbid replicas
    scaled = _stack("docker-compose.base.yml", {**OPERATOR_ENV, "WORKER_REPLICAS": "3"})
    assert str(scaled["services"]["worker"]["deploy"]["replicas"]) == "3"


def test_the_worker_command_is_what_the_image_provides() -> None:
    """`aurum` is the image's console script, and compose's worker runs its `worker`."""
    scripts = tomllib.loads((BACKEND_DIR / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["aurum"] == "app.cli:main"
    from typer.main import get_command

    from app.cli import cli

    commands = get_command(cli).commands  # type: ignore[attr-defined]
    assert "worker" in commands


@stack_files
def test_sites_start_after_the_api_proxy(filename: str) -> None:
    services = _stack(filename)["services"]
    for name in SPA_CONTEXTS.keys() & services.keys():
        assert depends_on(services[name]).get("api-proxy") in (
            "service_started",
            "service_healthy",
        )


@stack_files
def test_long_running_services_restart(filename: str) -> None:
    services = _stack(filename)["services"]
    for name, service in services.items():
        if name not in ONE_SHOT:
            assert service.get("restart") in ("unless-stopped", "always"), name


@stack_files
def test_data_lives_in_declared_named_volumes(filename: str) -> None:
    stack = _stack(filename)
    declared = set(stack["volumes"])
    used = set()
    for name, service in stack["services"].items():
        for mount in service.get("volumes") or []:
            source = mount["source"] if isinstance(mount, dict) else str(mount).split(":")[0]
            if not source.startswith("/"):
                assert source in declared, (name, source)
                used.add(source)
    assert used == declared
    postgres_mounts = [str(m).split(":") for m in stack["services"]["postgres"]["volumes"]]
    assert ["postgres-data", "/var/lib/postgresql/data"] in postgres_mounts
    assert "redis-data:/data" in stack["services"]["redis"]["volumes"]


@stack_files
def test_bind_mounts_are_repository_files_mounted_read_only(filename: str) -> None:
    for name, service in _stack(filename)["services"].items():
        for source, target in bind_mounts(service):
            assert source.exists(), (name, source)
            assert source.is_relative_to(REPO_DIR), (name, source)
            assert any(str(m).endswith(f"{target}:ro") for m in service["volumes"]), name


# ---------------------------------------------------------------- the edge (api-proxy)


def test_only_the_proxy_reaches_the_api_and_the_api_trusts_it_alone() -> None:
    stack = _stack("docker-compose.base.yml")
    services = stack["services"]
    on_edge = {name for name, s in services.items() if "edge" in (s.get("networks") or [])}
    assert on_edge == {"api-proxy", "backend"}
    assert services["api-proxy"]["networks"] == ["edge"]
    assert not published_ports(services["backend"])
    (subnet,) = [entry["subnet"] for entry in stack["networks"]["edge"]["ipam"]["config"]]
    assert environment(services["backend"])["TRUSTED_PROXIES"] == subnet
    # Nothing else that serves HTTP believes forwarded headers.
    for name in BACKEND_IMAGE_SERVICES:
        if name != "backend":
            assert "TRUSTED_PROXIES" not in environment(services[name]), name


def test_proxy_config_gets_every_variable_it_uses() -> None:
    proxy = _stack("docker-compose.base.yml")["services"]["api-proxy"]
    ((template, target),) = bind_mounts(proxy)
    assert re.fullmatch(r"/etc/nginx/templates/[\w.-]+\.conf\.template", target)
    env = environment(proxy)
    used = template_variables(template.read_text())
    assert used and used <= env.keys()
    assert all(re.search(env["NGINX_ENVSUBST_FILTER"], name) for name in used)
    assert env["PROXY_UPSTREAM"] == "backend:8000"
    assert env["PROXY_BODY_LIMIT"] == "1m"
    assert int(env["PROXY_CONNECTIONS_PER_IP"]) > 0
    # The proxy's image is the sites' nginx: one nginx to patch.
    site_nginx = parse_dockerfile(REPO_DIR / "aurum-chat-solar-main" / "Dockerfile")
    assert proxy["image"] == site_nginx.global_args["NGINX_IMAGE"]


# ---------------------------------------------------------------- backups and monitoring


def test_backup_service_writes_nightly_dumps_to_its_volume() -> None:
    stack = _stack("docker-compose.base.yml")
    backup = stack["services"]["backup"]
    assert command_words(backup["command"]) == ["aurum", "backup", "--nightly"]
    env = environment(backup)
    assert env["BACKUP_KEEP_DAYS"] == "14"
    assert re.fullmatch(r"\d\d:\d\d", env["BACKUP_TIME"])
    assert f"backups:{env['BACKUP_DIR']}" in backup["volumes"]
    assert command_words(backup["healthcheck"]["test"]) == ["CMD", "aurum", "backup", "--status"]
    # The image's non-root user owns that directory (a fresh volume copies it).
    dockerfile = (BACKEND_DIR / "Dockerfile").read_text()
    assert re.search(rf"chown aurum:aurum [^\n]*{re.escape(env['BACKUP_DIR'])}", dockerfile)


def test_the_image_dumps_with_the_servers_major_version() -> None:
    """pg_dump refuses a newer server, and an older pg_restore cannot read a newer dump."""
    postgres = _stack("docker-compose.base.yml")["services"]["postgres"]
    server_major = re.fullmatch(r"postgres:(\d+)(?:\.\d+)?-alpine", postgres["image"])
    assert server_major, postgres["image"]
    client_major = re.search(
        r"^ARG POSTGRES_CLIENT_MAJOR=(\d+)$", (BACKEND_DIR / "Dockerfile").read_text(), re.M
    )
    assert client_major and client_major[1] == server_major[1]


def test_prometheus_scrapes_every_api_instance_and_redis() -> None:
    stack = _stack("docker-compose.base.yml")
    prometheus = stack["services"]["prometheus"]
    (config_file,) = [s for s, t in bind_mounts(prometheus) if t.endswith("prometheus.yml")]
    config = read_yaml(config_file)
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    api = jobs["aurum-api"]
    # DNS discovery finds every replica of `backend`, not only the first.
    (dns,) = api["dns_sd_configs"]
    assert dns["names"] == ["backend"] and dns["type"] == "A" and dns["port"] == 8000
    assert api.get("metrics_path", "/metrics") == "/metrics"
    # Production serves /metrics only to METRICS_TOKEN: Prometheus reads it as a secret.
    assert api["authorization"] == {
        "type": "Bearer",
        "credentials_file": "/run/secrets/metrics_token",
    }
    assert prometheus["secrets"] == ["metrics_token"]
    raw = read_yaml(REPO_DIR / "deploy" / "compose" / "monitoring.yml")
    assert raw["secrets"]["metrics_token"] == {"environment": "METRICS_TOKEN"}
    backend = environment(stack["services"]["backend"])
    assert backend["METRICS_TOKEN"] == ""
    with_token = _stack("docker-compose.base.yml", {**OPERATOR_ENV, "METRICS_TOKEN": "t0k3n"})
    assert environment(with_token["services"]["backend"])["METRICS_TOKEN"] == "t0k3n"
    (redis_target,) = jobs["redis"]["static_configs"][0]["targets"]
    assert redis_target == "redis-exporter:9121"
    assert environment(stack["services"]["redis-exporter"])["REDIS_ADDR"] == "redis://redis:6379"


@stack_files
def test_secrets_come_from_the_environment(filename: str) -> None:
    services = _stack(filename)["services"]
    for name in BACKEND_IMAGE_SERVICES:
        env = environment(services[name])
        assert env["SECRET_KEY"] == OPERATOR_ENV["SECRET_KEY"], name
    assert (
        environment(services["postgres"])["POSTGRES_PASSWORD"]
        == (OPERATOR_ENV["POSTGRES_PASSWORD"])
    )


@stack_files
@pytest.mark.parametrize("required", sorted(OPERATOR_ENV))
def test_a_missing_secret_stops_compose(filename: str, required: str) -> None:
    env = {key: value for key, value in OPERATOR_ENV.items() if key != required}
    with pytest.raises(InterpolationError, match=required):
        _stack(filename, env)
    with pytest.raises(InterpolationError, match=required):
        _stack(filename, {**env, required: ""})


SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|API_KEY|PRIVATE", re.I)
REFERENCE = r"\$\{[A-Za-z_][A-Za-z0-9_]*(?:[:?+-][^}]*)?\}"
ONLY_A_REFERENCE = re.compile(REFERENCE)


def _url_password(value: str) -> str | None:
    """The password in a URL as written, ${...} references kept whole (their messages
    may hold characters a URL parser splits on)."""
    references: list[str] = []

    def mask(match: re.Match[str]) -> str:
        references.append(match[0])
        return f"REF{len(references) - 1}X"

    password = urlsplit(re.sub(REFERENCE, mask, value)).password
    if password is None:
        return None
    return re.sub(r"REF(\d+)X", lambda m: references[int(m[1])], password)


@stack_files
def test_no_secret_is_written_in_the_files(filename: str) -> None:
    services = load_compose(REPO_DIR / filename, env=None)["services"]
    for name, service in services.items():
        for key, value in environment(service).items():
            if value is None:
                continue
            if SECRET_NAME.search(key):
                assert ONLY_A_REFERENCE.fullmatch(value), f"{name}.{key} is written in the file"
            password = _url_password(value) if "://" in value else None
            if password is not None:
                assert ONLY_A_REFERENCE.fullmatch(password), f"{name}.{key} embeds a password"


def test_backend_services_reach_postgres_and_redis_with_the_same_credentials() -> None:
    services = _stack("docker-compose.base.yml")["services"]
    postgres = environment(services["postgres"])
    for name in BACKEND_IMAGE_SERVICES:
        env = environment(services[name])
        database = urlsplit(env["DATABASE_URL"])
        assert database.scheme == "postgresql"
        assert (database.hostname, database.port) == ("postgres", 5432)
        assert database.username == postgres["POSTGRES_USER"]
        assert database.password == postgres["POSTGRES_PASSWORD"]
        assert database.path == "/" + postgres["POSTGRES_DB"]
        assert urlsplit(env["REDIS_URL"]).hostname == "redis"
        assert env["ENVIRONMENT"] == "production"


@stack_files
def test_dotenv_is_optional_and_the_only_env_file(filename: str) -> None:
    for name, service in _stack(filename)["services"].items():
        for entry in service.get("env_file") or []:
            assert isinstance(entry, dict), f"{name}: use the long syntax"
            assert entry == {"path": ".env", "required": False}, name


@stack_files
def test_images_build_from_the_repository(filename: str) -> None:
    services = _stack(filename)["services"]
    for name in (*BACKEND_IMAGE_SERVICES, *SPA_CONTEXTS):
        if name not in services:
            continue
        context = Path(services[name]["build"]["context"])
        expected = REPO_DIR / SPA_CONTEXTS.get(name, "backend")
        assert context == expected, name
        assert (context / services[name]["build"].get("dockerfile", "Dockerfile")).is_file()


@stack_files
def test_sites_are_built_for_and_allow_the_same_api_origin(filename: str) -> None:
    for variant in ({}, {"VITE_API_URL": "https://api.aurum.example"}):
        services = _stack(filename, {**OPERATOR_ENV, **variant})["services"]
        for name in SPA_CONTEXTS.keys() & services.keys():
            args = services[name]["build"]["args"]
            api_url = args["VITE_API_URL"]
            assert api_url == variant.get("VITE_API_URL", "http://localhost:8000")
            assert args["VITE_ENVIRONMENT"] == "production"
            assert environment(services[name])["API_ORIGIN"] == api_url


# ---------------------------------------------------------------- the real Compose client


def _compose_command() -> list[str] | None:
    """A Compose v2 client: $DOCKER_COMPOSE (a path), `docker compose`, or docker-compose."""
    candidates = [[os.environ["DOCKER_COMPOSE"]]] if os.environ.get("DOCKER_COMPOSE") else []
    candidates += [["docker", "compose"], ["docker-compose"]]
    for command in candidates:
        if not shutil.which(command[0]):
            continue
        probe = subprocess.run(
            [*command, "version", "--short"], capture_output=True, text=True, timeout=20
        )
        version = re.match(r"v?(\d+)\.(\d+)", probe.stdout.strip())
        if probe.returncode == 0 and version and (int(version[1]), int(version[2])) >= (2, 24):
            return command
    return None


@pytest.fixture(scope="module")
def compose(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], Path]:
    command = _compose_command()
    if command is None:
        pytest.skip("no Docker Compose v2.24+ client (docker compose, docker-compose)")
    # A copy, so a developer's .env in the repository cannot fill in what is missing.
    workdir = tmp_path_factory.mktemp("compose")
    for filename in STACKS:
        shutil.copy(REPO_DIR / filename, workdir / filename)
    shutil.copytree(REPO_DIR / "deploy", workdir / "deploy")
    return command, workdir


def _compose_config(
    compose: tuple[list[str], Path], filename: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    command, workdir = compose
    clean = {k: v for k, v in os.environ.items() if k not in OPERATOR_ENV and k != "VITE_API_URL"}
    return subprocess.run(
        [*command, "-f", filename, "config", "--format", "json"],
        cwd=workdir,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


@stack_files
def test_compose_client_accepts_each_file(compose: tuple[list[str], Path], filename: str) -> None:
    result = _compose_config(compose, filename, OPERATOR_ENV)
    assert result.returncode == 0, result.stderr
    resolved = json.loads(result.stdout)
    assert set(resolved["services"]) == STACKS[filename]  # profiles off by default
    ours = _stack(filename)["services"]
    for name, service in resolved["services"].items():
        assert depends_on(service) == depends_on(ours[name]), name
        assert service.get("environment", {}) == environment(ours[name]), name
        ports = {(int(p["published"]), p["target"]) for p in service.get("ports", [])}
        assert ports == {(p.published, p.target) for p in published_ports(ours[name])}, name


@stack_files
def test_compose_client_refuses_a_file_without_secret_key(
    compose: tuple[list[str], Path], filename: str
) -> None:
    result = _compose_config(compose, filename, {"POSTGRES_PASSWORD": "x"})
    # Some wrappers of the binary lose its exit status; the output says it all.
    assert result.returncode != 0 or not result.stdout.strip()
    assert "SECRET_KEY" in result.stderr
