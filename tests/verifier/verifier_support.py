"""Helpers for the verifier tests: hand-built credentials, extra pinned loaders, stand-in resolvers."""

from __future__ import annotations

import copy
import hashlib
import importlib.util
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shahada.did import DIDDocument, DIDResolver
from shahada.schemas.loader import PinnedContext, PinnedDocumentLoader, read_manifest

DATA = Path(__file__).parent / "data"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
SCOPED_TEST_CONTEXT = "https://shahada.test/contexts/scoped-unpinned/v1"
NOW = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)
SUITES = ("Ed25519Signature2020", "eddsa-rdfc-2022", "eddsa-jcs-2022")


def loader_with(*extra: tuple[str, Path]) -> PinnedDocumentLoader:
    """The real pinned loader plus test-only contexts (URL, file), digests computed here."""
    manifest = dict(read_manifest())
    for url, path in extra:
        manifest[url] = PinnedContext(url, path, hashlib.sha256(path.read_bytes()).hexdigest())
    return PinnedDocumentLoader(manifest)


def acapy_v1_context() -> Path:
    """The VC 1.1 context as ACA-Py ships it (not in our manifest: the project issues VC 2.0)."""
    # find_spec locates the installed package without importing it: importing
    # acapy_agent.vc.ld_proofs would apply nest_asyncio to the whole test process.
    spec = importlib.util.find_spec("acapy_agent")
    assert spec is not None and spec.submodule_search_locations
    package = Path(next(iter(spec.submodule_search_locations)))
    return package / "vc" / "ld_proofs" / "resources" / "credentials_context.jsonld"


def contexts_for(suite: str, version: str = "v2") -> list[str]:
    """The @context list ACA-Py would sign: Ed25519Signature2020 adds its suite context."""
    contexts = [VC_V2 if version == "v2" else VC_V1]
    if suite == "Ed25519Signature2020":
        contexts.append(ED25519_2020)
    return contexts


def make_credential(issuer: str, suite: str = "eddsa-rdfc-2022", version: str | None = None, **extra: Any) -> dict[str, Any]:
    """A small hand-built credential using only the W3C contexts; VC 2.0 unless ``version`` says
    otherwise or the suite is Ed25519Signature2018 (only the VC 1.1 context defines its terms)."""
    version = version or ("v1" if suite == "Ed25519Signature2018" else "v2")
    credential: dict[str, Any] = {
        "@context": contexts_for(suite, version),
        "id": "urn:uuid:3f1c2b8e-5d2a-4c1e-9a57-6b0d2f9e1a11",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "credentialSubject": {"id": "did:example:student-42", "name": "Amina El Idrissi"},
    }
    if version == "v2":
        credential["name"] = "Baccalauréat 2025"
        credential["validFrom"] = "2025-06-30T00:00:00Z"
    else:
        credential["issuanceDate"] = "2025-06-30T00:00:00Z"
        del credential["credentialSubject"]["name"]  # VC 1.1 defines no "name"
    credential.update(extra)
    return credential


class SpyResolver:
    """A real resolver that records which DIDs it was asked for."""

    def __init__(self, inner: DIDResolver | None = None) -> None:
        self.inner = inner or DIDResolver(trusted_dids=frozenset())
        self.calls: list[str] = []

    def resolve(self, did: str) -> DIDDocument:
        self.calls.append(did)
        return self.inner.resolve(did)


class StaticResolver:
    """Serves fixed DID documents (for did:web issuers without a server)."""

    def __init__(self, *documents: dict[str, Any]) -> None:
        self.documents = {d["id"]: DIDDocument.from_dict(d) for d in documents}

    def resolve(self, did: str) -> DIDDocument:
        return self.documents[did]


def deep(value: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(value)


def outcomes(result: Any) -> dict[str, tuple[str, str]]:
    return {c.name: (c.outcome, c.code) for c in result.checks}


def failed_codes(result: Any) -> dict[str, str]:
    return {c.name: c.code for c in result.errors}


def set_path(path: str, value: Any) -> Any:
    """A mutation setting ``a.b.c`` in a credential to ``value``."""

    def mutate(credential: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = credential
        for key in parents:
            target = target[key]
        target[last] = value

    return mutate
