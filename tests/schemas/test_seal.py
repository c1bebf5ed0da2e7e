"""The paper seal's format (docs/seal.md): name code, content map, COSE_Sign1, Base32 text, sizes."""

from __future__ import annotations

import dataclasses
from typing import Any

import cbor2
import pytest
from cwt import COSE, COSEKey

from shahada.printing.qr import make_qr
from shahada.schemas.seal.content import HOLDER_SCRYPT, SealContent, holder_binding
from shahada.schemas.seal.cose import decode_sign1, encode_sign1, key_id, protected_header
from shahada.schemas.seal.errors import SealFormatError, SealOversizedError, SealTruncatedError, SealVersionError
from shahada.schemas.seal.names import NameCode, name_codes
from shahada.schemas.seal.text import seal_bytes, seal_payload, seal_text
from tests.schemas.conftest import Case
from tests.support.local_sealer import PRODUCTION_BASE, LocalSealer

NAMES = [
    ("latin", "Aït Ben Haddou El Idrissi Ould Sidi Mohammed"),
    ("latin", "Ma'ouloud-Ñuñez Øster"),  # characters outside the table: escaped
    ("arabic", "آيت بن حدو الإدريسي ولد سيدي محمد"),
    ("arabic", "مُحَمَّد خَدِيجَة ڭ"),
    ("latin", "x"),
]


@pytest.mark.parametrize(("script", "name"), NAMES)
def test_names_round_trip_and_shrink(script: str, name: str) -> None:
    code = name_codes()[script]  # type: ignore[index]
    coded = code.encode(name)
    assert code.decode(coded) == name
    if "Ñ" not in name and len(name) > 4:
        assert len(coded) < 0.75 * len(name.encode()), "about 4.5 bits a character"


def test_name_code_rejects_bad_padding_and_cut_codes() -> None:
    code = name_codes()["latin"]
    coded = code.encode("Amrani")
    with pytest.raises(SealFormatError):
        code.decode(coded + b"\xff")  # 8 bits of padding
    with pytest.raises(SealFormatError):
        code.decode(code.encode("Ñ")[:-1])  # cut inside an escaped character
    with pytest.raises(ValueError):
        NameCode.from_lengths("latin", {"a": 1, "ESC": 2})  # not a complete code


def test_every_case_round_trips_through_cbor(case: Case) -> None:
    for kind, credential in case.credentials().items():
        content = SealContent.from_credential(credential)
        assert content.kind == kind
        assert content.document_number == credential["credentialSubject"]["documentNumber"]
        assert SealContent.from_cbor(content.to_cbor()) == content
        assert content.matches_holder(credential["credentialSubject"]["massarCode"])
        assert not content.matches_holder("A000000000")
        assert credential["credentialSubject"]["massarCode"].encode() not in content.to_cbor()


def test_holder_binding_is_scrypt_of_the_massar_salted_with_the_id() -> None:
    import hashlib
    import uuid

    cid = "urn:uuid:228adc2f-59d1-8859-a801-a3d4eaca5a9c"
    salt = uuid.UUID(cid[9:]).bytes
    assert holder_binding("G100000015", cid) == hashlib.scrypt(b"G100000015", salt=salt, **HOLDER_SCRYPT)


def _content_map(case: Case, kind: str = "diploma") -> dict[int, Any]:
    m: dict[int, Any] = cbor2.loads(SealContent.from_credential(case.build(kind)).to_cbor())  # type: ignore[arg-type]
    return m


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda m: m.update({0: 2}), SealVersionError),
        (lambda m: m.update({99: 1}), SealFormatError),
        (lambda m: m.pop(5), SealFormatError),
        (lambda m: m.update({2: b"\x00" * 15}), SealFormatError),
        (lambda m: m.update({14: 2001}), SealFormatError),
        (lambda m: m.update({12: 7}), SealFormatError),
        (lambda m: m.update({9: "P C"}), SealFormatError),
        (lambda m: m.update({5: ["Amrani", "العمراني"]}), SealFormatError),  # text, not coded names
    ],
)
def test_content_is_parsed_strictly(cases: dict[str, Case], change: Any, error: type[Exception]) -> None:
    m = _content_map(cases["long-names"])
    change(m)
    with pytest.raises(error):
        SealContent.from_cbor(cbor2.dumps(m))


