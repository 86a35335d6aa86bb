"""The three images: stages, the user they run as, ports, health checks, and the pieces
that must line up across files (the nginx root and the copied build, the container port
in the Dockerfile, nginx.conf and compose).

One test also rebuilds the API image's /app layout from the Dockerfile's COPY lines in a
temporary directory and runs ``aurum db upgrade`` there, with the image's WORKDIR and
environment, so a missing alembic.ini or migrations/ fails here and not at deploy time.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from tests.deploy.deployfiles import (
    BACKEND_DIR,
    REPO_DIR,
    Dockerfile,
    Stage,
    copy_sources,
    dockerignore_excludes,
    parse_dockerfile,
    read_dockerignore,
    template_variables,
)


@dataclass(frozen=True)
class Image:
    directory: str
    port: int
    build_base: str
    runtime_base: str

    @property
    def dockerfile(self) -> Dockerfile:
        return parse_dockerfile(REPO_DIR / self.directory / "Dockerfile")


API = Image("backend", 8000, "python:3.11-slim", "python:3.11-slim")
PUBLIC = Image("aurum-chat-solar-main", 3001, "node:", "nginxinc/nginx-unprivileged:")
ADMIN = Image("admin-dashboard", 3002, "node:", "nginxinc/nginx-unprivileged:")
SITES = [PUBLIC, ADMIN]

images = pytest.mark.parametrize("image", [API, PUBLIC, ADMIN], ids=lambda i: i.directory)
sites = pytest.mark.parametrize("site", SITES, ids=lambda i: i.directory)


def _run_text(stage: Stage) -> str:
    return "\n".join(i.arguments for i in stage.all("RUN"))


@images
def test_images_are_multi_stage(image: Image) -> None:
    dockerfile = image.dockerfile
    assert len(dockerfile.stages) >= 2
    assert dockerfile.stages[0].base.startswith(image.build_base)
    assert dockerfile.final.base.startswith(image.runtime_base)
    # Every later stage copies from a stage that exists.
    names = {stage.name for stage in dockerfile.stages}
    for stage in dockerfile.stages:
        for instruction in stage.all("COPY"):
            origin = copy_sources(instruction)[2].get("from")
            assert origin is None or origin in names, instruction


@images
def test_final_stage_runs_as_a_non_root_user(image: Image) -> None:
    user = image.dockerfile.final.last("USER")
    assert user is not None, "the final stage must name its user"
    name = user.arguments.split(":")[0].strip()
    assert name not in ("root", "0", "")


@images
def test_final_stage_exposes_its_port_and_checks_its_health(image: Image) -> None:
    final = image.dockerfile.final
    exposed = {int(word.split("/")[0]) for i in final.all("EXPOSE") for word in i.words()}
    assert exposed == {image.port}
    healthcheck = final.last("HEALTHCHECK")
    assert healthcheck is not None
    assert f"http://127.0.0.1:{image.port}/health" in healthcheck.arguments


def test_api_runtime_is_slim_and_unbuffered() -> None:
    dockerfile = API.dockerfile
    final = dockerfile.final
    env = final.env()
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert env["PYTHONUNBUFFERED"] == "1"
    assert env["ENVIRONMENT"] == "production"
    assert final.workdir() == "/app"
    # No compiler and no pip in the runtime stage: wheels only. apt installs one
    # package, the PostgreSQL client that `aurum backup` needs, and leaves no lists.
    run_text = _run_text(final)
    assert not re.search(r"gcc|build-essential|pip install", run_text)
    installs = re.findall(r"apt-get install ([^&]+)", run_text)
    assert [words.split() for words in installs] == [
        ["-y", "--no-install-recommends", '"postgresql-client-${POSTGRES_CLIENT_MAJOR}"']
    ]
    assert "rm -rf /var/lib/apt/lists/*" in run_text
    assert "pip install --no-deps ." in _run_text(dockerfile.stage("builder"))


def test_api_command_expands_worker_count_and_execs_the_server() -> None:
    command = API.dockerfile.final.last("CMD")
    assert command is not None
    words = command.words()
    assert words[:2] == ["sh", "-c"]
    script = words[2]
    assert script.startswith("exec aurum serve ")
    assert "--host 0.0.0.0" in script
    assert "--port 8000" in script
    assert "${WEB_CONCURRENCY:-4}" in script


def _in_workdir(destination: str, workdir: str) -> str:
    return posixpath.normpath(posixpath.join(workdir, destination))


def _runtime_layout(dockerfile: Dockerfile) -> dict[str, Path]:
    """Where each path under the final stage's WORKDIR comes from in backend/."""
    final = dockerfile.final
    workdir = final.workdir()
    layout = {}
    for instruction in final.all("COPY"):
        sources, destination, flags = copy_sources(instruction)
        target = _in_workdir(destination, workdir)
        if not target.startswith(workdir + "/"):
            continue
        (source,) = sources
        if "from" in flags:
            # Copied out of an earlier stage: follow it back to that stage's own COPY.
            builder = dockerfile.stage(flags["from"])
            source = next(
                copy_sources(i)[0][0]
                for i in builder.all("COPY")
                if _in_workdir(copy_sources(i)[1], builder.workdir()) == source
            )
        layout[posixpath.relpath(target, workdir)] = BACKEND_DIR / source
    return layout


