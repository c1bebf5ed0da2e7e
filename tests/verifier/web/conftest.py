"""Fixtures for the verifier service: the real Flask app (``create_app``) over the real pinned
loader and proof suites, a local issuer key (did:key, trusted), a local seal key standing in for
the ministry's (did:web, trusted, known in advance), and helpers to sign credentials and
presentations. Tests that need the real agent and did:web over HTTPS are in ``test_browser.py``
and ``test_ministry.py``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from shahada.common.wsgi import WaitressServer
from shahada.did import DIDResolver
from shahada.did.document import DIDDocument, build_did_document
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.schemas.seal.content import SealContent
from shahada.schemas.seal.text import seal_text
from shahada.services import verifier_settings
from shahada.verifier.seal import StaticResolver
from shahada.verifier.web import create_app
from shahada.verifier.workers import VerifierWorkers
from tests.support.archives import fresh_archive
from tests.support.local_sealer import MINISTRY_DID, LocalSealer
from tests.support.local_signer import LocalKey
from tests.support.presentations import make_presentation, sign_presentation
from tests.verifier.verifier_support import NOW, make_credential

SEAL_BASE = "HTTPS://VERIFY.TEST/V/"
CASES = Path(__file__).parents[2] / "schemas" / "cases"


@pytest.fixture(scope="session")
def sealer() -> LocalSealer:
    return LocalSealer()


@pytest.fixture(scope="session")
def holder_key() -> LocalKey:
    return LocalKey.generate()


@pytest.fixture(scope="session")
def case_diploma() -> dict[str, Any]:
    import json

    document: dict[str, Any] = json.loads((CASES / "option-fr" / "diploma.json").read_text(encoding="utf-8"))
    return document


@pytest.fixture(scope="session")
def seal(sealer: LocalSealer, case_diploma: dict[str, Any]) -> str:
    """The QR text of the option-fr test case's diploma, sealed by the stand-in ministry key."""
    [cose] = sealer.seal([SealContent.from_credential(case_diploma)])
    return seal_text(cose, SEAL_BASE)


_WORKERS: list[VerifierWorkers] = []


def shared_workers() -> VerifierWorkers:
    """One pool of worker processes for every app of these tests (an app of its own would start
    its own processes); stopped at the end of the session."""
    if not _WORKERS:
        _WORKERS.append(VerifierWorkers.create(PinnedDocumentLoader()))
    return _WORKERS[0]


@pytest.fixture(scope="session", autouse=True)
def _stop_shared_workers() -> Iterator[None]:
    yield
    while _WORKERS:
        _WORKERS.pop().close()


@dataclass
class MemoryRegistry:
    """The stand-in ministry's registry (what its site answers at ``/registry/<id>``), in memory:
    every credential id is issued and valid unless ``states`` says otherwise (``None``: unknown,
    ``"down"``: the registry cannot be reached)."""

    states: dict[str, tuple[str, str | None] | None | str]

    def lookup(self, credential_id: str) -> dict[str, Any] | None:
        state = self.states.get(credential_id, ("valid", None))
        if state is None:
            return None
        if state == "down":
            raise ConnectionError("the registry is down")
        status, since = state
        return {"id": credential_id, "status": status, "recordDigest": "", **({"since": since} if since else {})}

    def checker(self) -> Any:
        from shahada.verifier.registry import RegistryChecker

        return _Unreachable(RegistryChecker({MINISTRY_DID: frozenset({"https://diplomes.men.gov.ma"})}, lookup=self.lookup))


@dataclass
class _Unreachable:
    """A registry lookup that raises is a registry that cannot be reached."""

    inner: Any

    def seal_status(self, credential_id: str, issuer: str) -> Any:
        from shahada.verifier.result import Check

        try:
            return self.inner.seal_status(credential_id, issuer)
        except ConnectionError:
            return Check("status", "failed", "registry.unavailable", "the ministry's registry could not be reached (ConnectionError): not checked")


def make_app(
    issuer_key: LocalKey, sealer: LocalSealer, loader: PinnedDocumentLoader, *,
    workers: VerifierWorkers | None = None, registry: MemoryRegistry | None = None, **settings: Any,
) -> Flask:
    ministry = DIDDocument.from_dict(build_did_document(MINISTRY_DID, sealer.public_key))
    resolver = StaticResolver({MINISTRY_DID: ministry}, fallback=DIDResolver(trusted_dids=frozenset()))
    values: dict[str, Any] = {"trusted_issuers": frozenset({issuer_key.did_key, MINISTRY_DID}), "seal_base_url": SEAL_BASE, "ministry_did": MINISTRY_DID}
    values.update(settings)
    registry = registry or MemoryRegistry({})
    return create_app(values, resolver=resolver, clock=lambda: NOW, loader=loader, workers=workers or shared_workers(), registry=registry.checker())


