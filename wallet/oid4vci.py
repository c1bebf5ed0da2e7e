"""OpenID for Verifiable Credential Issuance 1.0: the issuer's messages, free of I/O.

What the ministry publishes and checks when a wallet claims a graduate's documents with the
pre-authorized code flow (OID4VCI 1.0 §3.5) and a transaction code (§4.1.1 ``tx_code``):

- the credential issuer metadata (§12.2, ``/.well-known/openid-credential-issuer``) and the
  authorization server metadata (RFC 8414, ``/.well-known/oauth-authorization-server``), with one
  credential configuration per kind of document in the ``ldp_vc`` format (Appendix A.1.2: a W3C
  credential secured with a Data Integrity proof; the wallet copy of VC Data Model 1.1, see
  :func:`shahada.schemas.credential.wallet_profile`);
- the credential offer (§4.1), passed by reference (``credential_offer_uri``) so that a QR code
  stays small;
- the key proof of a credential request (§8.2.1.1, Appendix F.1: a JWT ``openid4vci-proof+jwt``
  signed with the wallet's Ed25519 key, naming it by ``kid`` = a ``did:key`` URL or by ``jwk``),
  checked with jwcrypto: audience, freshness, the server's ``c_nonce`` (§7);
- the error codes of each endpoint (§6.3 = RFC 6749 §5.2 for the token endpoint, RFC 6750 §3.1
  for the access token, §8.3.1.2 for the credential endpoint).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote

from shahada.did.key import did_key_from_public_key, public_key_from_did_key
from shahada.schemas.credential import BACCALAUREATE_CONTEXT, CREDENTIALS_V1_CONTEXT, WALLET_VCDM1_CONTEXT
from shahada.wallet.errors import WalletError
from shahada.wallet.sd_jwt_vc import DIPLOMA_VCT, SELECTIVE

__all__ = [
    "CONFIGURATIONS",
    "SD_JWT_DIPLOMA",
    "OID4VCIError",
    "PRE_AUTHORIZED_GRANT",
    "PROOF_TYP",
    "Configuration",
    "HolderKey",
    "authorization_server_metadata",
    "check_proof",
    "credential_offer",
    "issuer_metadata",
    "offer_link",
]

PRE_AUTHORIZED_GRANT: Final = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
PROOF_TYP: Final = "openid4vci-proof+jwt"
OFFER_SCHEME: Final = "openid-credential-offer://"
PROOF_ALGORITHMS: Final = ("EdDSA", "Ed25519")  # Ed25519 keys only: the copy binds a did:key
PROOF_MAX_AGE: Final = dt.timedelta(minutes=5)
PROOF_CLOCK_SKEW: Final = dt.timedelta(seconds=60)
ED2020_CONTEXT: Final = "https://w3id.org/security/suites/ed25519-2020/v1"


class OID4VCIError(WalletError):
    """A request the issuer refuses, with the spec's ``error`` code (its JSON ``error`` member)
    and the HTTP status the spec gives it. ``code`` is ``oid4vci.<error>``.

    Token endpoint: ``invalid_request``, ``invalid_grant`` (unknown, used or expired code, wrong
    transaction code), ``unsupported_grant_type``. Access token: ``invalid_token`` (401).
    Credential endpoint: ``invalid_credential_request``, ``unknown_credential_configuration``,
    ``invalid_proof``, ``invalid_nonce``, ``credential_request_denied`` (403).
    """

    code = "oid4vci.error"

    def __init__(self, error: str, description: str, *, status: int = 400) -> None:
        super().__init__(description, code=f"oid4vci.{error}")
        self.error = error
        self.http_status = status

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.message}


@dataclass(frozen=True, slots=True)
class Configuration:
    """One credential configuration of the issuer metadata: a kind of document as ``ldp_vc``."""

    id: str
    kind: str  # the archive's kind: "diploma" | "transcript"
    type: str
    names: Mapping[str, str]  # locale → display name
    format: str = "ldp_vc"  # or "dc+sd-jwt" (SD-JWT VC, Appendix A.3)

    def metadata(self) -> dict[str, Any]:
        display = {"display": [{"name": name, "locale": locale} for locale, name in self.names.items()]}
        if self.format == SD_JWT_FORMAT:
            return {
                "format": SD_JWT_FORMAT,
                "scope": self.id,
                "vct": DIPLOMA_VCT,
                "cryptographic_binding_methods_supported": ["jwk"],
                "credential_signing_alg_values_supported": ["EdDSA"],
                "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": list(PROOF_ALGORITHMS)}},
                "credential_metadata": {**display, "claims": [{"path": [name]} for name in SELECTIVE]},
            }
        return {
            "format": "ldp_vc",
            "scope": self.id,
            "cryptographic_binding_methods_supported": ["did:key", "jwk"],
            "credential_signing_alg_values_supported": ["Ed25519Signature2020"],
            "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": list(PROOF_ALGORITHMS)}},
            "credential_definition": {
                "@context": [CREDENTIALS_V1_CONTEXT, BACCALAUREATE_CONTEXT, WALLET_VCDM1_CONTEXT, ED2020_CONTEXT],
                "type": ["VerifiableCredential", self.type],
            },
            "credential_metadata": display,
        }


SD_JWT_FORMAT: Final = "dc+sd-jwt"
CONFIGURATIONS: Final = (
    Configuration(
        "BaccalaureateDiploma_ldp_vc", "diploma", "BaccalaureateDiploma",
        {"fr": "Diplôme du baccalauréat", "ar": "شهادة البكالوريا", "en": "Baccalaureate diploma"},
    ),
    Configuration(
        "BaccalaureateTranscript_ldp_vc", "transcript", "BaccalaureateTranscript",
        {"fr": "Relevé de notes du baccalauréat", "ar": "كشف نقط البكالوريا", "en": "Baccalaureate transcript"},
    ),
)
SD_JWT_DIPLOMA: Final = Configuration(
    "BaccalaureateDiploma_dc+sd-jwt", "diploma", "BaccalaureateDiploma",
    {"fr": "Diplôme du baccalauréat (SD-JWT)", "ar": "شهادة البكالوريا (SD-JWT)", "en": "Baccalaureate diploma (SD-JWT)"}, SD_JWT_FORMAT,
)
ISSUER_NAMES: Final = {"fr": "Ministère de l'Éducation nationale", "ar": "وزارة التربية الوطنية", "en": "Ministry of National Education"}


def configuration(configuration_id: object) -> Configuration:
    """The configuration named by a credential request.

    Raises:
        OID4VCIError (unknown_credential_configuration).
    """
    for found in (*CONFIGURATIONS, SD_JWT_DIPLOMA):
        if found.id == configuration_id:
            return found
    raise OID4VCIError("unknown_credential_configuration", f"no credential configuration {str(configuration_id)[:80]!r}")


def configuration_of(kind: str) -> Configuration:
    return next(c for c in CONFIGURATIONS if c.kind == kind)


def issuer_metadata(issuer: str, *, sd_jwt: bool = False) -> dict[str, Any]:
    """Credential issuer metadata (§12.2.4); ``issuer`` is the credential issuer identifier (an
    https URL without query or fragment) and is also the authorization server. ``sd_jwt``: the
    diploma is also offered as an SD-JWT VC."""
    offered = (*CONFIGURATIONS, SD_JWT_DIPLOMA) if sd_jwt else CONFIGURATIONS
    return {
        "credential_issuer": issuer,
        "authorization_servers": [issuer],
        "credential_endpoint": f"{issuer}/oid4vci/credential",
        "nonce_endpoint": f"{issuer}/oid4vci/nonce",
        "display": [{"name": name, "locale": locale} for locale, name in ISSUER_NAMES.items()],
        "credential_configurations_supported": {c.id: c.metadata() for c in offered},
    }


def authorization_server_metadata(issuer: str) -> dict[str, Any]:
    """RFC 8414 metadata of the same origin: only the pre-authorized code grant, public clients."""
    return {
        "issuer": issuer,
        "token_endpoint": f"{issuer}/oid4vci/token",
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "token_endpoint_auth_methods_supported": ["none"],
        "response_types_supported": [],
        "pre-authorized_grant_anonymous_access_supported": True,
    }


def credential_offer(issuer: str, pre_authorized_code: str, configuration_ids: Sequence[str], *, tx_code_length: int) -> dict[str, Any]:
    """The credential offer (§4.1.1): pre-authorized code with a numeric transaction code sent
    to the graduate out of band."""
    return {
        "credential_issuer": issuer,
        "credential_configuration_ids": list(configuration_ids),
        "grants": {
            PRE_AUTHORIZED_GRANT: {
                "pre-authorized_code": pre_authorized_code,
                "tx_code": {
                    "input_mode": "numeric",
                    "length": tx_code_length,
                    "description": "Code envoyé par le ministère · الرمز الذي أرسلته الوزارة · Code sent by the ministry",
                },
            }
        },
    }


def offer_link(offer_uri: str) -> str:
    """``openid-credential-offer://?credential_offer_uri=…`` (§4.1.3): what a wallet's QR scanner opens."""
    return f"{OFFER_SCHEME}?credential_offer_uri={quote(offer_uri, safe='')}"


