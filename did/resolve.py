"""DID resolution for the verifier: did:key locally, did:web over HTTPS from an allow-list.

W3C DID Core 1.0 §7.1 "DID Resolution" (the ``resolve`` function, returning a conforming document
whose ``id`` is the DID) and did:web §3.2 "Read (Resolve)". did:web resolution is the only I/O in
the verification path, so it is fenced: an allow-list checked before any request (no SSRF), HTTPS
only, no redirects, a timeout, a streamed size cap and a JSON content-type check. Successful
results are cached per resolver instance for ``cache_ttl`` seconds.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from types import TracebackType

import requests

from shahada.did.document import DIDDocument
from shahada.did.errors import DIDResolutionError, InvalidDIDError, UntrustedDIDError
from shahada.did.key import DID_KEY_PREFIX, resolve_did_key
from shahada.did.web import DID_WEB_PREFIX, did_web_to_url

JSON_CONTENT_TYPES = frozenset(
    {"application/did+json", "application/did+ld+json", "application/json", "application/ld+json"}
)
_MAX_CACHE_ENTRIES = 1024
_CHUNK = 8192


class DIDResolver:
    """Resolves did:key and allow-listed did:web DIDs to :class:`DIDDocument`.

    Args:
        trusted_dids: the did:web DIDs that may be fetched; ``None`` allows any did:web (only for
            tools, never for the public verifier). did:key needs no network and is always allowed.
        session: the requests session to use; by default a private one that ignores proxy and
            netrc environment variables.
        timeout: seconds for connecting and for each read, and for the whole download.
        max_bytes: the largest DID document accepted; the download stops past it.
        cache_ttl: seconds a resolved did:web document is reused; 0 disables the cache.
        cache_entries: the most did:web documents kept; the oldest is dropped past it.
        verify_tls: ``True`` for the system CA store, or a CA bundle path (tests); never ``False``
            in production.
        clock: a monotonic clock, for the cache and the download deadline.
    """

    def __init__(
        self,
        *,
        trusted_dids: frozenset[str] | None,
        session: requests.Session | None = None,
        timeout: float = 5.0,
        max_bytes: int = 64 * 1024,
        cache_ttl: float = 300.0,
        cache_entries: int = _MAX_CACHE_ENTRIES,
        verify_tls: bool | str = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._trusted = trusted_dids
        self._owns_session = session is None
        if session is None:
            session = requests.Session()
            session.trust_env = False  # explicit configuration only: no proxy/netrc from env
        self._session = session
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._cache_ttl = cache_ttl
        self._cache_entries = max(1, cache_entries)
        self._verify_tls = verify_tls
        self._clock = clock
        self._cache: dict[str, tuple[float, DIDDocument]] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the session if this resolver created it."""
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> DIDResolver:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def resolve(self, did: str) -> DIDDocument:
        """Resolve ``did`` (a bare DID, no fragment) to its DID document.

        Raises:
            InvalidDIDError (did.invalid): malformed DID, or a document that is not valid.
            UntrustedDIDError (did.untrusted): a did:web not in ``trusted_dids``; nothing is fetched.
            DIDResolutionError (did.resolution): unsupported method, or the fetch failed (network,
                TLS, status, redirect, content type, size, JSON, id mismatch).
        """
        if not isinstance(did, str):
            raise InvalidDIDError("a DID must be a string")
        if did.startswith(DID_KEY_PREFIX):
            return DIDDocument.from_dict(resolve_did_key(did))
        if not did.startswith(DID_WEB_PREFIX):
            method = did.split(":")[1] if did.count(":") >= 2 and did.startswith("did:") else "?"
            raise DIDResolutionError(f"unsupported method did:{method} ({did})")
        url = did_web_to_url(did)  # validates before the allow-list is even consulted
        if self._trusted is not None and did not in self._trusted:
            raise UntrustedDIDError(f"{did} is not a trusted DID; it was not fetched")
        cached = self._cached(did)
        if cached is not None:
            return cached
        document = self._fetch(did, url)
        self._store(did, document)
        return document

    def _cached(self, did: str) -> DIDDocument | None:
        with self._lock:
            entry = self._cache.get(did)
            if entry is None:
                return None
            expires, document = entry
            if self._clock() < expires:
                return document
            del self._cache[did]
            return None

    def _store(self, did: str, document: DIDDocument) -> None:
        if self._cache_ttl <= 0:
            return
        with self._lock:
            if len(self._cache) >= self._cache_entries:
                self._cache.pop(next(iter(self._cache)))  # oldest insertion first
            self._cache[did] = (self._clock() + self._cache_ttl, document)

    def _fetch(self, did: str, url: str) -> DIDDocument:
        body = self._download(url)
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as err:
            raise DIDResolutionError(f"{url} did not return JSON: {err}") from err
        try:
            document = DIDDocument.from_dict(data)
        except InvalidDIDError as err:
            raise DIDResolutionError(f"{url} returned an invalid DID document: {err.message}") from err
        if document.id != did:
            raise DIDResolutionError(f"{url} returned the document of {document.id}, not of {did}")
        return document

    def _download(self, url: str) -> bytes:
        deadline = self._clock() + self._timeout
        try:
            with self._session.get(
                url,
                headers={"Accept": "application/did+json, application/json;q=0.9"},
                timeout=self._timeout,
                allow_redirects=False,
                stream=True,
                verify=self._verify_tls,
            ) as response:
                if response.status_code != 200:
                    kind = "a redirect (not followed)" if response.is_redirect else "status"
                    raise DIDResolutionError(f"{url} answered {kind} {response.status_code}")
                content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
                if content_type not in JSON_CONTENT_TYPES:
                    raise DIDResolutionError(f"{url} answered content type {content_type!r}, not JSON")
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > self._max_bytes:
                    raise DIDResolutionError(f"{url}: document of {declared} bytes exceeds {self._max_bytes}")
                body = bytearray()
                for chunk in response.iter_content(chunk_size=_CHUNK):
                    body += chunk
                    if len(body) > self._max_bytes:
                        raise DIDResolutionError(f"{url}: document exceeds {self._max_bytes} bytes")
                    if self._clock() > deadline:
                        raise DIDResolutionError(f"{url}: download exceeded {self._timeout} s")
                return bytes(body)
        except requests.RequestException as err:
            raise DIDResolutionError(f"could not fetch {url}: {type(err).__name__}: {err}") from err
