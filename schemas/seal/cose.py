"""The seal's signature envelope: a COSE_Sign1 message (RFC 9052 §4.2) with EdDSA (RFC 9053 §2.2).

    COSE_Sign1 = #6.18([ protected: bstr .cbor {1: -8, 4: kid}, unprotected: {}, payload: bstr,
                         signature: bstr .size 64 ])

- ``alg`` (label 1) is -8, EdDSA, with an Ed25519 key; ``kid`` (label 4) is in the *protected*
  header, so it is signed too.
- ``kid`` is the first 8 bytes of the key's COSE Key Thumbprint (RFC 9679: SHA-256 over the
  deterministic CBOR of ``{1: 1, -1: 6, -2: x}``, i.e. kty OKP, crv Ed25519, the public key), as
  the EU Digital COVID Certificate uses 8 bytes of its certificate hash. A verifier finds the key
  among the ``assertionMethod`` keys of the DID documents of the issuers it trusts.
- The signature is Ed25519 over ``Sig_structure = ["Signature1", protected, h'', payload]``
  (RFC 9052 §4.4), with an empty external_aad.

Pure: signing itself happens inside the ministry's agent (``shahada.agent.plugin.seal``), which
builds the protected header with ``protected_header`` and signs ``sig_structure``.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Any, Final

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from shahada.schemas.seal.errors import SealFormatError, SealTruncatedError, SealVersionError

COSE_SIGN1_TAG: Final = 18
ALG_EDDSA: Final = -8
HEADER_ALG: Final = 1
HEADER_KID: Final = 4
KID_BYTES: Final = 8
SIGNATURE_BYTES: Final = 64


@dataclass(frozen=True, slots=True)
class Sign1:
    """A parsed COSE_Sign1: the protected header as sent (it is signed) and its values."""

    protected: bytes
    kid: bytes
    payload: bytes
    signature: bytes

    def to_be_signed(self) -> bytes:
        return sig_structure(self.protected, self.payload)

    def verify(self, public_key: bytes) -> bool:
        """Whether the signature is the Ed25519 signature of ``public_key`` over the Sig_structure."""
        try:
            Ed25519PublicKey.from_public_bytes(public_key).verify(self.signature, self.to_be_signed())
        except (InvalidSignature, ValueError):
            return False
        return True

    def encode(self) -> bytes:
        return encode_sign1(self.protected, self.payload, self.signature)


def cose_key_thumbprint(public_key: bytes) -> bytes:
    """RFC 9679 §3 thumbprint (SHA-256) of an Ed25519 public key as a COSE_Key."""
    # Deterministic encoding (RFC 8949 §4.2.1): keys sorted by their encoded bytes: 1, -1, -2.
    return hashlib.sha256(cbor2.dumps({1: 1, -1: 6, -2: public_key}, canonical=True)).digest()


def key_id(public_key: bytes) -> bytes:
    """The seal's ``kid``: the first 8 bytes of the key's COSE Key Thumbprint."""
    return cose_key_thumbprint(public_key)[:KID_BYTES]


def protected_header(kid: bytes) -> bytes:
    """The serialized protected header ``{1: -8, 4: kid}``."""
    return cbor2.dumps({HEADER_ALG: ALG_EDDSA, HEADER_KID: kid})


def sig_structure(protected: bytes, payload: bytes) -> bytes:
    """RFC 9052 §4.4 Sig_structure for COSE_Sign1 with an empty external_aad: the signed bytes."""
    return cbor2.dumps(["Signature1", protected, b"", payload])


def encode_sign1(protected: bytes, payload: bytes, signature: bytes) -> bytes:
    """The tagged COSE_Sign1 message."""
    return cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))


def decode_sign1(data: bytes) -> Sign1:
    """Parse a tagged COSE_Sign1, strictly.

    Raises:
        SealTruncatedError: ``seal.truncated``, the bytes end before the message does.
        SealVersionError: ``seal.version``, an algorithm other than EdDSA.
        SealFormatError: ``seal.malformed``, anything else (trailing bytes, an untagged or
            ill-formed message, a header that is not ``{1: -8, 4: kid}``, a signature not 64 bytes).
    """
    message = _cbor_item(data, "the seal")
    if not isinstance(message, cbor2.CBORTag) or message.tag != COSE_SIGN1_TAG:
        raise SealFormatError("the seal is not a tagged COSE_Sign1 message (CBOR tag 18)")
    value = message.value
    if not isinstance(value, list) or len(value) != 4:
        raise SealFormatError("a COSE_Sign1 message is an array of four items")
    protected, unprotected, payload, signature = value
    if type(protected) is not bytes or unprotected != {} or type(payload) is not bytes or type(signature) is not bytes:
        raise SealFormatError("COSE_Sign1 items must be bstr, {}, bstr, bstr (no unprotected header)")
    header = _cbor_item(protected, "the protected header")
    if not isinstance(header, dict) or set(header) != {HEADER_ALG, HEADER_KID}:
        raise SealFormatError("the protected header must hold exactly alg (1) and kid (4)")
    if header[HEADER_ALG] != ALG_EDDSA or type(header[HEADER_ALG]) is not int:
        raise SealVersionError(f"signature algorithm {header[HEADER_ALG]!r} is not supported (EdDSA, -8)")
    kid = header[HEADER_KID]
    if type(kid) is not bytes or len(kid) != KID_BYTES:
        raise SealFormatError(f"the kid must be {KID_BYTES} bytes")
    if len(signature) != SIGNATURE_BYTES:
        raise SealFormatError(f"an Ed25519 signature is {SIGNATURE_BYTES} bytes, not {len(signature)}")
    return Sign1(protected=protected, kid=kid, payload=payload, signature=signature)


def _cbor_item(data: bytes, what: str) -> Any:
    stream = io.BytesIO(data)
    try:
        item = cbor2.CBORDecoder(stream).decode()
    except cbor2.CBORDecodeEOF as err:
        raise SealTruncatedError(f"{what} ends too early: it was cut (truncated)") from err
    except (cbor2.CBORDecodeError, ValueError, TypeError, RecursionError) as err:
        raise SealFormatError(f"{what} is not valid CBOR: {err}") from err
    if stream.tell() != len(data):
        raise SealFormatError(f"{what} has {len(data) - stream.tell()} bytes after its end")
    return item
