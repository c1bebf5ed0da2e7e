"""Printed documents with real parts: seals signed inside the agent, the batch printer, the seals
read back from the PDFs and verified offline and against the archive; tampering, other keys and
other issuers fail and say why."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import cbor2
import pytest
import requests

from shahada.agent.errors import AgentRequestError
from shahada.did.document import DIDDocument
from shahada.issuer.archive.store import Archive
from shahada.issuer.seal import AgentSealer, seal_credentials
from shahada.printing.batch import print_documents
from shahada.schemas.seal.content import SealContent
from shahada.schemas.seal.cose import decode_sign1, encode_sign1, key_id
from shahada.schemas.seal.names import name_codes
from shahada.schemas.seal.text import seal_bytes, seal_text
from shahada.verifier.scan import read_qr_texts
from shahada.verifier.seal import SealVerification, StaticResolver, verify_seal
from tests.support.archives import fresh_archive
from tests.support.local_sealer import LocalSealer

pytestmark = pytest.mark.agent
SAMPLE = Path(str(resources.files("shahada") / "data" / "sample-pv.csv"))
BASE = "HTTPS://DIPLOMES.MEN.GOV.MA/V/"


@pytest.fixture(scope="module")
def archive(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    archive = fresh_archive(tmp_path_factory.mktemp("paper") / "archive.sqlite3")
    ministry.issue(SAMPLE, 2025, archive=archive, batch_size=16)
    yield archive
    archive.close()


@pytest.fixture(scope="module")
def sealer(ministry: Any) -> AgentSealer:
    return AgentSealer(ministry.client, ministry.identity.verification_method)


def verify(ministry: Any, text: str, archive: Archive | None = None, **kwargs: Any) -> SealVerification:
    """Offline: the ministry's DID document as published, no network; the archive when given."""
    document = DIDDocument.from_dict(ministry.identity.did_document())
    lookup = None
    if archive is not None:
        lookup = lambda cid: (stored.document if (stored := archive.get(cid)) else None)  # noqa: E731
    kwargs.setdefault("trusted_issuers", frozenset({ministry.identity.did}))
    return verify_seal(text, resolver=StaticResolver({ministry.identity.did: document}), archive=lookup, **kwargs)