# --- the key proof ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HolderKey:
    """The wallet's key as proven: its Ed25519 public key and the ``did:key`` the copy is bound to."""

    public_key: bytes
    did: str


def check_proof(
    jwt: object, *, audience: str, now: dt.datetime, take_nonce: Callable[[str], bool]
) -> HolderKey:
    """Check a JWT key proof (Appendix F.1, §8.2.1.1) and return the key it proves.

    Args:
        jwt: the compact JWT of ``proofs.jwt[i]`` (or ``proof.jwt``).
        audience: the credential issuer identifier, required in ``aud``.
        now: the current time; ``iat`` must be within the last five minutes (one minute of skew).
        take_nonce: marks a ``c_nonce`` of this server used; False when unknown, expired or used.

    Raises:
        OID4VCIError: ``invalid_proof`` (malformed, wrong ``typ``, ``alg``, key, signature,
            audience or time), ``invalid_nonce`` (missing, unknown, expired or used ``c_nonce``).
    """
    from jwcrypto import jwk, jws
    from jwcrypto.common import JWException

    if not isinstance(jwt, str) or jwt.count(".") != 2:
        raise OID4VCIError("invalid_proof", "the proof is not a compact JWT")
    try:
        header = _b64json(jwt.split(".")[0])
        payload = _b64json(jwt.split(".")[1])
    except ValueError as err:
        raise OID4VCIError("invalid_proof", f"the proof's header or payload is not base64url JSON: {err}") from err
    if header.get("typ") != PROOF_TYP:
        raise OID4VCIError("invalid_proof", f"the proof's typ must be {PROOF_TYP!r}")
    if header.get("alg") not in PROOF_ALGORITHMS:
        raise OID4VCIError("invalid_proof", f"the proof's alg must be one of {', '.join(PROOF_ALGORITHMS)} (an Ed25519 key)")
    holder = _holder_key(header)
    key = jwk.JWK(kty="OKP", crv="Ed25519", x=_b64(holder.public_key))
    token = jws.JWS()
    try:
        token.deserialize(jwt)
        token.verify(key, alg=header["alg"])
    except (JWException, ValueError, TypeError) as err:
        raise OID4VCIError("invalid_proof", "the proof's signature does not verify with the key it names") from err
    aud = payload.get("aud")
    if aud != audience and not (isinstance(aud, list) and audience in aud):
        raise OID4VCIError("invalid_proof", f"the proof's aud must be the credential issuer {audience!r}")
    iat = payload.get("iat")
    if not isinstance(iat, int | float) or isinstance(iat, bool):
        raise OID4VCIError("invalid_proof", "the proof has no numeric iat")
    issued = dt.datetime.fromtimestamp(iat, dt.UTC)
    if issued > now + PROOF_CLOCK_SKEW or issued < now - PROOF_MAX_AGE:
        raise OID4VCIError("invalid_proof", "the proof's iat is not recent: make a new proof")
    nonce = payload.get("nonce")
    if not isinstance(nonce, str) or not nonce:
        raise OID4VCIError("invalid_nonce", "the proof carries no c_nonce: ask the nonce endpoint for one")
    if not take_nonce(nonce):
        raise OID4VCIError("invalid_nonce", "the proof's c_nonce is unknown, expired or already used: ask for a new one")
    return holder


