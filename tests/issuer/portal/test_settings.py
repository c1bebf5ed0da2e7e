"""The portal's settings (issuer/portal/settings.py): checked values, and the secret from the
environment only (generated once in development, refused in production, never from config.toml)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from shahada.common.errors import ConfigError
from shahada.config import load_settings
from shahada.portal.errors import SettingsError
from shahada.portal.settings import PortalSettings
from shahada.services import portal_settings
from tests.conftest import ministry_env

SECRET = "s" * 40


def test_values_from_text_are_converted() -> None:
    settings = PortalSettings.from_mapping(
        {"secret": SECRET, "session_lifetime": "900", "signin_min_seconds": "0.5", "secure_cookies": "false", "public_url": "https://bac.men.gov.ma/"}
    )
    assert (settings.session_lifetime, settings.signin_min_seconds, settings.cookie_secure) == (900, 0.5, False)
    assert settings.public_url == "https://bac.men.gov.ma"
    assert SECRET not in repr(settings)


def test_secure_cookies_follow_the_public_url_unless_set() -> None:
    assert PortalSettings.from_mapping({"secret": SECRET, "public_url": "https://bac.men.gov.ma"}).cookie_secure is True
    assert PortalSettings.from_mapping({"secret": SECRET, "public_url": "http://127.0.0.1:8082"}).cookie_secure is False
    assert PortalSettings.from_mapping({"secret": SECRET}).cookie_secure is False


@pytest.mark.parametrize(
    "values",
    [{}, {"secret": "short"}, {"secret": SECRET, "otp_ttl": "0"}, {"secret": SECRET, "colour": "red"}, {"secret": SECRET, "default_language": "de"},
     {"secret": SECRET, "verifier_url": "ftp://x"}, {"secret": SECRET, "public_url": "https://x/?a=1"}, {"secret": SECRET, "otp_attempts": True},
     {"secret": SECRET, "secure_cookies": "maybe"}, {"secret": SECRET, "signin_min_seconds": "60"}],
)
def test_bad_settings_are_refused(values: dict[str, object]) -> None:
    with pytest.raises(SettingsError) as caught:
        PortalSettings.from_mapping(values)
    assert caught.value.code == "config.portal"


def test_keys_are_derived_per_purpose() -> None:
    settings = PortalSettings.from_mapping({"secret": SECRET})
    keys = {settings.key(p) for p in ("session", "otp", "rate")}
    assert len(keys) == 3 and SECRET.encode() not in keys


def test_development_generates_the_secret_once(tmp_path: Path) -> None:
    settings = load_settings(ministry_env(tmp_path))
    first = portal_settings(settings, {})
    second = portal_settings(settings, {})
    path = tmp_path / "secrets" / "portal_secret"
    assert first.secret == second.secret == path.read_text(encoding="utf-8").strip().encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_by_default_share_links_go_to_the_installations_own_verifier(tmp_path: Path) -> None:
    """A fresh installation: browsers are sent to the public origin (``https://<did_web_host>``,
    where ``shahada serve public`` serves the verifier), and the links' origin, the address the
    portal listens on by default, is one the installation's verifier fetches."""
    from shahada.services import portal_origins, verifier_settings, with_portal_address
    from shahada.verifier.share import origin_of

    settings = load_settings(ministry_env(tmp_path))
    portal = portal_settings(settings, {})
    assert portal.verifier_url == f"https://{settings.did_web_host}"
    assert portal.public_url == ""  # the URL each request came to: by default http://127.0.0.1:8082
    assert "http://127.0.0.1:8082" in portal_origins(settings) == verifier_settings(settings, "did:web:x").share_origins
    # `shahada serve portal --port 9000`: its links, and the verifier of the local site it starts, follow
    moved = with_portal_address(settings, "http://127.0.0.1:9000")
    assert portal_settings(moved, {}).public_url == "http://127.0.0.1:9000" and not portal_settings(moved, {}).cookie_secure
    assert verifier_settings(moved, "did:web:x").share_origins == {origin_of("http://127.0.0.1:9000")}
    configured = with_portal_address(load_settings(ministry_env(tmp_path, SHAHADA_PORTAL_PUBLIC_URL="https://bac.example")), "http://127.0.0.1:9000")
    assert portal_settings(configured, {}).public_url == "https://bac.example"  # a configured URL wins


def test_the_environment_gives_the_secret_and_the_table_the_rest(tmp_path: Path) -> None:
    secret_file = tmp_path / "portal.secret"
    secret_file.write_text("f" * 40 + "\n", encoding="utf-8")
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "config.toml").write_text('site_port = 8443\n[portal]\npublic_url = "https://bac.men.gov.ma"\n[verifier]\npublic_url = "https://verify.men.gov.ma/"\n', encoding="utf-8")
    env = ministry_env(tmp_path / "home", SHAHADA_PORTAL_SECRET_FILE=str(secret_file), SHAHADA_PORTAL_OTP_TTL="300")
    portal = portal_settings(load_settings(env), env)
    assert portal.secret == b"f" * 40
    assert (portal.public_url, portal.verifier_url, portal.otp_ttl) == ("https://bac.men.gov.ma", "https://verify.men.gov.ma", 300)
    assert not (tmp_path / "home" / "secrets" / "portal_secret").exists()


def test_production_refuses_to_run_without_a_secret(tmp_path: Path) -> None:
    env = ministry_env(tmp_path, SHAHADA_MODE="production", SHAHADA_WALLET_KEY="w" * 32, SHAHADA_ID_SECRET="i" * 40)
    with pytest.raises(ConfigError) as caught:
        portal_settings(load_settings(env), env)
    assert caught.value.code == "config.secret"
    assert portal_settings(load_settings(env), {**env, "SHAHADA_PORTAL_SECRET": SECRET}).secret == SECRET.encode()


def test_a_secret_in_config_toml_is_refused(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('site_port = 8443\n[portal]\nsecret = "' + SECRET + '"\n', encoding="utf-8")
    env = ministry_env(tmp_path)
    with pytest.raises(SettingsError, match="never from config.toml"):
        portal_settings(load_settings(env), env)