@pytest.fixture(scope="module")
def printed(archive: Archive, sealer: AgentSealer, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    out = tmp_path_factory.mktemp("print")
    selection = [c.document for c in archive.credentials(academy="DT")] + [c.document for c in archive.credentials(academy="SM")]
    report = print_documents(
        iter(selection), out, seal=lambda cs: seal_credentials(cs, sealer, base_url=BASE),
        total=len(selection), jobs=1, batch_size=2, batch_pdf=True,
    )
    assert (report.documents, report.rendered, report.skipped) == (len(selection), len(selection), 0)
    return out, selection


def test_batch_printing_writes_every_pdf_and_resumes(printed: tuple[Path, list[dict[str, Any]]], sealer: AgentSealer) -> None:
    out, selection = printed
    pdfs = sorted(out.glob("*/*/*.pdf"))
    assert len(pdfs) == len(selection)
    assert {p.parent.parent.name for p in pdfs} == {"diploma", "transcript"}
    batches = sorted((out / "batches").glob("*.pdf"))
    assert len(batches) == 4  # DT and SM, diplomas and transcripts, two documents a batch at most
    assert not list(out.rglob("*.tmp"))

    seal = lambda cs: seal_credentials(cs, sealer, base_url=BASE)  # noqa: E731
    again = print_documents(iter(selection), out, seal=seal, total=len(selection), jobs=1, batch_size=2, batch_pdf=True)
    assert (again.rendered, again.skipped, again.batches) == (0, len(selection), 0)
    pdfs[0].unlink()
    third = print_documents(iter(selection), out, seal=seal, total=len(selection), jobs=1, batch_size=2, batch_pdf=True)
    assert (third.rendered, third.skipped) == (1, len(selection) - 1) and pdfs[0].exists()


def test_printed_seals_verify_offline_and_match_the_archive(ministry: Any, archive: Archive, printed: tuple[Path, list[dict[str, Any]]]) -> None:
    out, selection = printed
    by_number = {c["credentialSubject"]["documentNumber"]: c for c in selection}
    for pdf in sorted(out.glob("*/*/*.pdf")):
        [text] = read_qr_texts(pdf.read_bytes())
        assert text.startswith(BASE)
        result = verify(ministry, text, archive, massar=by_number[pdf.stem]["credentialSubject"]["massarCode"])
        assert result.verified, result.to_dict()
        assert result.signer == ministry.identity.verification_method
        assert result.check("archive").outcome == "passed" and result.check("holder").outcome == "passed"
        assert result.content == SealContent.from_credential(by_number[pdf.stem])
        offline = verify(ministry, text)
        assert offline.verified and offline.check("archive").outcome == "skipped"


def _tampered_copies(text: str) -> Iterator[tuple[str, str]]:
    """(field, seal text) with one signed value changed by one character or unit, signature kept."""
    sign1 = decode_sign1(seal_bytes(text))
    content: dict[int, Any] = cbor2.loads(sign1.payload)
    codes = name_codes()
    for key, value in content.items():
        values = [value]
        if key in (5, 6):  # coded names: change one character of each script
            fr, ar = codes["latin"].decode(value[0]), codes["arabic"].decode(value[1])
            values = [[codes["latin"].encode(fr[:-1] + ("x" if fr[-1] != "x" else "y")), value[1]],
                      [value[0], codes["arabic"].encode(ar[:-1] + ("ب" if ar[-1] != "ب" else "ت"))]]
        elif isinstance(value, int):
            values = [value + 1]
        elif isinstance(value, bytes):
            values = [value[:-1] + bytes([value[-1] ^ 1])]
        elif isinstance(value, str):
            values = [value[:-1] + ("X" if value[-1] != "X" else "Y")]
        elif isinstance(value, list):  # the results: one mark changed by a hundredth
            values = [[r[:3] + [r[3] + 1 if r[3] < 2000 else r[3] - 1] if i == 0 else r for i, r in enumerate(value)]]
        for changed in values:
            payload = cbor2.dumps({**content, key: changed})
            yield str(key), seal_text(encode_sign1(sign1.protected, payload, sign1.signature), BASE)


def test_changing_any_signed_field_fails_and_says_which(ministry: Any, archive: Archive, sealer: AgentSealer) -> None:
    transcript = next(c.document for c in archive.credentials() if "BaccalaureateTranscript" in c.document["type"])
    text = seal_credentials([transcript], sealer, base_url=BASE)[0]
    assert verify(ministry, text, archive).verified
    tried = 0
    for key, forged in _tampered_copies(text):
        result = verify(ministry, forged, archive)
        codes = {e.code for e in result.errors}
        assert not result.verified, key
        assert codes & {"signature.invalid", "seal.malformed", "seal.version"}, (key, codes)
        if "signature.invalid" in codes and key not in ("0", "2"):  # same id: the archive names the field
            assert result.check("archive").code == "archive.mismatch", (key, result.to_dict())
        tried += 1
    assert tried >= 20


def test_another_key_or_another_issuer_fails(ministry: Any, archive: Archive) -> None:
    diploma = next(c.document for c in archive.credentials() if "BaccalaureateDiploma" in c.document["type"])
    content = SealContent.from_credential(diploma)
    ministry_kid = key_id(ministry.identity.public_key)

    impostor = LocalSealer(kid=ministry_kid)  # claims the ministry's key id
    result = verify(ministry, seal_text(impostor.seal([content])[0], BASE), archive)
    assert {e.code for e in result.errors} == {"signature.invalid"}
    assert "not signed with" in result.check("signature").message

    stranger = LocalSealer()  # its own key: an issuer the verifier does not trust
    result = verify(ministry, seal_text(stranger.seal([content])[0], BASE))
    assert {e.code for e in result.errors} == {"seal.untrusted"}

    # a genuine seal of another DID in the same wallet, signed inside the agent: still untrusted
    other = ministry.client.create_did("key", {"key_type": "ed25519"})
    foreign = AgentSealer(ministry.client, f"{other.did}#{other.did.removeprefix('did:key:')}").seal([content])[0]
    assert {e.code for e in verify(ministry, seal_text(foreign, BASE)).errors} == {"seal.untrusted"}
    trusting = verify(ministry, seal_text(foreign, BASE), trusted_issuers=frozenset({other.did}),)
    assert {e.code for e in trusting.errors} == {"did.resolution"}  # trusted but its document is not at hand


def test_the_plugin_signs_only_seal_contents_with_wallet_keys(ministry: Any, archive: Archive) -> None:
    client = ministry.client
    vm = ministry.identity.verification_method
    with pytest.raises(AgentRequestError) as caught:
        client.seal([b"\xa1\x01\x02"], verification_method=vm)  # CBOR, but not a seal content
    assert caught.value.status == 422
    diploma = next(c.document for c in archive.credentials() if "BaccalaureateDiploma" in c.document["type"])
    payload = SealContent.from_credential(diploma).to_cbor()
    with pytest.raises(AgentRequestError) as caught:
        client.seal([payload], verification_method=f"{ministry.identity.did}#no-such-key")
    assert caught.value.status == 404
    body = {"verificationMethod": vm, "payloads": [base64.urlsafe_b64encode(payload).decode()]}
    anonymous = requests.post(f"{client.base_url}/shahada/seal", json=body, timeout=10)
    assert anonymous.status_code == 401  # behind the admin API key
