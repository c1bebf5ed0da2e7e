"""`shahada --version` names the installed distribution's version."""

from __future__ import annotations

from importlib.metadata import version

from click.testing import CliRunner

from shahada.cli import main


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"shahada, version {version('shahada')}"