@pytest.fixture
def app(issuer_key: LocalKey, sealer: LocalSealer, loader: PinnedDocumentLoader) -> Flask:
    return make_app(issuer_key, sealer, loader)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def genuine(sign: Callable[..., dict[str, Any]], issuer_key: LocalKey, holder_key: LocalKey) -> dict[str, Any]:
    credential = make_credential(issuer_key.did_key, "eddsa-rdfc-2022")
    credential["credentialSubject"]["id"] = holder_key.did_key
    return sign(credential, "eddsa-rdfc-2022")


@pytest.fixture
def present(holder_key: LocalKey, loader: PinnedDocumentLoader) -> Callable[..., dict[str, Any]]:
    def _present(credentials: list[dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
        vp = make_presentation(credentials, holder=holder_key.did_key)
        return sign_presentation(vp, suite="eddsa-rdfc-2022", key=holder_key, created=NOW, loader=loader, **kwargs)

    return _present


# --- with the real ministry: agent-signed credentials and seals, did:web over HTTPS, the archive ---


@dataclass
class RunningVerifier:
    """The verifier service under waitress on loopback, configured as the installation's, with
    the records of a freshly issued session."""

    server: WaitressServer
    archive: Any
    credentials: list[dict[str, Any]]
    ministry: Any

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def seal_base(self) -> str:
        return f"HTTP://127.0.0.1:{self.server.port}/V/"  # in capitals, as printed

    def diploma(self) -> dict[str, Any]:
        return next(c for c in self.credentials if "BaccalaureateDiploma" in c["type"])

    def seal_of(self, credential: dict[str, Any]) -> str:
        from shahada.issuer.seal import AgentSealer, seal_credentials

        sealer = AgentSealer(self.ministry.client, self.ministry.identity.verification_method)
        [text] = seal_credentials([credential], sealer, base_url=self.seal_base)
        return text


@pytest.fixture(scope="session")
def running_verifier(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningVerifier]:
    """A small session (6 candidates) issued by the real agent into its own archive, and the
    verifier service serving it: trust list, did:web resolution over HTTPS with the local CA, and
    the archive as the ministry's records."""
    from shahada.issuer.archive.store import ISSUED
    from shahada.issuer.pv.synthetic import generate_records, write_csv
    from shahada.schemas.reference import bundled_reference
    from shahada.verifier.web import Records

    work = tmp_path_factory.mktemp("verifier-service")
    pv = work / "pv.csv"
    write_csv(generate_records(6, seed=404, reference=bundled_reference(), year=2025), pv)
    archive = fresh_archive(work / "archive.sqlite3")
    issued = ministry.issue(pv, 2025, archive=archive, batch_size=16)
    credentials = [c.document for c in archive.credentials(import_id=issued.info.id)]
    assert any("BaccalaureateDiploma" in c["type"] for c in credentials)

    def lookup(credential_id: str) -> dict[str, Any] | None:
        stored = archive.get(credential_id)
        return stored.document if stored is not None and stored.status == ISSUED else None

    settings = verifier_settings(ministry.settings, ministry.identity.did)
    # the seals' registry: what the ministry's site would answer from this session's own archive
    from shahada.issuer.archive.status import StatusStore
    from shahada.status_setup import site_origin
    from shahada.verifier.registry import RegistryChecker

    store = StatusStore(archive.engine, secret=ministry.settings.id_secret, origin=site_origin(ministry.settings))
    registry = RegistryChecker({ministry.identity.did: frozenset({site_origin(ministry.settings)})}, lookup=store.registry_entry)
    app = create_app(settings, records=Records(ministry.identity.did, lookup), loader=ministry.loader, registry=registry)
    server = WaitressServer(app, host="127.0.0.1", port=0, ident="shahada-verifier").start()
    try:
        yield RunningVerifier(server, archive, credentials, ministry)
    finally:
        server.stop()
        archive.close()


def assert_documented(document: dict[str, Any], method: str, path: str, status: int, code: str) -> None:
    """The OpenAPI ``document`` lists ``status`` for ``method path``, naming the problem ``code``."""
    responses = document["paths"][path][method.lower()]["responses"]
    assert str(status) in responses, f"{method} {path} answered {status} ({code}), undocumented: {sorted(responses)}"
    assert code in responses[str(status)]["description"], f"{method} {path} {status}: {code} is not named"
