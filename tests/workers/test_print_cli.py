"""``shahada print --distributed`` refuses what the workers do not do."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from shahada.cli import main


def test_batch_pdfs_are_refused_with_distributed_printing(tmp_path: Path) -> None:
    env = {"SHAHADA_HOME": str(tmp_path / "home"), "SHAHADA_BROKER_URL": "redis://127.0.0.1:1/0"}
    args = ["print", "--session", "2025", "--out", str(tmp_path / "out"), "--distributed", "--batch-pdf"]
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 2
    assert "--batch-pdf is not available with --distributed" in result.stderr
    assert not (tmp_path / "out").exists()  # refused before anything is planned or written
