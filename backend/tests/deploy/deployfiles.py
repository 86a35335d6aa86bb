"""Readers for the deployment files that follow the rules Docker and Compose apply.

No Docker engine is needed: Compose files are loaded with PyYAML and resolved the way
Compose resolves them (``include:``, YAML anchors and merge keys, ``${VAR}``
interpolation); Dockerfiles are split into stages and instructions; the SPAs' nginx
templates are rendered the way the nginx image's entrypoint renders them (envsubst,
limited to the variables ``NGINX_ENVSUBST_FILTER`` matches).
"""

from __future__ import annotations

import copy
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO_DIR = Path(__file__).resolve().parents[3]
BACKEND_DIR = REPO_DIR / "backend"


# ---------------------------------------------------------------- Compose


class InterpolationError(ValueError):
    """A ``${VAR:?message}`` whose variable is unset or empty: Compose refuses the file."""


class IncludeConflictError(ValueError):
    """Two different definitions of one resource reached through ``include:``."""


_REFERENCE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)
_BRACED = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>.*))?", re.S)


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """Compose's variable syntax: $VAR, ${VAR}, ${VAR:-default}, ${VAR-default},
    ${VAR:?error}, ${VAR?error}, ${VAR:+alt}, ${VAR+alt}, and $$ for a literal $."""

    def substitute(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        if match["named"]:
            return env.get(match["named"], "")
        parsed = _BRACED.fullmatch(match["braced"])
        if parsed is None:
            raise InterpolationError(f"invalid interpolation ${{{match['braced']}}}")
        name, op, arg = parsed["name"], parsed["op"], parsed["arg"]
        value = env.get(name)
        present = value is not None
        non_empty = bool(value)
        if op is None:
            return value or ""
        if op in (":-", "-"):
            use_value = non_empty if op == ":-" else present
            return value if use_value else interpolate(arg, env)  # type: ignore[return-value]
        if op in (":?", "?"):
            if not (non_empty if op == ":?" else present):
                raise InterpolationError(f"required variable {name} is missing: {arg}")
            return value  # type: ignore[return-value]
        use_alt = non_empty if op == ":+" else present
        return interpolate(arg, env) if use_alt else ""

    return _REFERENCE.sub(substitute, text)


def _interpolate_tree(node: Any, env: Mapping[str, str]) -> Any:
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, list):
        return [_interpolate_tree(item, env) for item in node]
    if isinstance(node, dict):
        return {key: _interpolate_tree(value, env) for key, value in node.items()}
    return node


def read_yaml(path: Path) -> dict[str, Any]:
    """One Compose file as written (anchors and ``<<`` merge keys resolved by PyYAML)."""
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict), f"{path.name} is not a YAML mapping"
    return data


def _include_paths(entry: Any) -> list[str]:
    if isinstance(entry, str):
        return [entry]
    paths = entry["path"]
    return [paths] if isinstance(paths, str) else list(paths)


def load_compose(path: Path, env: Mapping[str, str] | None) -> dict[str, Any]:
    """The application model Compose builds from ``path``: services, volumes, networks.

    ``include:`` is followed recursively (paths relative to the including file); a
    resource reached twice must be identical, as Compose requires. With ``env`` the
    values are interpolated (raising ``InterpolationError`` where Compose would refuse);
    with ``env=None`` they are returned as written. Build contexts and bind-mount
    sources are made absolute, relative to the file that declares them.
    """
    raw = read_yaml(path)
    model: dict[str, dict[str, Any]] = {"services": {}, "volumes": {}, "networks": {}}
    sources: list[tuple[dict[str, Any], Path]] = []
    for entry in raw.get("include") or []:
        for relative in _include_paths(entry):
            included = path.parent / relative
            sources.append((load_compose(included, env), included))
    own = raw if env is None else _interpolate_tree(raw, env)
    own = {section: own.get(section) or {} for section in model}
    for service in own["services"].values():
        build = service.get("build")
        if isinstance(build, str):
            service["build"] = build = {"context": build}
        if isinstance(build, dict):
            build["context"] = str((path.parent / build.get("context", ".")).resolve())
        if service.get("volumes"):
            service["volumes"] = [_absolute_bind(m, path.parent) for m in service["volumes"]]
    sources.append((own, path))
    for source, origin in sources:
        for section, resources in model.items():
            for name, definition in (source.get(section) or {}).items():
                definition = {} if definition is None else copy.deepcopy(definition)
                if name in resources and resources[name] != definition:
                    raise IncludeConflictError(f"{section}.{name} from {origin.name} conflicts")
                resources[name] = definition
    return model


