"""The SD-JWT VC copy of a diploma (IETF draft-ietf-oauth-sd-jwt-vc, SD-JWT: RFC 9901), for
wallets that hold only SD-JWT VCs; delivered over OID4VCI as format ``dc+sd-jwt``.

The claims are the archived credential's subject as plain JSON (a bilingual value becomes
``{"fr": …, "ar": …}``), with ``vct`` naming the document type, ``iss`` the ministry's DID, ``jti``
the archived credential's id (the registry and the status lists answer for it), ``iat`` and
``nbf`` (``validFrom``), and ``cnf.jwk`` the wallet's key. Selectively disclosable: the birth data
(``birthdate``, ``place_of_birth``), the Code Massar, and the results (``general_average``,
``mention``); the rest (names, document number, session, stream, option, academy) is always
shown. ACA-Py's ``/wallet/sd-jwt/sign`` makes the disclosures and signs with the ministry's key in
the agent (EdDSA, ``kid`` = the ministry's verification method); it makes every claim disclosable
that its ``non_sd_list`` does not name, so :func:`sd_jwt_request` names every path but the
disclosable claims themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

from shahada.agent.admin import AdminClient
from shahada.agent.errors import AgentError
from shahada.wallet.errors import WalletError

__all__ = ["DIPLOMA_VCT", "SD_JWT_TYP", "SELECTIVE", "AgentSDJWTSigner", "sd_jwt_request"]

DIPLOMA_VCT: Final = "https://diplomes.men.gov.ma/vct/baccalaureate-diploma/v1"
SD_JWT_TYP: Final = "dc+sd-jwt"
SELECTIVE: Final = ("birthdate", "place_of_birth", "massar_code", "general_average", "mention")
# archived subject member → SD-JWT VC claim
_CLAIMS: Final = {
    "familyName": "family_name", "givenName": "given_name", "birthDate": "birthdate", "birthPlace": "place_of_birth",
    "massarCode": "massar_code", "documentNumber": "document_number", "generalAverage": "general_average",
    "mention": "mention", "session": "session", "stream": "stream", "option": "option", "academy": "academy",
}


def _plain(value: Any) -> Any:
    """JSON-LD value objects made plain: a list of ``{"@value", "@language"}`` → ``{lang: text}``."""
    if isinstance(value, list) and value and all(isinstance(v, Mapping) and "@value" in v for v in value):
        return {str(v.get("@language", "und")): v["@value"] for v in value}
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _paths(value: Any, prefix: str) -> list[str]:
    """Every JSONPath below ``prefix`` the way ACA-Py's ``create_json_paths`` names them."""
    found: list[str] = []
    if isinstance(value, Mapping):
        for key, inner in value.items():
            found.append(f"{prefix}.{key}")
            found += _paths(inner, f"{prefix}.{key}")
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            found.append(f"{prefix}[{i}]")
            found += _paths(inner, f"{prefix}[{i}]")
    return found


def sd_jwt_request(credential: Mapping[str, Any], *, issuer: str, holder_jwk: Mapping[str, str], now: dt.datetime) -> tuple[dict[str, Any], list[str]]:
    """The payload and ``non_sd_list`` of ``/wallet/sd-jwt/sign`` for an archived diploma.

    Raises:
        WalletError (sd_jwt.kind): not a diploma.
    """
    if "BaccalaureateDiploma" not in credential.get("type", []):
        raise WalletError("only the diploma has an SD-JWT VC copy", code="sd_jwt.kind")
    subject = credential["credentialSubject"]
    claims = {_CLAIMS[k]: _plain(v) for k, v in subject.items() if k in _CLAIMS}
    payload: dict[str, Any] = {
        "vct": DIPLOMA_VCT, "iss": issuer, "jti": credential["id"], "iat": int(now.timestamp()),
        "nbf": int(dt.datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00")).timestamp()),
        "cnf": {"jwk": dict(holder_jwk)}, **claims,
    }
    always = [k for k in payload if k not in SELECTIVE]
    non_sd = always + [p for k, v in payload.items() for p in _paths(v, k)]
    return payload, non_sd


class AgentSDJWTSigner:
    """ACA-Py's ``POST /wallet/sd-jwt/sign`` with the ministry's key (never leaves the agent)."""

    def __init__(self, client: AdminClient, verification_method: str) -> None:
        self.client = client
        self.verification_method = verification_method

    def sign_sd_jwt(self, payload: Mapping[str, Any], non_sd_list: list[str]) -> str:
        """The SD-JWT with all its disclosures (``<jwt>~<disclosure>~…~``).

        Raises:
            WalletError (claim.signing): the agent refused or is unreachable.
        """
        body = {"headers": {"typ": SD_JWT_TYP}, "payload": dict(payload), "non_sd_list": non_sd_list, "verificationMethod": self.verification_method}
        try:
            signed = self.client.request_json("POST", "/wallet/sd-jwt/sign", body)
        except AgentError as err:
            raise WalletError(f"the ministry's agent did not sign the SD-JWT VC: {err.message}", code="claim.signing") from err
        if not isinstance(signed, str):
            raise WalletError("the agent's SD-JWT answer is not a string", code="claim.signing")
        return signed
