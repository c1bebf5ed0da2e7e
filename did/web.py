"""did:web ↔ HTTPS URL (W3C CCG "did:web Method Specification", §3.2 "DID Method Operations",
"Read (Resolve)" steps 1-6).

``did:web:example.org`` → ``https://example.org/.well-known/did.json``;
``did:web:example.org%3A8443:ministry:bac`` → ``https://example.org:8443/ministry/bac/did.json``.

Validation is deliberately stricter than the method spec: the host must be a DNS hostname (no IP
literal, no userinfo), the only percent-encoding allowed in it is the ``%3A`` before the port, and
path segments must be non-empty and may not be ``.`` or ``..``. Anything else is
:class:`~shahada.did.errors.InvalidDIDError`, raised before any URL is built.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from shahada.did.errors import InvalidDIDError

DID_WEB_PREFIX = "did:web:"
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_RAW_SEGMENT = re.compile(r"^(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$")
_PORT = re.compile(r"^[0-9]{1,5}$")
_FORBIDDEN_IN_SEGMENT = set("/\\?#%:") | {chr(c) for c in range(0x21)} | {"\x7f"}
_SEGMENT_SAFE = "-._~!$&'()*+,;=@"


def _check_hostname(host: str) -> str:
    if "@" in host:
        raise InvalidDIDError("a did:web host may not carry userinfo")
    if not host or len(host) > 253:
        raise InvalidDIDError(f"invalid did:web host {host!r}")
    labels = host.split(".")
    if not all(_LABEL.match(label) for label in labels):
        raise InvalidDIDError(f"did:web host {host!r} is not a DNS hostname")
    if labels[-1].isdigit():
        raise InvalidDIDError(f"did:web host {host!r} is an IP address, not a hostname")
    return host


def _check_port(port: int) -> int:
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise InvalidDIDError(f"invalid did:web port {port!r}")
    return port


def _split_host(raw: str) -> tuple[str, int | None]:
    match = re.fullmatch(r"(.*?)(?:%3[Aa]([^%]*))?", raw)
    assert match is not None  # the pattern matches every string
    host, port_text = match.group(1), match.group(2)
    if "%" in host:
        detail = "userinfo" if "%40" in host.lower() else "percent-encoding other than the port's %3A"
        raise InvalidDIDError(f"did:web host {raw!r} carries {detail}")
    port: int | None = None
    if port_text is not None:
        if not _PORT.match(port_text):
            raise InvalidDIDError(f"invalid did:web port in {raw!r}")
        port = _check_port(int(port_text))
    return _check_hostname(host), port


def _decode_segment(raw: str) -> str:
    if not _RAW_SEGMENT.match(raw):
        raise InvalidDIDError(f"invalid did:web path segment {raw!r}")
    segment = unquote(raw)
    if segment in (".", "..") or any(c in _FORBIDDEN_IN_SEGMENT for c in segment):
        raise InvalidDIDError(f"unsafe did:web path segment {raw!r}")
    return segment


def parse_did_web(did: str) -> tuple[str, int | None, tuple[str, ...]]:
    """Split a did:web into (host, port, decoded path segments), validating every part.

    Raises:
        InvalidDIDError (did.invalid): not a did:web, or any part fails validation.
    """
    if not isinstance(did, str) or not did.startswith(DID_WEB_PREFIX):
        raise InvalidDIDError(f"not a did:web: {did!r}")
    msid = did[len(DID_WEB_PREFIX) :]
    if any(c in msid for c in "#?/"):
        raise InvalidDIDError(f"a did:web has no query, fragment or '/' here: {did!r}")
    raw_host, *raw_segments = msid.split(":")
    host, port = _split_host(raw_host)
    return host, port, tuple(_decode_segment(s) for s in raw_segments)


def did_web_to_url(did: str) -> str:
    """The HTTPS URL of the DID document of ``did`` (did:web §3.2 Read, steps 1-6).

    Returns:
        ``https://host[:port]/.well-known/did.json`` or ``https://host[:port]/p/a/t/h/did.json``.

    Raises:
        InvalidDIDError (did.invalid): see :func:`parse_did_web`.
    """
    host, port, segments = parse_did_web(did)
    authority = host if port is None else f"{host}:{port}"
    path = "/".join(quote(s, safe=_SEGMENT_SAFE) for s in segments) if segments else ".well-known"
    return f"https://{authority}/{path}/did.json"


def did_web_from_domain(domain: str, path: str | None = None, port: int | None = None) -> str:
    """The did:web for a domain, optional port and optional path (``"ministry/bac"``).

    The port is written ``%3A<port>``; path segments are percent-encoded and joined with ``:``.

    Raises:
        InvalidDIDError (did.invalid): bad hostname, port or path segment.
    """
    msid = _check_hostname(domain)
    if port is not None:
        msid += f"%3A{_check_port(port)}"
    if path is not None:
        segments = path.strip("/").split("/")
        if segments == [""]:
            raise InvalidDIDError("an empty did:web path; pass None for the domain root")
        for segment in segments:
            if not segment or segment in (".", "..") or any(c in _FORBIDDEN_IN_SEGMENT for c in segment):
                raise InvalidDIDError(f"unsafe did:web path segment {segment!r}")
            # DID idchars are ALPHA / DIGIT / "." / "-" / "_" / pct-encoded; quote() keeps "~"
            msid += ":" + quote(segment, safe="-._").replace("~", "%7E")
    did = DID_WEB_PREFIX + msid
    parse_did_web(did)  # the result must parse back
    return did
