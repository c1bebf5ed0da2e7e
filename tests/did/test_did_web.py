"""tests for did/web.py: did:web ↔ HTTPS URL (did:web §3.2 Read) and strict validation."""

from __future__ import annotations

import pytest

from shahada.did import InvalidDIDError, did_web_from_domain, did_web_to_url


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:example.com%3A3000", "https://example.com:3000/.well-known/did.json"),
        ("did:web:example.com%3a3000", "https://example.com:3000/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A8443:ministry:bac", "https://example.com:8443/ministry/bac/did.json"),
        ("did:web:men.gov.ma:bac:2025_v1", "https://men.gov.ma/bac/2025_v1/did.json"),
        ("did:web:example.com:a%7Eb", "https://example.com/a~b/did.json"),
        ("did:web:localhost%3A9000", "https://localhost:9000/.well-known/did.json"),
    ],
)
def test_did_to_url(did: str, url: str) -> None:
    assert did_web_to_url(did) == url


@pytest.mark.parametrize(
    ("args", "did"),
    [
        (("example.com",), "did:web:example.com"),
        (("example.com", None, 3000), "did:web:example.com%3A3000"),
        (("example.com", "user/alice"), "did:web:example.com:user:alice"),
        (("example.com", "/ministry/bac/", 8443), "did:web:example.com%3A8443:ministry:bac"),
        (("example.com", "a~b"), "did:web:example.com:a%7Eb"),
    ],
)
def test_did_from_domain(args: tuple[str, str | None, int | None], did: str) -> None:
    assert did_web_from_domain(*args) == did


def test_from_domain_round_trips_to_the_url() -> None:
    did = did_web_from_domain("men.gov.ma", "bac/2025", 8443)
    assert did_web_to_url(did) == "https://men.gov.ma:8443/bac/2025/did.json"


@pytest.mark.parametrize(
    "did",
    [
        "did:web:",
        "did:web:user%40example.com",  # userinfo
        "did:web:user@example.com",
        "did:web:example.com::alice",  # empty segment
        "did:web:example.com:",
        "did:web:example.com:..",
        "did:web:example.com:.",
        "did:web:example.com:%2E%2E",
        "did:web:example.com:a%2Fb",  # encoded slash
        "did:web:example.com:a%00b",
        "did:web:example.com/alice",
        "did:web:example.com#key-1",
        "did:web:example.com?service=x",
        "did:web:127.0.0.1",  # IP literal, not a hostname
        "did:web:127.0.0.1%3A8080",
        "did:web:%5B%3A%3A1%5D",
        "did:web:exa_mple.com",
        "did:web:-bad.example.com",
        "did:web:example..com",
        "did:web:example.com%3A0",
        "did:web:example.com%3A65536",
        "did:web:example.com%3Ahttp",
        "did:web:example.com%3A80%3A90",
        "did:web:example.com%2F..",
        "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
        "https://example.com",
    ],
)
def test_malformed_dids_are_rejected(did: str) -> None:
    with pytest.raises(InvalidDIDError) as info:
        did_web_to_url(did)
    assert info.value.code == "did.invalid"


@pytest.mark.parametrize(
    ("domain", "path", "port"),
    [
        ("example.com", "a//b", None),
        ("example.com", "../etc", None),
        ("example.com", "", None),
        ("example.com", "a%2Fb", None),
        ("127.0.0.1", None, None),
        ("user@example.com", None, None),
        ("example.com", None, 0),
        ("example.com", None, 70000),
    ],
)
def test_from_domain_rejects_bad_parts(domain: str, path: str | None, port: int | None) -> None:
    with pytest.raises(InvalidDIDError):
        did_web_from_domain(domain, path, port)
