"""verifier/web/settings.py: explicit settings from a mapping or the installation; bad values refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from shahada.config import load_settings
from shahada.services import verifier_settings
from shahada.verifier.web.errors import SettingsError
from shahada.verifier.web.settings import VerifierSettings
from tests.conftest import ministry_env


def test_from_mapping_converts_strings() -> None:
    s = VerifierSettings.from_mapping({"trusted_issuers": "did:web:a.ma, did:web:b.ma", "did_cache_ttl": "60", "challenge_entries": "5", "default_language": "ar"})
    assert s.trusted_issuers == frozenset({"did:web:a.ma", "did:web:b.ma"})
    assert (s.did_cache_ttl, s.challenge_entries, s.default_language) == (60.0, 5, "ar")


def test_share_origins() -> None:
    assert VerifierSettings.from_mapping({"trusted_issuers": "did:web:a.ma"}).share_origins == frozenset()  # none: no link is opened
    s = VerifierSettings.from_mapping({"trusted_issuers": "did:web:a.ma", "share_origins": "https://portal.men.gov.ma, http://127.0.0.1:8090", "share_timeout": "2"})
    assert s.share_origins == frozenset({"https://portal.men.gov.ma", "http://127.0.0.1:8090"}) and s.share_timeout == 2.0


@pytest.mark.parametrize(
    "values",
    [
        {"trusted_issuers": ""},
        {"trusted_issuers": "did:web:a.ma", "nonsense": 1},
        {"trusted_issuers": "did:web:a.ma", "did_cache_entries": 0},
        {"trusted_issuers": "did:web:a.ma", "did_timeout": "soon"},
        {"trusted_issuers": "did:web:a.ma", "default_language": "de"},
        {"trusted_issuers": "did:web:a.ma", "seal_base_url": "ftp://x/"},
        {"trusted_issuers": "did:web:a.ma", "max_json_bytes": True},
        {"trusted_issuers": "did:web:a.ma", "share_origins": "https://portal.example/s/"},
        {"trusted_issuers": "did:web:a.ma", "share_origins": "HTTPS://Portal.example"},
        {"trusted_issuers": "did:web:a.ma", "share_origins": "https://portal.example:443"},
        {"trusted_issuers": "did:web:a.ma", "share_origins": "ftp://portal.example"},
        {"trusted_issuers": "did:web:a.ma", "share_origins": "https://user@portal.example"},
        {"trusted_issuers": "did:web:a.ma", "share_timeout": "-1"},
        {"trusted_issuers": "did:web:a.ma", "share_max_bytes": 0},
    ],
)
def test_bad_settings(values: dict[str, object]) -> None:
    with pytest.raises(SettingsError) as caught:
        VerifierSettings.from_mapping(values)
    assert caught.value.code == "config.verifier"


def test_from_the_installation(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(
        'mode = "development"\nsite_port = 8443\ntrusted_issuers = ["did:web:academie.ma"]\n[verifier]\npublic_url = "https://diplomes.men.gov.ma"\ndid_cache_ttl = 30\n',
        encoding="utf-8",
    )
    settings = load_settings(ministry_env(tmp_path, SHAHADA_VERIFIER_CHALLENGE_TTL="120"))
    verifier = verifier_settings(settings, "did:web:localhost%3A8443")
    assert verifier.trusted_issuers == frozenset({"did:web:academie.ma", "did:web:localhost%3A8443"})
    assert verifier.seal_base_url == "HTTPS://LOCALHOST:8443/V/"
    assert (verifier.public_url, verifier.did_cache_ttl, verifier.challenge_ttl) == ("https://diplomes.men.gov.ma", 30.0, 120.0)


def test_the_trust_list_is_not_set_in_the_verifier_table(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('site_port = 8443\n[verifier]\ntrusted_issuers = ["did:web:evil.example"]\n', encoding="utf-8")
    with pytest.raises(SettingsError):
        verifier_settings(load_settings(ministry_env(tmp_path)), "did:web:localhost%3A8443")


def test_the_installation_trusts_share_links_of_its_own_portal_only(tmp_path: Path) -> None:
    env = {"SHAHADA_HOME": str(tmp_path / "a"), "SHAHADA_PORTAL_PUBLIC_URL": "https://Bacheliers.men.gov.ma:443/"}
    settings = verifier_settings(load_settings(env), "did:web:diplomes.men.gov.ma")
    assert settings.share_origins == frozenset({"https://bacheliers.men.gov.ma"})
    # no public_url: in development the address `shahada serve portal` listens on by default; in production none
    default = verifier_settings(load_settings({"SHAHADA_HOME": str(tmp_path / "b")}), "did:web:x").share_origins
    assert default == frozenset({"http://127.0.0.1:8082", "http://localhost:8082"})
    production = {"SHAHADA_HOME": str(tmp_path / "d"), "SHAHADA_MODE": "production", **{k: "s" * 40 for k in ("SHAHADA_WALLET_KEY", "SHAHADA_ID_SECRET")}}
    assert verifier_settings(load_settings(production), "did:web:x").share_origins == frozenset()
    with pytest.raises(SettingsError):
        verifier_settings(load_settings({"SHAHADA_HOME": str(tmp_path / "c"), "SHAHADA_PORTAL_PUBLIC_URL": "ftp://x"}), "did:web:x")
