"""Writes backend/requirements.txt: the API's runtime dependencies, pinned.

The list is the closure of ``[project.dependencies]`` in backend/pyproject.toml (extras
included, e.g. ``uvicorn[standard]``), walked through the metadata of the packages
installed in the running interpreter, each pinned to its version in
backend/constraints.txt. Test tools stay out. Markers are evaluated for the running
interpreter, so run it with the backend's venv (Linux, CPython 3.11, like the image):

    backend/venv/bin/python scripts/requirements.py > backend/requirements.txt

``make requirements`` does that; ``make constraints`` runs it after re-pinning, and a
test in backend/tests/deploy fails when the committed file differs from what this prints.
"""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

BACKEND_DIR = Path(__file__).resolve().parent.parent / "backend"

HEADER = """\
# The API's runtime dependencies, pinned: pip install -r requirements.txt
# Generated from pyproject.toml and constraints.txt by `make requirements`; do not edit.
"""


class UnpinnedError(RuntimeError):
    """A runtime dependency that constraints.txt does not pin."""


def read_constraints(path: Path) -> dict[str, tuple[str, str]]:
    """{canonical name: (name as written, version)} for each ``name==version`` line."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, separator, version = line.partition("==")
        if not separator:
            raise ValueError(f"{path.name}: not a pin: {line!r}")
        pins[canonicalize_name(name.strip())] = (name.strip(), version.strip())
    return pins


def _applies(requirement: Requirement, extras: set[str]) -> bool:
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({"extra": extra}) for extra in extras | {""})


def runtime_closure(direct: list[str]) -> dict[str, set[str]]:
    """{canonical name: extras asked for} of ``direct`` and everything they need here."""
    extras_of: dict[str, set[str]] = {}
    queue = [Requirement(text) for text in direct]
    queue = [requirement for requirement in queue if _applies(requirement, set())]
    while queue:
        requirement = queue.pop()
        name = canonicalize_name(requirement.name)
        known = extras_of.get(name)
        if known is not None and set(requirement.extras) <= known:
            continue  # seen, and no new extra brings more
        extras = extras_of[name] = (known or set()) | set(requirement.extras)
        for text in metadata.requires(requirement.name) or []:
            dependency = Requirement(text)
            if _applies(dependency, extras):
                queue.append(dependency)
    return extras_of


def render(backend_dir: Path = BACKEND_DIR) -> str:
    pyproject = tomllib.loads((backend_dir / "pyproject.toml").read_text())
    pins = read_constraints(backend_dir / "constraints.txt")
    lines = []
    for name in runtime_closure(pyproject["project"]["dependencies"]):
        if name not in pins:
            raise UnpinnedError(
                f"{name} is a runtime dependency but constraints.txt does not pin it: "
                "run `make constraints`"
            )
        written, version = pins[name]
        lines.append(f"{written}=={version}")
    return HEADER + "".join(f"{line}\n" for line in sorted(lines, key=str.casefold))


if __name__ == "__main__":
    try:
        sys.stdout.write(render())
    except (UnpinnedError, metadata.PackageNotFoundError) as exc:
        sys.exit(f"requirements: {exc}")
