"""Configuration: secrets from the environment or files, generated only in development."""

from __future__ import annotations

from pathlib import Path

import pytest

from shahada.common.errors import ConfigError
from shahada.config import load_settings


def test_development_generates_secrets_once_with_private_permissions(tmp_path: Path) -> None:
    first = load_settings({"SHAHADA_HOME": str(tmp_path)})
    second = load_settings({"SHAHADA_HOME": str(tmp_path)})
    assert first.wallet_key == second.wallet_key and first.id_secret == second.id_secret
    assert len(first.id_secret) >= 32
    key_file = tmp_path / "secrets" / "wallet_key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert first.wallet_key not in (tmp_path / "config.toml").read_text()
    assert first.archive_url == f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    assert first.did_web_host == f"localhost:{first.site_port}" and first.site_is_local


def test_production_requires_secrets(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings({"SHAHADA_HOME": str(tmp_path), "SHAHADA_MODE": "production"})
    assert err.value.code == "config.secret" and "SHAHADA_WALLET_KEY" in err.value.message
    assert not (tmp_path / "secrets").exists()


def test_production_reads_secrets_from_env_and_files(tmp_path: Path) -> None:
    secret_file = tmp_path / "id-secret"
    secret_file.write_text("s" * 40 + "\n")
    settings = load_settings(
        {
            "SHAHADA_HOME": str(tmp_path / "home"),
            "SHAHADA_MODE": "production",
            "SHAHADA_WALLET_KEY": "wallet-key-from-env",
            "SHAHADA_ID_SECRET_FILE": str(secret_file),
            "SHAHADA_DID_WEB_HOST": "diplomes.men.gov.ma",
        }
    )
    assert settings.wallet_key == "wallet-key-from-env"
    assert settings.id_secret == b"s" * 40
    assert not settings.site_is_local
    assert "wallet-key-from-env" not in repr(settings)


def test_short_id_secret_and_bad_mode_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_settings({"SHAHADA_HOME": str(tmp_path), "SHAHADA_ID_SECRET": "short"})
    with pytest.raises(ConfigError) as err:
        load_settings({"SHAHADA_HOME": str(tmp_path), "SHAHADA_MODE": "staging"})
    assert err.value.code == "config.mode"


def test_status_list_validity_is_a_bounded_number_of_seconds(tmp_path: Path) -> None:
    assert load_settings({"SHAHADA_HOME": str(tmp_path)}).status_list_validity == 86_400
    assert load_settings({"SHAHADA_HOME": str(tmp_path), "SHAHADA_STATUS_LIST_VALIDITY": "7200"}).status_list_validity == 7200
    for bad in ("300", "a day", str(31 * 86_400)):
        with pytest.raises(ConfigError) as err:
            load_settings({"SHAHADA_HOME": str(tmp_path), "SHAHADA_STATUS_LIST_VALIDITY": bad})
        assert err.value.code == "config.status_list_validity"


def test_print_table_sets_the_emblem_and_the_signatory(tmp_path: Path) -> None:
    env = {"SHAHADA_HOME": str(tmp_path)}
    assert load_settings(env).printing is None  # the neutral defaults, the printing package not loaded
    (tmp_path / "emblem.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>')
    with (tmp_path / "config.toml").open("a", encoding="utf-8") as config:
        config.write('[print]\nemblem = "emblem.svg"\nsignatory_fr = "Le Directeur de l\'Académie"\n')
    printing = load_settings(env | {"SHAHADA_PRINT_PLACE_FR": "Errachidia"}).printing
    assert printing is not None
    assert (printing.emblem, printing.signatory_fr, printing.place_fr) == (tmp_path / "emblem.svg", "Le Directeur de l'Académie", "Errachidia")
    assert printing.signatory_ar == "وزير التربية الوطنية"  # unset: the default


@pytest.mark.parametrize(
    ("table", "code"),
    [('emblem = "missing.svg"', "config.print_emblem"), ('emblem = "not.svg"', "config.print_emblem"), ('signatory = "x"', "config.print"), ("place_fr = 3", "config.print")],
)
def test_print_table_errors_have_their_code(tmp_path: Path, table: str, code: str) -> None:
    env = {"SHAHADA_HOME": str(tmp_path)}
    load_settings(env)
    (tmp_path / "not.svg").write_text("PNG? no: plain text")
    with (tmp_path / "config.toml").open("a", encoding="utf-8") as config:
        config.write(f"[print]\n{table}\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    assert caught.value.code == code
