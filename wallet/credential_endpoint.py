"""The OID4VCI 1.0 nonce endpoint (§7) and credential endpoint (§8) over the claims of
:mod:`shahada.wallet.claims`: one-time ``c_nonce`` values (``wallet_nonces``), the checks of a
credential request (access token, configuration, JWT key proofs), and the copies it answers —
``ldp_vc`` wallet copies, or the diploma's SD-JWT VC (:mod:`shahada.wallet.sd_jwt_vc`) — each
signed by the ministry's key inside the agent and bound to the proven key.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any, Final

from sqlalchemy import String, update
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from shahada.common.db import Base, UTCDateTime
from shahada.issuer.archive.store import StoredCredential
from shahada.wallet.claims import Claims
from shahada.wallet.oid4vci import SD_JWT_FORMAT, OID4VCIError, check_proof, configuration
from shahada.wallet.sd_jwt_vc import sd_jwt_request

__all__ = ["NONCE_TTL", "CredentialEndpoint"]

NONCE_TTL: Final = 300
MAX_PROOFS: Final = 4


class NonceRow(Base):
    __tablename__ = "wallet_nonces"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class CredentialEndpoint:
    """Nonces and credential requests for ``claims``. Thread-safe (one engine)."""

    def __init__(self, claims: Claims) -> None:
        self.claims = claims
        self._sessions = sessionmaker(claims.archive.engine, expire_on_commit=False)

    def nonce(self) -> dict[str, Any]:
        """The nonce endpoint (§7): a fresh ``c_nonce``, valid five minutes, usable once."""
        nonce = secrets.token_urlsafe(24)
        with self._sessions.begin() as session:
            session.add(NonceRow(nonce=nonce, expires_at=self.claims.clock() + dt.timedelta(seconds=NONCE_TTL)))
        return {"c_nonce": nonce, "c_nonce_expires_in": NONCE_TTL}

    def _take_nonce(self, nonce: str) -> bool:
        now = self.claims.clock()
        with self._sessions.begin() as session:
            taken = session.execute(
                update(NonceRow).where(NonceRow.nonce == nonce, NonceRow.used_at.is_(None), NonceRow.expires_at > now).values(used_at=now)
            )
            return bool(getattr(taken, "rowcount", 0) == 1)

    def credential(self, access_token: str | None, request: object) -> dict[str, Any]:
        """The credential endpoint (§8): the copies of the requested kind, bound to the proven key.

        Raises:
            OID4VCIError: ``invalid_token`` (401), ``invalid_credential_request``,
                ``unknown_credential_configuration``, ``invalid_proof``, ``invalid_nonce``,
                ``credential_request_denied`` (403: not in this claim, or another wallet's key).
            ClaimError (claim.signing): the agent did not sign.
        """
        claims = self.claims
        claim = claims.by_token(access_token)
        if not isinstance(request, Mapping):
            raise OID4VCIError("invalid_credential_request", "the request body must be a JSON object")
        if "credential_configuration_id" not in request:
            raise OID4VCIError("invalid_credential_request", "credential_configuration_id is required")
        wanted = configuration(request["credential_configuration_id"])
        if wanted.format == SD_JWT_FORMAT and claims.sd_jwt is None:
            raise OID4VCIError("unknown_credential_configuration", "this issuer makes no SD-JWT VC")
        keys = [check_proof(jwt, audience=claims.issuer, now=claims.clock(), take_nonce=self._take_nonce) for jwt in _proof_jwts(request)]
        dids = {k.did for k in keys}
        if claim.holder_did is not None and dids != {claim.holder_did}:
            raise OID4VCIError("credential_request_denied", "this claim was taken by another wallet key", status=403)
        if len(dids) != 1:
            raise OID4VCIError("invalid_proof", "every proof of one request must prove the same key")
        chosen = [c for c in claims.credentials_of(claim.id) if c.kind == wanted.kind]
        if not chosen:
            raise OID4VCIError("credential_request_denied", f"this claim holds no {wanted.kind} that may be delivered (none, or revoked or suspended since)", status=403)
        if wanted.format == SD_JWT_FORMAT:
            jwk = {"kty": "OKP", "crv": "Ed25519", "x": base64.urlsafe_b64encode(keys[0].public_key).rstrip(b"=").decode()}
            made = claims.deliver(claim.id, chosen, keys[0].did, protocol="oid4vci", sign=lambda c: self._sign_sd_jwt(c, jwk))
        else:
            made = claims.deliver(claim.id, chosen, keys[0].did, protocol="oid4vci")
        return {"credentials": [{"credential": c} for c in made]}

    def _sign_sd_jwt(self, credential: StoredCredential, holder_jwk: Mapping[str, str]) -> str:
        signer = self.claims.sd_jwt
        assert signer is not None
        issuer = credential.document["issuer"]
        issuer_did = issuer["id"] if isinstance(issuer, Mapping) else issuer
        payload, non_sd = sd_jwt_request(credential.document, issuer=issuer_did, holder_jwk=holder_jwk, now=self.claims.clock())
        return signer.sign_sd_jwt(payload, non_sd)


def _proof_jwts(request: Mapping[str, Any]) -> list[object]:
    """The JWTs of ``proofs.jwt`` (1.0) or of a single ``proof`` (drafts up to 14)."""
    if "proofs" in request and "proof" in request:
        raise OID4VCIError("invalid_credential_request", "give proofs or proof, not both")
    proofs = request.get("proofs")
    if isinstance(proofs, Mapping):
        if set(proofs) != {"jwt"} or not isinstance(proofs["jwt"], list) or not proofs["jwt"]:
            raise OID4VCIError("invalid_credential_request", "proofs must hold a non-empty jwt list (the only proof type supported)")
        if len(proofs["jwt"]) > MAX_PROOFS:
            raise OID4VCIError("invalid_credential_request", f"at most {MAX_PROOFS} proofs per request")
        return list(proofs["jwt"])
    proof = request.get("proof")
    if isinstance(proof, Mapping) and proof.get("proof_type") == "jwt":
        return [proof.get("jwt")]
    raise OID4VCIError("invalid_proof", "a jwt key proof of the wallet's key is required (proofs.jwt)")
