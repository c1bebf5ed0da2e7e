"""Long-running services and one-shot commands share the local site's port (issue: every ministry
command crashed with "Address already in use" while `shahada serve verifier` ran)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from shahada.common.errors import ConfigError
from shahada.config import load_settings
from shahada.did.document import build_did_document
from shahada.ministry import start_local_site
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.tls import ensure_local_tls
from tests.conftest import ministry_env


def _settings(tmp_path: Path):
    settings = load_settings(ministry_env(tmp_path / "home"))
    document = build_did_document(f"did:web:{settings.did_web_host.replace(':', '%3A')}", bytes(range(32)))
    return settings, ensure_local_tls(settings.tls_dir), document


def test_a_second_command_uses_the_site_already_serving_the_same_document(tmp_path: Path) -> None:
    settings, tls, document = _settings(tmp_path)
    first = start_local_site(settings, tls, document, PinnedDocumentLoader())
    assert first is not None
    try:
        assert start_local_site(settings, tls, document, PinnedDocumentLoader()) is None
    finally:
        first.stop()


def test_a_port_held_by_another_program_is_one_clear_error_naming_it(tmp_path: Path) -> None:
    settings, tls, document = _settings(tmp_path)
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind((settings.site_host, settings.site_port))
        squatter.listen(1)
        with pytest.raises(ConfigError) as caught:
            start_local_site(settings, tls, document, PinnedDocumentLoader())
    assert caught.value.code == "config.site_port"
    assert f"{settings.site_host}:{settings.site_port}" in caught.value.message and "site_port" in caught.value.message


def test_a_certificate_and_key_that_do_not_match_are_named_as_such_not_as_a_busy_port(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    settings, tls, document = _settings(tmp_path)
    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    tls.server_key.write_bytes(other)
    with pytest.raises(ConfigError) as caught:
        start_local_site(settings, tls, document, PinnedDocumentLoader())
    assert caught.value.code == "config.tls"
    assert str(tls.server_cert.parent) in caught.value.message and "port" not in caught.value.message
