"""A small typed client for the ACA-Py 1.7 admin API endpoints the ministry uses.

Every call has a timeout; every failure is mapped to :mod:`shahada.issuer.errors`:
connection problems → ``AgentUnavailableError`` (agent.unavailable), an error status →
``AgentRequestError`` (agent.request) carrying the status and the agent's message.
The API key travels in the ``X-API-Key`` header, never in a URL.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from shahada.agent.errors import AgentRequestError, AgentUnavailableError


@dataclass(frozen=True, slots=True)
class DIDInfo:
    did: str
    verkey: str  # base58 Ed25519 public key
    method: str
    key_type: str


@dataclass(frozen=True, slots=True)
class KeyInfo:
    kid: str | None
    multikey: str


class AdminClient:
    """Synchronous client of one agent's admin API. Thread-safe (one pooled session)."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 30.0,
        connect_timeout: float = 3.0,
        pool_size: int = 16,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._timeout = (connect_timeout, timeout)
        self._session = session or requests.Session()
        adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._session.headers["X-API-Key"] = api_key
        self._session.trust_env = False  # the admin API is on loopback: never through a proxy

    def close(self) -> None:
        self._session.close()

    # --- transport ---------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        ok: tuple[int, ...] = (200, 201),
        timeout: tuple[float, float] | None = None,
    ) -> requests.Response:
        url = f"{self.base_url}{path}"
        try:
            response = self._session.request(method, url, json=json, params=params, timeout=timeout or self._timeout)
        except requests.Timeout as err:
            raise AgentUnavailableError(f"ACA-Py admin API timed out: {method} {path}") from err
        except requests.ConnectionError as err:
            raise AgentUnavailableError(f"ACA-Py admin API unreachable at {self.base_url}: {err}") from err
        if response.status_code not in ok:
            raise AgentRequestError(
                f"ACA-Py {method} {path} answered {response.status_code}: {_message(response)}",
                status=response.status_code,
                body=response.text[:2000],
            )
        return response

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._request(method, path, **kwargs)
        try:
            return response.json()
        except ValueError as err:
            raise AgentRequestError(f"ACA-Py {method} {path} returned non-JSON", status=response.status_code) from err

    def request_json(
        self, method: str, path: str, body: Mapping[str, Any] | None = None, *, params: Mapping[str, str] | None = None
    ) -> Any:
        """Any admin endpoint, JSON in and out (the DIDComm protocols' records and actions).

        Raises:
            AgentUnavailableError (agent.unavailable), AgentRequestError (agent.request, with ``status``).
        """
        return self._json(method, path, json=None if body is None else dict(body), params=params)

    # --- status ------------------------------------------------------------------------------

    def is_ready(self) -> bool:
        """True when the agent answers ``/status/ready`` with ready=true; False if not reachable."""
        try:
            data = self._json("GET", "/status/ready", timeout=(1.0, 2.0))
        except (AgentUnavailableError, AgentRequestError):
            return False
        return bool(data.get("ready"))

    # --- DIDs and keys -----------------------------------------------------------------------

    def get_did(self, did: str) -> DIDInfo | None:
        data = self._json("GET", "/wallet/did", params={"did": did})
        results = data.get("results") or []
        return _did_info(results[0]) if results else None

    def list_dids(self, *, method: str) -> list[DIDInfo]:
        data = self._json("GET", "/wallet/did", params={"method": method})
        return [_did_info(r) for r in data.get("results") or []]

    def create_did(self, method: str, options: Mapping[str, Any]) -> DIDInfo:
        data = self._json("POST", "/wallet/did/create", json={"method": method, "options": dict(options)})
        return _did_info(data["result"])

    def fetch_key(self, multikey: str) -> KeyInfo | None:
        try:
            data = self._json("GET", f"/wallet/keys/{multikey}")
        except AgentRequestError as err:
            if err.status == 404:
                return None
            raise
        return KeyInfo(kid=data.get("kid"), multikey=data["multikey"])

    def bind_key(self, multikey: str, kid: str) -> KeyInfo:
        data = self._json("PUT", "/wallet/keys", json={"multikey": multikey, "kid": kid})
        return KeyInfo(kid=data.get("kid"), multikey=data["multikey"])

    def ensure_key(self, kid: str) -> KeyInfo:
        """The wallet's Ed25519 key bound to ``kid``, created there once (the plugin's ``POST /shahada/keys``)."""
        data = self._json("POST", "/shahada/keys", json={"kid": kid})
        return KeyInfo(kid=data.get("kid"), multikey=data["multikey"])

    # --- W3C credentials ---------------------------------------------------------------------

    def issue_credential(self, credential: Mapping[str, Any], *, proof_type: str, verification_method: str) -> dict[str, Any]:
        """Sign a credential with ``/vc/credentials/issue``; returns the verifiable credential."""
        body = {"credential": credential, "options": {"proofType": proof_type, "verificationMethod": verification_method}}
        signed: dict[str, Any] = self._json("POST", "/vc/credentials/issue", json=body)["verifiableCredential"]
        return signed

    def add_proof(self, document: Mapping[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
        """Sign any JSON document with ``/vc/di/add-proof`` (Data Integrity)."""
        secured: dict[str, Any] = self._json("POST", "/vc/di/add-proof", json={"document": document, "options": dict(options)})["securedDocument"]
        return secured

    def verify_credential(self, credential: Mapping[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = self._json("POST", "/vc/credentials/verify", json={"verifiableCredential": credential})
        return result

    # --- the project's plugin ----------------------------------------------------------------

    def pinned_contexts(self) -> dict[str, str]:
        """URL → SHA-256 of the contexts the project's plugin serves inside the agent."""
        contexts: dict[str, str] = self._json("GET", "/shahada/contexts")["contexts"]
        return contexts

    def add_data_integrity_proof(
        self, document: Mapping[str, Any], *, cryptosuite: str, verification_method: str, created: str | None = None
    ) -> dict[str, Any]:
        """Secure ``document`` with the plugin's ``POST /shahada/di/add-proof`` (DataIntegrityProof,
        eddsa-rdfc-2022 or eddsa-jcs-2022, signed by the wallet key of ``verification_method``).

        Raises:
            AgentRequestError (agent.request): status 400 with the plugin's ``code`` in ``body``.
        """
        options: dict[str, Any] = {"type": "DataIntegrityProof", "cryptosuite": cryptosuite, "verificationMethod": verification_method}
        if created is not None:
            options["created"] = created
        secured: dict[str, Any] = self._json("POST", "/shahada/di/add-proof", json={"document": document, "options": options})["securedDocument"]
        return secured

    def verify_data_integrity(self, secured: Mapping[str, Any]) -> dict[str, Any]:
        """The plugin's ``POST /shahada/di/verify``: ``{"verified", "results"}`` (signature, key
        relationship and purpose; not dates nor status)."""
        result: dict[str, Any] = self._json("POST", "/shahada/di/verify", json={"securedDocument": secured})
        return result

    def seal(self, payloads: list[bytes], *, verification_method: str) -> list[bytes]:
        """COSE_Sign1 seals of printed documents, signed in the agent by the plugin's
        ``POST /shahada/seal`` with the wallet key of ``verification_method`` (in order).

        Raises:
            AgentRequestError (agent.request): 404 no such key in the wallet, 422 a payload that is
                not a seal content.
        """
        body = {"verificationMethod": verification_method, "payloads": [_b64url(p) for p in payloads]}
        seals: list[str] = self._json("POST", "/shahada/seal", json=body)["seals"]
        return [base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)) for s in seals]

    def sign_registry_records(self, records: list[Mapping[str, Any]], *, verification_method: str) -> list[str]:
        """Compact JWS of the public registry's records (:mod:`shahada.schemas.registry`), signed in
        the agent by the plugin's ``POST /shahada/registry`` with the wallet key of ``verification_method``.

        Raises:
            AgentRequestError (agent.request): 404 no such key in the wallet, 422 not a registry record.
        """
        body = {"verificationMethod": verification_method, "records": [dict(r) for r in records]}
        signed: list[str] = self._json("POST", "/shahada/registry", json=body)["records"]
        return signed


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _did_info(raw: Mapping[str, Any]) -> DIDInfo:
    return DIDInfo(did=raw["did"], verkey=raw["verkey"], method=raw.get("method", ""), key_type=raw.get("key_type", ""))


def _message(response: requests.Response) -> str:
    try:
        data = response.json()
        if isinstance(data, dict) and "message" in data:
            return str(data["message"])[:500]
    except ValueError:
        pass
    return response.text.strip()[:500] or response.reason