def _absolute_bind(mount: Any, directory: Path) -> Any:
    """A short-syntax bind mount ("./file:/target[:ro]") with its source made absolute,
    relative to the file that declares it, as Compose resolves it; named volumes as is."""
    if not isinstance(mount, str) or not mount.startswith((".", "~")):
        return mount
    source, _, rest = mount.partition(":")
    return f"{(directory / source).resolve()}:{rest}"


def bind_mounts(service: Mapping[str, Any]) -> list[tuple[Path, str]]:
    """(source, target) of each bind mount of a service loaded by ``load_compose``."""
    mounts = []
    for mount in service.get("volumes") or []:
        if isinstance(mount, str) and mount.startswith("/"):
            source, target = mount.split(":")[:2]
            mounts.append((Path(source), target))
    return mounts


class IncludeDiamondError(ValueError):
    """A Compose file reached twice through ``include:`` from one top-level file."""


def include_paths(path: Path) -> list[Path]:
    """The files ``path`` includes directly, resolved against its directory."""
    raw = read_yaml(path)
    return [
        (path.parent / relative).resolve()
        for entry in raw.get("include") or []
        for relative in _include_paths(entry)
    ]


def include_tree(path: Path) -> list[Path]:
    """Every file a top-level Compose file loads, itself first, each exactly once.

    Raises ``IncludeDiamondError`` when a file is reached by two routes (a diamond) or
    includes itself: how Compose treats such a file has changed between releases, so
    the stacks must not rely on it."""
    seen: list[Path] = []

    def visit(current: Path, route: tuple[Path, ...]) -> None:
        current = current.resolve()
        if current in route:
            raise IncludeDiamondError(f"include cycle: {' -> '.join(p.name for p in route)}")
        if current in seen:
            chain = " -> ".join(p.name for p in (*route, current))
            raise IncludeDiamondError(f"{current.name} is reached twice (again via {chain})")
        seen.append(current)
        for child in include_paths(current):
            visit(child, (*route, current))

    visit(path, ())
    return seen


@dataclass(frozen=True)
class PublishedPort:
    host_ip: str | None
    published: int | None
    target: int


def published_ports(service: Mapping[str, Any]) -> list[PublishedPort]:
    """A service's ``ports:`` in short ("[ip:]host:container") or long syntax."""
    result = []
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            published = entry.get("published")
            result.append(
                PublishedPort(
                    entry.get("host_ip"),
                    int(published) if published is not None else None,
                    int(entry["target"]),
                )
            )
            continue
        parts = str(entry).split("/")[0].rsplit(":", 2)
        if len(parts) == 1:
            result.append(PublishedPort(None, None, int(parts[0])))
        elif len(parts) == 2:
            result.append(PublishedPort(None, int(parts[0]), int(parts[1])))
        else:
            result.append(PublishedPort(parts[0], int(parts[1]), int(parts[2])))
    return result


def environment(service: Mapping[str, Any]) -> dict[str, str | None]:
    """A service's ``environment:`` as a mapping, from either the map or list form."""
    env = service.get("environment") or {}
    if isinstance(env, dict):
        return {key: None if value is None else str(value) for key, value in env.items()}
    pairs = (item.split("=", 1) for item in env)
    return {pair[0]: pair[1] if len(pair) == 2 else None for pair in pairs}


