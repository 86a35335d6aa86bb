"""The compose stacks: which services run, how they start, what they publish and keep.

Each top-level file is resolved the way ``docker compose -f FILE`` resolves it
(``include:``, anchors, ``${VAR}`` interpolation), so a mistake in the shared base file
shows up in every stack that includes it. When a Compose v2 client is installed, the
last tests also ask it to validate the files (no Docker engine needed).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.deploy.deployfiles import (
    REPO_DIR,
    InterpolationError,
    command_words,
    depends_on,
    environment,
    load_compose,
    published_ports,
    read_yaml,
)

BACKEND_STACK = {"postgres", "redis", "migrate", "api"}
STACKS = {
    "docker-compose.yml": BACKEND_STACK | {"public"},
    "docker-compose.admin.yml": BACKEND_STACK | {"admin"},
    "docker-compose.full.yml": BACKEND_STACK | {"public", "admin"},
    "docker-compose.base.yml": BACKEND_STACK,
}
PUBLISHED = {"api": 8000, "public": 3001, "admin": 3002}
SPA_CONTEXTS = {"public": "aurum-chat-solar-main", "admin": "admin-dashboard"}
ONE_SHOT = {"migrate"}

# What an operator puts in .env; the values are distinctive so the tests can find them.
OPERATOR_ENV = {
    "SECRET_KEY": "test-secret-key-0123456789-abcdefghijklmnop",
    "POSTGRES_PASSWORD": "test-postgres-password-42",
}

stack_files = pytest.mark.parametrize("filename", sorted(STACKS))


def _stack(filename: str, env: dict[str, str] | None = None) -> dict:
    return load_compose(REPO_DIR / filename, OPERATOR_ENV if env is None else env)


@stack_files
def test_each_file_runs_its_services(filename: str) -> None:
    assert set(_stack(filename)["services"]) == STACKS[filename]


def test_full_stack_is_the_union_of_the_public_and_admin_stacks() -> None:
    full = _stack("docker-compose.full.yml")["services"]
    public = _stack("docker-compose.yml")["services"]
    admin = _stack("docker-compose.admin.yml")["services"]
    assert full == public | admin


@stack_files
def test_ports_are_published_as_in_the_design(filename: str) -> None:
    services = _stack(filename)["services"]
    for name, service in services.items():
        ports = published_ports(service)
        if name in PUBLISHED:
            port = PUBLISHED[name]
            assert [(p.published, p.target) for p in ports] == [(port, port)], name
        else:
            # Databases stay on the compose network, or at most on the host's loopback.
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
        if name in PUBLISHED:
            # The probe hits the port the container listens on, at the right endpoint.
            expected = "/health/ready" if name == "api" else "/health"
            url = f"http://127.0.0.1:{PUBLISHED[name]}{expected}"
            assert any(url in word for word in test), (name, test)


def test_database_and_cache_healthchecks_probe_the_server() -> None:
    services = _stack("docker-compose.base.yml")["services"]
    assert "pg_isready" in " ".join(command_words(services["postgres"]["healthcheck"]["test"]))
    assert command_words(services["redis"]["healthcheck"]["test"])[1:] == ["redis-cli", "ping"]


@stack_files
def test_api_waits_for_its_dependencies_and_migrations(filename: str) -> None:
    api = _stack(filename)["services"]["api"]
    assert depends_on(api) == {
        "postgres": "service_healthy",
        "redis": "service_healthy",
        "migrate": "service_completed_successfully",
    }


def test_migrate_is_a_one_shot_run_of_the_api_image() -> None:
    services = _stack("docker-compose.base.yml")["services"]
    migrate, api = services["migrate"], services["api"]
    assert command_words(migrate["command"]) == ["aurum", "db", "upgrade"]
    assert migrate["image"] == api["image"]
    assert migrate["build"] == api["build"]
    assert depends_on(migrate) == {"postgres": "service_healthy"}
    # A restart policy would run a finished migration again and again.
    assert str(migrate.get("restart", "no")) in ("no", "on-failure")
    assert not published_ports(migrate)


@stack_files
def test_sites_start_after_the_api(filename: str) -> None:
    services = _stack(filename)["services"]
    for name in SPA_CONTEXTS.keys() & services.keys():
        assert depends_on(services[name]).get("api") in ("service_started", "service_healthy")


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
            if not source.startswith((".", "/", "~")):
                assert source in declared, (name, source)
                used.add(source)
    assert used == declared
    postgres_mounts = [str(m).split(":") for m in stack["services"]["postgres"]["volumes"]]
    assert ["postgres-data", "/var/lib/postgresql/data"] in postgres_mounts
    assert "redis-data:/data" in stack["services"]["redis"]["volumes"]


@stack_files
def test_secrets_come_from_the_environment(filename: str) -> None:
    services = _stack(filename)["services"]
    for name in ("api", "migrate"):
        env = environment(services[name])
        assert env["SECRET_KEY"] == OPERATOR_ENV["SECRET_KEY"]
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


def test_api_reaches_postgres_and_redis_with_the_same_credentials() -> None:
    services = _stack("docker-compose.base.yml")["services"]
    postgres = environment(services["postgres"])
    for name in ("api", "migrate"):
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
    for name in ("api", "migrate", *SPA_CONTEXTS):
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


def test_top_level_files_name_one_project() -> None:
    # One project name: switching between the stacks keeps the same database volume.
    names = {read_yaml(REPO_DIR / filename).get("name") for filename in STACKS}
    assert names == {"aurum"}


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
    assert set(resolved["services"]) == STACKS[filename]
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
