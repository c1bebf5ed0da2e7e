"""tests for did/resolve.py against a real HTTPS server on 127.0.0.1 (see conftest.py)."""

from __future__ import annotations

import socket
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from shahada.did import (
    DIDResolutionError,
    DIDResolver,
    InvalidDIDError,
    UntrustedDIDError,
    build_did_document,
    did_key_from_public_key,
    did_web_from_domain,
)
from tests.did.did_web_server import DIDWebServer, Route

PUBLIC_KEY = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
WELL_KNOWN = "/.well-known/did.json"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def ministry(server: DIDWebServer, path: str | None = None) -> str:
    return did_web_from_domain("localhost", path, server.port)


def resolver_for(server: DIDWebServer, *dids: str, **kwargs: Any) -> DIDResolver:
    return DIDResolver(trusted_dids=frozenset(dids), verify_tls=server.ca_file, **kwargs)


def test_trusted_did_web_is_fetched(did_web_server: DIDWebServer) -> None:
    did = ministry(did_web_server)
    did_web_server.serve_json(WELL_KNOWN, build_did_document(did, PUBLIC_KEY))
    with resolver_for(did_web_server, did) as resolver:
        document = resolver.resolve(did)
    assert document.id == did
    method = document.verification_method("#key-1")
    assert method is not None and method.public_key == PUBLIC_KEY
    assert document.is_authorized("#key-1", "assertionMethod")
    assert did_web_server.requests == [WELL_KNOWN]


def test_path_based_did_web(did_web_server: DIDWebServer) -> None:
    did = ministry(did_web_server, "ministry/bac")
    did_web_server.serve_json("/ministry/bac/did.json", build_did_document(did, PUBLIC_KEY))
    assert resolver_for(did_web_server, did).resolve(did).id == did


@pytest.mark.parametrize("content_type", ["application/json", "application/did+ld+json", "application/json; charset=utf-8"])
def test_json_content_types_are_accepted(did_web_server: DIDWebServer, content_type: str) -> None:
    did = ministry(did_web_server)
    did_web_server.serve_json(WELL_KNOWN, build_did_document(did, PUBLIC_KEY), content_type=content_type)
    assert resolver_for(did_web_server, did).resolve(did).id == did


def test_cache_hit_fetches_once(did_web_server: DIDWebServer) -> None:
    did = ministry(did_web_server)
    did_web_server.serve_json(WELL_KNOWN, build_did_document(did, PUBLIC_KEY))
    resolver = resolver_for(did_web_server, did)
    assert resolver.resolve(did) == resolver.resolve(did)
    assert did_web_server.requests == [WELL_KNOWN]


def test_cache_expires_after_ttl(did_web_server: DIDWebServer) -> None:
    did = ministry(did_web_server)
    did_web_server.serve_json(WELL_KNOWN, build_did_document(did, PUBLIC_KEY))
    clock = FakeClock()
    resolver = resolver_for(did_web_server, did, cache_ttl=60.0, clock=clock)
    resolver.resolve(did)
    clock.now += 59.0
    resolver.resolve(did)
    assert len(did_web_server.requests) == 1
    clock.now += 2.0
    resolver.resolve(did)
    assert len(did_web_server.requests) == 2


def test_cache_is_per_resolver_and_can_be_disabled(did_web_server: DIDWebServer) -> None:
    did = ministry(did_web_server)
    did_web_server.serve_json(WELL_KNOWN, build_did_document(did, PUBLIC_KEY))
    resolver_for(did_web_server, did).resolve(did)
    uncached = resolver_for(did_web_server, did, cache_ttl=0)
    uncached.resolve(did)
    uncached.resolve(did)
    assert len(did_web_server.requests) == 3


def test_failures_are_not_cached(did_web_server: DIDWebServer) -> None:
    did = ministry(did_web_server)
    resolver = resolver_for(did_web_server, did)
    with pytest.raises(DIDResolutionError):
        resolver.resolve(did)
    did_web_server.serve_json(WELL_KNOWN, build_did_document(did, PUBLIC_KEY))
    assert resolver.resolve(did).id == did


def test_untrusted_did_web_is_never_requested(did_web_server: DIDWebServer) -> None:
    did = ministry(did_web_server)
    did_web_server.serve_json(WELL_KNOWN, build_did_document(did, PUBLIC_KEY))
    resolver = resolver_for(did_web_server, ministry(did_web_server, "other"))
    with pytest.raises(UntrustedDIDError) as info:
        resolver.resolve(did)
    assert info.value.code == "did.untrusted"
    with pytest.raises(UntrustedDIDError):
        DIDResolver(trusted_dids=frozenset(), verify_tls=did_web_server.ca_file).resolve(did)
    assert did_web_server.requests == []


def test_no_allow_list_allows_any_did_web(did_web_server: DIDWebServer) -> None:
    did = ministry(did_web_server)
    did_web_server.serve_json(WELL_KNOWN, build_did_document(did, PUBLIC_KEY))
    assert DIDResolver(trusted_dids=None, verify_tls=did_web_server.ca_file).resolve(did).id == did