def test_api_image_holds_what_migrations_need() -> None:
    layout = _runtime_layout(API.dockerfile)
    assert {"app", "alembic.ini", "migrations"} <= layout.keys()
    for source in layout.values():
        assert source.exists(), source


def test_api_image_layout_runs_migrations(tmp_path: Path) -> None:
    """`aurum db upgrade` as the migrate service runs it: from WORKDIR, with the image's
    PYTHONPATH, against the embedded SQLite default (the layout is what is tested)."""
    dockerfile = API.dockerfile
    image_env = dockerfile.final.env()
    workdir = dockerfile.final.workdir()
    assert image_env.get("PYTHONPATH") == workdir, "the image runs the source tree in WORKDIR"
    root = tmp_path / workdir.strip("/")
    for relative, source in _runtime_layout(dockerfile).items():
        target = root / relative
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    data_dir = tmp_path / "data"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "PYTHONPATH") and not key.startswith("AURUM")
    }
    env.update(
        ENVIRONMENT=image_env["ENVIRONMENT"],
        SECRET_KEY="a-test-secret-key-that-is-long-enough-123",
        PYTHONPATH=image_env["PYTHONPATH"].replace(workdir, str(root)),
        AURUM_DATA_DIR=str(data_dir),
        PYTHONDONTWRITEBYTECODE="1",
    )
    result = subprocess.run(
        # What the `aurum` console script runs (-P: like a script, no cwd on sys.path).
        [sys.executable, "-P", "-c", "from app.cli import main; main()", "db", "upgrade"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Database is up to date." in result.stdout
    with sqlite3.connect(data_dir / "aurum.db") as db:
        (revision,) = db.execute("SELECT version_num FROM alembic_version").fetchone()
    assert [revision] == ScriptDirectory(str(BACKEND_DIR / "migrations")).get_heads()


@sites
def test_site_is_built_with_its_api_settings(site: Image) -> None:
    build = site.dockerfile.stages[0]
    assert "npm ci" in _run_text(build)
    build_at = next(
        n
        for n, i in enumerate(build.instructions)
        if i.keyword == "RUN" and "npm run build" in i.arguments
    )
    # Vite reads VITE_* from the environment of `npm run build`: each is a build ARG
    # exported by ENV before that step.
    before = Stage(build.base, build.name, build.instructions[:build_at])
    declared = {i.arguments.split("=")[0] for i in before.all("ARG")}
    exported = before.env()
    for name in ("VITE_API_URL", "VITE_APP_NAME", "VITE_ENVIRONMENT", "VITE_ADMIN_DASHBOARD"):
        assert name in declared, name
        assert exported.get(name) == "${" + name + "}", name


@sites
def test_site_serves_the_build_with_its_own_nginx_template(site: Image) -> None:
    dockerfile = site.dockerfile
    final = dockerfile.final
    template = (REPO_DIR / site.directory / "nginx.conf").read_text()
    copies = [copy_sources(i) for i in final.all("COPY")]
    templates = [dest for sources, dest, _ in copies if sources == ["nginx.conf"]]
    assert len(templates) == 1
    assert re.fullmatch(r"/etc/nginx/templates/[\w.-]+\.conf\.template", templates[0])
    # The build lands where nginx.conf's root points.
    (root,) = re.findall(r"^\s*root\s+(\S+);", template, re.M)
    build_stage = dockerfile.stages[0]
    dist = [
        dest
        for sources, dest, flags in copies
        if flags.get("from") == build_stage.name and sources == [f"{build_stage.workdir()}/dist"]
    ]
    assert [d.rstrip("/") for d in dist] == [root]
    # The container listens where the Dockerfile and compose say it does.
    assert re.findall(r"^\s*listen\s+(\S+);", template, re.M) == [str(site.port)]


@sites
def test_envsubst_touches_only_the_template_variables(site: Image) -> None:
    env = site.dockerfile.final.env()
    template = (REPO_DIR / site.directory / "nginx.conf").read_text()
    variables = template_variables(template)
    assert variables == {"API_ORIGIN"}
    name_filter = env["NGINX_ENVSUBST_FILTER"]
    # Every template variable has a default and passes the filter; nothing else does.
    for name in variables:
        assert env.get(name), f"{name} needs a default in the Dockerfile"
        assert re.search(name_filter, name)
    for name in ("PATH", "HOSTNAME", "API_ORIGIN_X", "NGINX_VERSION", "uri", "host"):
        assert not re.search(name_filter, name), name


@images
def test_dockerignore_keeps_secrets_and_local_state_out(image: Image) -> None:
    directory = REPO_DIR / image.directory
    patterns = read_dockerignore(directory)
    heavy = ["node_modules"] if image in SITES else ["venv", ".venv"]
    for path in (".env", ".env.local", *heavy, "dist" if image in SITES else "data"):
        assert dockerignore_excludes(patterns, path), path


@images
def test_dockerignore_keeps_what_the_dockerfile_copies(image: Image) -> None:
    directory = REPO_DIR / image.directory
    patterns = read_dockerignore(directory)
    for stage in image.dockerfile.stages:
        for instruction in stage.all("COPY"):
            sources, _, flags = copy_sources(instruction)
            if "from" in flags:
                continue
            for source in sources:
                if source == ".":
                    continue
                assert not dockerignore_excludes(patterns, re.sub(r"\[(.)\]", r"\1", source)), (
                    source
                )
