"""Where an installation's verifier counts: into the archive when it is reachable (written at the
end at the latest), in memory otherwise; the metrics token only from the environment."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from shahada.config import load_settings
from shahada.database import open_archive
from shahada.services import metrics_token, verification_traffic
from shahada.verifier.traffic import VerificationCount
from tests.support.archives import migrated_sqlite


def test_counts_go_to_the_reachable_archive(tmp_path: Path) -> None:
    url = migrated_sqlite(tmp_path / "archive.sqlite3")
    with verification_traffic(url) as traffic:
        assert traffic.sink is not None
        traffic.record("seal", "valid")
        traffic.record("seal", "valid")
    archive = open_archive(url)
    try:
        with Session(archive.engine) as session:
            assert session.execute(select(VerificationCount.kind, VerificationCount.count)).all() == [("seal", 2)]
    finally:
        archive.close()


def test_without_an_archive_they_stay_in_memory(tmp_path: Path) -> None:
    with verification_traffic(None) as traffic:
        traffic.record("pdf", "error", "scan.no_code")
        assert traffic.sink is None and sum(traffic.totals().values()) == 1


def test_the_metrics_token_comes_from_the_environment_only(tmp_path: Path) -> None:
    settings = load_settings({"SHAHADA_HOME": str(tmp_path / "home")})
    assert metrics_token(settings, {}) is None  # never generated: no token, no endpoint
    assert metrics_token(settings, {"SHAHADA_VERIFIER_METRICS_TOKEN": "t" * 32}) == "t" * 32
    (tmp_path / "token").write_text("s" * 32 + "\n", encoding="utf-8")
    assert metrics_token(settings, {"SHAHADA_VERIFIER_METRICS_TOKEN_FILE": str(tmp_path / "token")}) == "s" * 32
    assert (tmp_path / "home" / "config.toml").read_text(encoding="utf-8").count("results_gate = true") == 1  # results day on for a new home