def _holder_key(header: Mapping[str, Any]) -> HolderKey:
    kid, key = header.get("kid"), header.get("jwk")
    if (kid is None) == (key is None):
        raise OID4VCIError("invalid_proof", "the proof names its key by exactly one of kid (a did:key URL) or jwk")
    if isinstance(key, Mapping):
        if key.get("kty") != "OKP" or key.get("crv") != "Ed25519" or "d" in key:
            raise OID4VCIError("invalid_proof", "the proof's jwk must be a public Ed25519 key (kty OKP, crv Ed25519)")
        try:
            public = base64.urlsafe_b64decode(str(key.get("x", "")) + "=" * (-len(str(key.get("x", ""))) % 4))
        except ValueError as err:
            raise OID4VCIError("invalid_proof", "the proof's jwk x is not base64url") from err
        if len(public) != 32:
            raise OID4VCIError("invalid_proof", "the proof's jwk x is not an Ed25519 public key")
        return HolderKey(public, did_key_from_public_key(public))
    if not isinstance(kid, str) or not kid.startswith("did:key:"):
        raise OID4VCIError("invalid_proof", "the proof's kid must be a did:key URL (did:key:z6Mk…#z6Mk…)")
    did, _, fragment = kid.partition("#")
    try:
        public = public_key_from_did_key(did)
    except ValueError as err:
        raise OID4VCIError("invalid_proof", f"the proof's kid is not an Ed25519 did:key: {err}") from err
    if fragment and fragment != did.removeprefix("did:key:"):
        raise OID4VCIError("invalid_proof", "the proof's kid names another key than its did:key")
    return HolderKey(public, did)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64json(part: str) -> dict[str, Any]:
    value = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value