def test_cose_sign1_verifies_with_an_independent_cose_library(cases: dict[str, Case]) -> None:
    """Another team's verifier: the cwt library (RFC 9052) reads our COSE_Sign1 with the public key."""
    sealer = LocalSealer()
    content = SealContent.from_credential(cases["fifteen-subjects"].build("transcript"))
    cose = sealer.seal([content])[0]
    key = COSEKey.new({1: 1, -1: 6, -2: sealer.public_key, 3: -8, 2: key_id(sealer.public_key)})
    assert COSE.new().decode(cose, keys=[key]) == content.to_cbor()
    sign1 = decode_sign1(cose)
    assert sign1.kid == key_id(sealer.public_key) and sign1.verify(sealer.public_key)


def test_cose_envelope_is_parsed_strictly() -> None:
    payload, signature = b"\xa0", b"\x00" * 64
    good = encode_sign1(protected_header(b"12345678"), payload, signature)
    decode_sign1(good)
    with pytest.raises(SealTruncatedError):
        decode_sign1(good[:-10])
    with pytest.raises(SealFormatError):
        decode_sign1(good + b"\x00")
    with pytest.raises(SealVersionError):
        decode_sign1(encode_sign1(cbor2.dumps({1: -7, 4: b"12345678"}), payload, signature))
    with pytest.raises(SealFormatError):
        decode_sign1(cbor2.dumps([protected_header(b"12345678"), {}, payload, signature]))  # untagged
    with pytest.raises(SealFormatError):
        decode_sign1(encode_sign1(protected_header(b"1234"), payload, signature))  # short kid


def test_seal_text_is_url_then_base32() -> None:
    text = seal_text(b"\xd2\x84\x01\x02\x03", PRODUCTION_BASE)
    assert text.startswith(PRODUCTION_BASE) and text[len(PRODUCTION_BASE):].isalnum()
    assert seal_bytes(text) == b"\xd2\x84\x01\x02\x03"
    assert seal_bytes(text.lower()) == b"\xd2\x84\x01\x02\x03"  # typed or read in lower case
    assert seal_payload("  " + text + "\n") == text[len(PRODUCTION_BASE):]
    with pytest.raises(SealTruncatedError):
        seal_bytes(text[:-2])  # a length no byte count has; other cuts end the CBOR early
    with pytest.raises(SealOversizedError):
        seal_bytes(PRODUCTION_BASE + "A" * 4000)
    with pytest.raises(SealOversizedError):
        seal_bytes("A" * 5000)
    with pytest.raises(SealFormatError):
        seal_bytes("https://example.org/not-a-seal!")


def _long_names(case: Case, donor: Case) -> Any:
    fields = ("family_name_fr", "family_name_ar", "given_name_fr", "given_name_ar", "birth_place_fr", "birth_place_ar")
    return dataclasses.replace(case.record, **{f: getattr(donor.record, f) for f in fields})


@pytest.mark.parametrize("base", [PRODUCTION_BASE, PRODUCTION_BASE.upper()])
def test_qr_versions_at_level_q(cases: dict[str, Case], base: str) -> None:
    """The diploma with the longest names fits version 15, the 15-subject transcript with the longest
    names version 22 (level Q), with the production verifier URL in front."""
    sealer = LocalSealer()
    long = cases["long-names"]
    fifteen = cases["fifteen-subjects"]
    documents = {
        "diploma, longest names": (long.build("diploma"), 15),
        "transcript, longest names": (long.build("transcript"), 22),
        "transcript, 15 subjects and longest names": (fifteen.build("transcript", record=_long_names(fifteen, long)), 22),
    }
    versions = {}
    for label, (credential, limit) in documents.items():
        text = seal_text(sealer.seal([SealContent.from_credential(credential)])[0], base)
        versions[label] = make_qr(text).version
        assert versions[label] <= limit, (label, versions[label], len(text))
    print(f"QR versions (level Q, {base}): {versions}")
