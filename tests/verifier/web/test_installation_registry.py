"""The served verifier (``shahada serve verifier``: :func:`shahada.services.installation_verifier`)
answers a printed seal from the ministry's archive (issue 13): the holder binding stored at
issuance (no scrypt per request) and the seal's status read from the archive's registry entry
(not fetched from the ministry's site, which the archive answers anyway)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = pytest.mark.agent


@pytest.fixture(scope="module")
def sealed(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[tuple[str, str]]]:
    """(credential id, QR text) of the diplomas of a small session issued into the ministry's own
    archive (with status entries), each with its holder binding stored."""
    from shahada.issuer.bindings import holder_bindings
    from shahada.issuer.pv.synthetic import generate_records, write_csv
    from shahada.issuer.seal import AgentSealer, seal_credentials
    from shahada.schemas.reference import bundled_reference

    pv = tmp_path_factory.mktemp("installation-registry") / "pv.csv"
    write_csv(generate_records(8, seed=913, reference=bundled_reference(), year=2025), pv)
    issued = ministry.issue(pv, 2025)
    diplomas = [c for c in ministry.archive.credentials(import_id=issued.info.id) if c.kind == "diploma"]
    assert diplomas
    missing = [(c.id, c.document) for c in diplomas if c.holder_binding is None]
    if missing:  # bindings may be filled after signing: filled here, as the issuance would
        ministry.archive.store_holder_bindings(holder_bindings(missing))
    sealer = AgentSealer(ministry.client, ministry.identity.verification_method)
    texts = seal_credentials([c.document for c in diplomas], sealer, base_url=ministry.settings.verify_base_url)
    yield [(c.id, t) for c, t in zip(diplomas, texts, strict=True)]


@pytest.fixture
def no_site_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ministry site's registry unreachable: a verifier that asks it cannot say the status."""
    from shahada.verifier.registry import RegistryChecker
    from shahada.verifier.result import Check

    def unreachable(self: Any, url: str, credential_id: str, issuer: str) -> Check:
        return Check("registry", "failed", "registry.unavailable", "the test made the site's registry unreachable")

    monkeypatch.setattr(RegistryChecker, "_entry", unreachable)


def verify(ministry: Any, text: str) -> dict[str, Any]:
    from shahada.services import installation_verifier

    with installation_verifier(ministry.settings) as verifier:
        assert verifier.records
        response = verifier.app.test_client().post("/seals/verify", json={"seal": text})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body: dict[str, Any] = response.json
    return body


def checks(body: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {c["name"]: (c["outcome"], c["code"]) for c in body["checks"]}


def test_a_seal_is_answered_from_the_archive_without_scrypt_nor_the_site(
    ministry: Any, sealed: list[tuple[str, str]], no_site_registry: None, scrypts: list[str]
) -> None:
    """Fails if the served verifier recomputes the binding (a scrypt is counted) or asks the
    site's registry for the status (unreachable here: ``registry.unavailable``)."""
    _cid, text = sealed[0]
    body = verify(ministry, text)
    found = checks(body)
    assert found["archive"] == ("passed", "ok") and found["status"] == ("passed", "ok"), found
    assert body["verified"] is True and body["verdict"] == "valid"
    assert scrypts == []


def test_a_revocation_in_the_archive_is_answered_before_any_publication(ministry: Any, sealed: list[tuple[str, str]]) -> None:
    """The status comes from the archive's own entries: revoked there (the lists not yet re-signed,
    so the site's signed lists still say valid), the seal is revoked. Fails if the verifier asks
    the site, or ignores the status."""
    cid, text = sealed[-1]
    ministry.status.set_status(cid, "revocation", True, reason="test", at=dt.datetime.now(dt.UTC))
    body = verify(ministry, text)
    assert checks(body)["status"] == ("failed", "registry.revoked")
    assert body["verified"] is False and body["verdict"] == "revoked"


def test_a_seal_whose_binding_is_not_stored_yet_is_still_checked(ministry: Any, sealed: list[tuple[str, str]], scrypts: list[str]) -> None:
    """A binding missing in the archive (filled after signing) is computed: the seal is compared as
    before, never passed unchecked."""
    from sqlalchemy import update

    from shahada.issuer.archive.store import CredentialRow

    cid, text = sealed[1] if len(sealed) > 2 else sealed[0]
    with ministry.archive.engine.begin() as connection:
        connection.execute(update(CredentialRow).where(CredentialRow.id == cid).values(holder_binding=None))
    body = verify(ministry, text)
    assert checks(body)["archive"] == ("passed", "ok")
    assert scrypts == [cid]

