"""ruff and mypy (strict), configured in pyproject.toml, run by the test suite so that `./run test`
fails when they do.

mypy checks the package as it is installed: the folders are mapped into ``shahada`` by
setuptools' ``package-dir`` (``issuer/`` is ``shahada.issuer``), a layout mypy cannot find from
the folders, so a tree of symlinks with the installed layout is built under ``.venv`` and checked.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"


def installed_layout(target: Path) -> Path:
    """``target/shahada``: the contents of ``shahada/`` and every mapped folder, as symlinks."""
    package_dir = tomllib.loads(PYPROJECT.read_text())["tool"]["setuptools"]["package-dir"]
    tree = target / "shahada"
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    for entry in (ROOT / package_dir["shahada"]).iterdir():
        if entry.name != "__pycache__":
            (tree / entry.name).symlink_to(entry)
    for name, folder in package_dir.items():
        if name != "shahada":
            (tree / name.split(".", 1)[1]).symlink_to(ROOT / folder)
    return tree


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_ruff() -> None:
    result = run("ruff", "check", "--no-cache", str(ROOT))
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict() -> None:
    work = ROOT / ".venv" / "mypy"
    tree = installed_layout(work)
    result = run(
        "mypy", "--config-file", str(PYPROJECT), "--cache-dir", str(work / "cache"), "--python-executable", sys.executable, tree.name,
        cwd=work,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues found" in result.stdout
