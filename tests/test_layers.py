"""The architecture rule (README, "Architecture"): layers only point down, one import namespace.

Every module of the distribution is parsed (imports inside functions included) and each import of
another top-level package of ``shahada`` must go to a lower layer, or stay inside its own package.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())

# Top to bottom. Packages on one line are siblings and must not import each other.
LAYERS: list[set[str]] = [
    {"shahada.cli"},
    {"shahada.workers"},  # distributed issuance: Celery tasks over the installation
    {"shahada.installation"},  # the modules directly in shahada/: config, ministry, service wiring
    {"shahada.portal", "shahada.wallet", "shahada.console"},
    {"shahada.issuer", "shahada.verifier", "shahada.printing"},
    {"shahada.agent"},
    {"shahada.proofs"},
    {"shahada.schemas", "shahada.did", "shahada.status"},
    {"shahada.common"},
]
RANK = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}


def package_dirs() -> dict[str, Path]:
    return {name: ROOT / folder for name, folder in PYPROJECT["tool"]["setuptools"]["package-dir"].items()}


def modules() -> Iterator[tuple[str, Path]]:
    for package, folder in package_dirs().items():
        for path in sorted(folder.rglob("*.py")):
            rel = path.relative_to(folder).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            if package == "shahada" and parts and parts[0] not in {"cli", "migrations"} and (folder / parts[0]).is_dir():
                continue
            yield ".".join([package, *parts]), path


def unit_of(module: str) -> str:
    """The layer unit a module belongs to: ``shahada.issuer.pv.reader`` → ``shahada.issuer``."""
    parts = module.split(".")
    if len(parts) < 2:
        return "shahada.installation"
    candidate = ".".join(parts[:2])
    return candidate if candidate in RANK else "shahada.installation"


def imports_of(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            for name in names:
                if name.startswith("shahada"):
                    yield node.lineno, name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("shahada"):
                    yield node.lineno, alias.name


def test_every_package_folder_is_installed() -> None:
    declared = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = set()
    for package, folder in package_dirs().items():
        for init in folder.rglob("__init__.py"):
            rel = init.parent.relative_to(folder)
            name = ".".join([package, *rel.parts])
            if package == "shahada" and rel.parts and rel.parts[0] in {"common"} | {p.split(".")[1] for p in package_dirs() if "." in p}:
                continue
            found.add(name)
    assert found == declared


def test_nothing_generic_in_site_packages() -> None:
    assert {name.split(".")[0] for name in PYPROJECT["tool"]["setuptools"]["packages"]} == {"shahada"}


def test_layers_only_point_down() -> None:
    violations = []
    for module, path in modules():
        own = unit_of(module)
        for line, target in imports_of(path):
            other = unit_of(target)
            if other == own or target == "shahada":
                continue
            if RANK[other] <= RANK[own]:
                violations.append(f"{path.relative_to(ROOT)}:{line}: {own} imports {target} ({other} is not below it)")
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("folder", ["university", "examples/university"])
def test_the_university_is_an_example_not_a_package(folder: str) -> None:
    assert all(not name.endswith(".university") for name in PYPROJECT["tool"]["setuptools"]["packages"])
