"""backend/requirements.txt: the runtime dependencies, pinned, and never stale.

The guide installs the API with ``pip install -r requirements.txt``; the image installs
from the same file. It is generated (scripts/requirements.py) from pyproject.toml and
constraints.txt, so these tests fail when either changed without ``make requirements``.
"""

from __future__ import annotations

import importlib.util
import tomllib
from importlib import metadata
from types import ModuleType

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.deploy.deployfiles import BACKEND_DIR, REPO_DIR


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "requirements_script", REPO_DIR / "scripts" / "requirements.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pins(text: str) -> dict[str, str]:
    pins = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version
    return pins


@pytest.fixture(scope="module")
def committed() -> dict[str, str]:
    return _pins((BACKEND_DIR / "requirements.txt").read_text())


def test_requirements_file_is_what_make_requirements_writes() -> None:
    expected = _generator().render(BACKEND_DIR)
    actual = (BACKEND_DIR / "requirements.txt").read_text()
    assert actual == expected, "backend/requirements.txt is stale: run `make requirements`"


def test_every_pin_matches_constraints(committed: dict[str, str]) -> None:
    constraints = _generator().read_constraints(BACKEND_DIR / "constraints.txt")
    for name, version in committed.items():
        assert constraints[name][1] == version, name


def test_direct_dependencies_are_pinned_within_their_ranges(committed: dict[str, str]) -> None:
    pyproject = tomllib.loads((BACKEND_DIR / "pyproject.toml").read_text())
    for text in pyproject["project"]["dependencies"]:
        requirement = Requirement(text)
        version = committed[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(version, prereleases=True), (text, version)


def test_the_file_is_closed_under_its_own_dependencies(committed: dict[str, str]) -> None:
    """What `pip install --no-deps -r requirements.txt` then `pip check` would say: each
    pinned package's own requirements (for the extras the file asks for) are pinned too,
    at versions they accept."""
    extras = _generator().runtime_closure(
        tomllib.loads((BACKEND_DIR / "pyproject.toml").read_text())["project"]["dependencies"]
    )
    for name in committed:
        for text in metadata.requires(name) or []:
            dependency = Requirement(text)
            applies = dependency.marker is None or any(
                dependency.marker.evaluate({"extra": extra}) for extra in extras[name] | {""}
            )
            if not applies:
                continue
            pinned = committed.get(canonicalize_name(dependency.name))
            assert pinned is not None, f"{name} needs {dependency.name}, which is not pinned"
            assert dependency.specifier.contains(pinned, prereleases=True), (name, text, pinned)


def test_test_tools_stay_out(committed: dict[str, str]) -> None:
    for tool in ("pytest", "hypothesis", "ruff", "schemathesis", "nrel-pysam"):
        assert tool not in committed, tool
