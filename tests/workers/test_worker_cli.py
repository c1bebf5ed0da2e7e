"""``shahada worker`` refuses to start without an agent it could share with other workers."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from shahada.cli import main


def test_a_worker_without_a_shared_agent_refuses_to_start(tmp_path: Path) -> None:
    env = {"SHAHADA_HOME": str(tmp_path / "home"), "SHAHADA_AGENT_ADMIN_URL": "", "SHAHADA_WALLET_POSTGRES": "", "SHAHADA_BROKER_URL": "redis://127.0.0.1:1/0"}
    result = CliRunner().invoke(main, ["worker"], env=env)
    assert result.exit_code == 1
    assert result.stderr.startswith("error [config.worker_agent]: ")
    assert "Traceback" not in result.stderr


def test_unknown_queues_are_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["worker", "--queues", "sign,paint"], env={"SHAHADA_HOME": str(tmp_path / "home")})
    assert result.exit_code == 2
    assert "paint" in result.stderr