def depends_on(service: Mapping[str, Any]) -> dict[str, str]:
    """``depends_on`` as {service: condition} (the list form means service_started)."""
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def command_words(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return shlex.split(value) if isinstance(value, str) else [str(word) for word in value]


# ---------------------------------------------------------------- Dockerfiles


@dataclass
class Instruction:
    keyword: str
    arguments: str

    def words(self) -> list[str]:
        """Exec-form (JSON array) or shell-form arguments as words."""
        import json

        text = self.arguments.strip()
        if text.startswith("["):
            return [str(word) for word in json.loads(text)]
        return shlex.split(text)


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction | None:
        found = self.all(keyword)
        return found[-1] if found else None

    def env(self) -> dict[str, str]:
        """ENV values set in this stage (``KEY=value`` pairs, quotes removed)."""
        values: dict[str, str] = {}
        for instruction in self.all("ENV"):
            words = shlex.split(instruction.arguments.replace("\\$", "$$"))
            if len(words) >= 2 and "=" not in words[0]:
                values[words[0]] = " ".join(words[1:]).replace("$$", "$")
                continue
            for word in words:
                key, _, value = word.partition("=")
                values[key] = value.replace("$$", "$")
        return values

    def workdir(self) -> str:
        instruction = self.last("WORKDIR")
        return instruction.arguments.strip() if instruction else "/"


@dataclass
class Dockerfile:
    path: Path
    global_args: dict[str, str]
    stages: list[Stage]

    @property
    def final(self) -> Stage:
        return self.stages[-1]

    def stage(self, name: str) -> Stage:
        return next(stage for stage in self.stages if stage.name == name)


def _logical_lines(text: str) -> list[str]:
    """Instructions one per line: comments dropped, backslash continuations joined."""
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        lines.append(pending + stripped)
        pending = ""
    if pending:
        lines.append(pending)
    return lines


def parse_dockerfile(path: Path) -> Dockerfile:
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in _logical_lines(path.read_text()):
        keyword, _, arguments = line.partition(" ")
        keyword = keyword.upper()
        arguments = arguments.strip()
        if keyword == "FROM":
            words = arguments.split()
            words = [w for w in words if not w.startswith("--")]
            base = re.sub(
                r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?",
                lambda m: global_args.get(m[1], m[0]),
                words[0],
            )
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base=base, name=name))
        elif not stages:
            if keyword == "ARG":
                key, _, default = arguments.partition("=")
                global_args[key] = default.strip('"')
        else:
            stages[-1].instructions.append(Instruction(keyword, arguments))
    return Dockerfile(path, global_args, stages)


def copy_sources(instruction: Instruction) -> tuple[list[str], str, dict[str, str]]:
    """A COPY's sources, destination and ``--flag=value`` options."""
    words = shlex.split(instruction.arguments)
    flags = {}
    while words and words[0].startswith("--"):
        key, _, value = words.pop(0)[2:].partition("=")
        flags[key] = value
    return words[:-1], words[-1], flags


def dockerignore_excludes(patterns: list[str], path: str) -> bool:
    """Whether a .dockerignore (``patterns``, in order, ``!`` re-includes) drops ``path``."""
    import fnmatch

    excluded = False
    parts = path.strip("/").split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        if pattern.startswith("**/"):
            hit = any(fnmatch.fnmatch(part, pattern[3:]) for part in parts)
        else:
            hit = any(fnmatch.fnmatch(prefix, pattern) for prefix in prefixes)
        if hit:
            excluded = not negate
    return excluded


def read_dockerignore(directory: Path) -> list[str]:
    lines = (directory / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


# ---------------------------------------------------------------- nginx templates


def render_nginx_template(text: str, env: Mapping[str, str], name_filter: str) -> str:
    """What the nginx image's 20-envsubst-on-templates.sh does: envsubst limited to the
    environment variables whose names match ``NGINX_ENVSUBST_FILTER`` (an awk regex,
    searched, not anchored), both ``$NAME`` and ``${NAME}``; nginx's own variables,
    which no environment variable matches, are left alone."""
    names = [name for name in env if re.search(name_filter, name)]
    for name in sorted(names, key=len, reverse=True):
        value = env[name]
        text = text.replace("${" + name + "}", value)
        text = re.sub(r"\$" + re.escape(name) + r"(?![A-Za-z0-9_])", lambda _, v=value: v, text)
    return text


def template_variables(text: str) -> set[str]:
    """The ``${NAME}`` references in a template (nginx's own variables are ``$name``)."""
    return set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", text))