def test_document_larger_than_max_bytes_is_refused(did_web_server: DIDWebServer) -> None:
    did = ministry(did_web_server)
    document = {**build_did_document(did, PUBLIC_KEY), "padding": "x" * 4096}
    did_web_server.serve_json(WELL_KNOWN, document)
    with pytest.raises(DIDResolutionError, match="exceeds 1024"):
        resolver_for(did_web_server, did, max_bytes=1024).resolve(did)


def test_size_limit_holds_without_content_length(did_web_server: DIDWebServer) -> None:
    did = ministry(did_web_server)
    document = {**build_did_document(did, PUBLIC_KEY), "padding": "x" * 200_000}
    did_web_server.serve_json(WELL_KNOWN, document, send_length=False)
    with pytest.raises(DIDResolutionError, match="exceeds 1024 bytes"):
        resolver_for(did_web_server, did, max_bytes=1024).resolve(did)


def test_id_mismatch_is_refused(did_web_server: DIDWebServer) -> None:
    did = ministry(did_web_server)
    did_web_server.serve_json(WELL_KNOWN, build_did_document("did:web:evil.example", PUBLIC_KEY))
    with pytest.raises(DIDResolutionError, match="not of"):
        resolver_for(did_web_server, did).resolve(did)


def test_redirects_are_not_followed(did_web_server: DIDWebServer) -> None:
    did = ministry(did_web_server)
    target = f"https://localhost:{did_web_server.port}/elsewhere/did.json"
    did_web_server.routes[WELL_KNOWN] = Route(b"", status=302, headers={"Location": target})
    did_web_server.serve_json("/elsewhere/did.json", build_did_document(did, PUBLIC_KEY))
    with pytest.raises(DIDResolutionError, match="redirect"):
        resolver_for(did_web_server, did).resolve(did)
    assert did_web_server.requests == [WELL_KNOWN]


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (Route(b"{}", status=404), "status 404"),
        (Route(b"{}", status=500), "status 500"),
        (Route(b"<html></html>", content_type="text/html"), "not JSON"),
        (Route(b"{not json", content_type="application/json"), "did not return JSON"),
        (Route(b"\xff\xfe", content_type="application/json"), "did not return JSON"),
        (Route(b'{"id": "not a did"}'), "invalid DID document"),
        (Route(b"[]"), "invalid DID document"),
    ],
)
def test_bad_answers_are_resolution_errors(did_web_server: DIDWebServer, route: Route, message: str) -> None:
    did = ministry(did_web_server)
    did_web_server.routes[WELL_KNOWN] = route
    with pytest.raises(DIDResolutionError, match=message) as info:
        resolver_for(did_web_server, did).resolve(did)
    assert info.value.code == "did.resolution"


def test_untrusted_certificate_is_a_wrapped_error(did_web_server: DIDWebServer) -> None:
    did = ministry(did_web_server)
    did_web_server.serve_json(WELL_KNOWN, build_did_document(did, PUBLIC_KEY))
    with pytest.raises(DIDResolutionError) as info:
        DIDResolver(trusted_dids=frozenset({did})).resolve(did)  # system CAs only
    assert isinstance(info.value.__cause__, requests.exceptions.SSLError)


def test_timeout_is_a_wrapped_error(did_web_server: DIDWebServer) -> None:
    did = ministry(did_web_server)
    did_web_server.serve_json(WELL_KNOWN, build_did_document(did, PUBLIC_KEY), delay=1.0)
    with pytest.raises(DIDResolutionError) as info:
        resolver_for(did_web_server, did, timeout=0.2).resolve(did)
    assert isinstance(info.value.__cause__, requests.exceptions.Timeout)


def test_connection_refused_is_a_wrapped_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again when the block ends: nobody listens
    did = did_web_from_domain("localhost", port=port)
    with pytest.raises(DIDResolutionError) as info:
        DIDResolver(trusted_dids=frozenset({did}), timeout=2.0).resolve(did)
    assert isinstance(info.value.__cause__, requests.exceptions.ConnectionError)


def test_did_key_is_resolved_locally() -> None:
    did = did_key_from_public_key(PUBLIC_KEY)
    document = DIDResolver(trusted_dids=frozenset()).resolve(did)
    method = document.verification_method(f"{did}#{did.removeprefix('did:key:')}")
    assert method is not None and method.public_key == PUBLIC_KEY


@pytest.mark.parametrize(
    ("did", "error"),
    [
        ("did:example:123", DIDResolutionError),
        ("did:ion:EiA", DIDResolutionError),
        ("did:web:127.0.0.1", InvalidDIDError),
        ("did:web:example.com:..", InvalidDIDError),
        ("did:key:z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW", InvalidDIDError),
        ("not-a-did", DIDResolutionError),
    ],
)
def test_unsupported_or_malformed(did: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        DIDResolver(trusted_dids=None).resolve(did)
