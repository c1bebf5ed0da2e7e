"""Parse the verifier service's requests. Pure: no Flask, no I/O.

W3C CCG VC API, "Verify Credential": ``{"verifiableCredential": {...}, "options": {...}}``;
"Verify Presentation": ``{"verifiablePresentation": {...}, "options": {"challenge", "domain"}}``.
The Shahada extension "Verify Seal" takes ``{"seal": "<QR text or URL>", "options": {"massar"}}``,
"Verify Share" ``{"url": "<a graduate portal's share link>"}``.

Options are checked, not ignored: an option the service does not know is refused
(``request.option_unknown``) so that a caller never believes a check ran that did not. The VC API's
``checks`` option (a list of check names) is accepted; the service always runs every check and
says so in a warning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from shahada.common import jsontext
from shahada.verifier.web.errors import BadRequestError

__all__ = [
    "CredentialRequest",
    "PresentationRequest",
    "SealRequest",
    "ShareRequest",
    "parse_credential_request",
    "parse_json",
    "parse_presentation_request",
    "parse_seal_request",
    "parse_share_request",
    "valid_massar",
]

MAX_OPTION_CHARS: Final = 256
MAX_URL_CHARS: Final = 2048
_MASSAR: Final = re.compile(r"^[A-Za-z0-9]{6,20}$")
CHECKS_WARNING: Final = "the service runs every check; options.checks does not narrow them"


@dataclass(frozen=True, slots=True)
class CredentialRequest:
    credential: Any
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PresentationRequest:
    presentation: Any
    challenge: str | None
    domain: str | None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SealRequest:
    text: str
    massar: str | None


@dataclass(frozen=True, slots=True)
class ShareRequest:
    url: str


def _bad(code: str, message: str) -> BadRequestError:
    return BadRequestError(message, code=code)


def parse_json(raw: bytes) -> Any:
    """The JSON value of a request body (RFC 8259, UTF-8).

    Raises:
        BadRequestError: ``request.json``, with the parser's reason and position.
    """
    try:
        return jsontext.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise _bad("request.json", f"the body is not UTF-8: {err.reason} at byte {err.start}") from err
    except (ValueError, RecursionError) as err:  # also the int-digits limit of Python 3.11+
        reason = str(err) if not isinstance(err, RecursionError) else "nested too deeply"
        raise _bad("request.json", f"the body is not JSON: {reason}") from err


def _object(body: Any, allowed: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(body, dict):
        raise _bad("request.invalid", f"the request body must be a JSON object with {', '.join(sorted(allowed))}")
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise _bad("request.invalid", f"unknown member(s) in the request: {', '.join(unknown)}; expected {', '.join(sorted(allowed))}")
    return body


def _options(body: Mapping[str, Any], known: frozenset[str]) -> tuple[Mapping[str, Any], tuple[str, ...]]:
    options = body.get("options", {})
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise _bad("request.invalid", "options must be a JSON object")
    unknown = sorted(set(options) - known - {"checks"})
    if unknown:
        supported = ", ".join(sorted(known | {"checks"}))
        raise _bad("request.option_unknown", f"unsupported option(s): {', '.join(unknown)}; supported: {supported}")
    warnings: tuple[str, ...] = ()
    if "checks" in options:
        checks = options["checks"]
        if not isinstance(checks, list) or not all(isinstance(c, str) for c in checks):
            raise _bad("request.option_invalid", "options.checks must be a list of check names")
        warnings = (CHECKS_WARNING,)
    return options, warnings


def _string_option(options: Mapping[str, Any], name: str) -> str | None:
    value = options.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > MAX_OPTION_CHARS:
        raise _bad("request.option_invalid", f"options.{name} must be a string of 1 to {MAX_OPTION_CHARS} characters")
    return value


def parse_credential_request(body: Any) -> CredentialRequest:
    """Raises:
    BadRequestError: ``request.invalid``, ``request.credential_missing``,
        ``request.option_unknown``, ``request.option_invalid``.
    """
    request = _object(body, frozenset({"verifiableCredential", "options"}))
    if "verifiableCredential" not in request or request["verifiableCredential"] is None:
        raise _bad("request.credential_missing", "the request has no verifiableCredential")
    credential = request["verifiableCredential"]
    if not isinstance(credential, dict):
        kind = "an enveloped (string) credential, which this service does not accept" if isinstance(credential, str) else type(credential).__name__
        raise _bad("request.invalid", f"verifiableCredential must be a JSON object, not {kind}")
    _, warnings = _options(request, frozenset())
    return CredentialRequest(credential, warnings)


def parse_presentation_request(body: Any) -> PresentationRequest:
    """Raises:
    BadRequestError: ``request.invalid``, ``request.presentation_missing``,
        ``request.option_unknown``, ``request.option_invalid``.
    """
    request = _object(body, frozenset({"verifiablePresentation", "options"}))
    if "verifiablePresentation" not in request or request["verifiablePresentation"] is None:
        raise _bad("request.presentation_missing", "the request has no verifiablePresentation")
    presentation = request["verifiablePresentation"]
    if not isinstance(presentation, dict):
        raise _bad("request.invalid", f"verifiablePresentation must be a JSON object, not {type(presentation).__name__}")
    options, warnings = _options(request, frozenset({"challenge", "domain"}))
    return PresentationRequest(presentation, _string_option(options, "challenge"), _string_option(options, "domain"), warnings)


def valid_massar(value: str) -> bool:
    """A Code Massar as printed: 6 to 20 ASCII letters and digits."""
    return bool(_MASSAR.fullmatch(value))


def parse_seal_request(body: Any) -> SealRequest:
    """Raises:
    BadRequestError: ``request.invalid``, ``request.seal_missing``, ``request.option_unknown``,
        ``request.option_invalid`` (a Code Massar that is not 6–20 letters and digits).
    """
    request = _object(body, frozenset({"seal", "options"}))
    text = request.get("seal")
    if text is None:
        raise _bad("request.seal_missing", "the request has no seal (the text of the QR code, or its URL)")
    if not isinstance(text, str):
        raise _bad("request.invalid", f"seal must be a string, not {type(text).__name__}")
    options, _ = _options(request, frozenset({"massar"}))
    massar = _string_option(options, "massar")
    if massar is not None and not valid_massar(massar):
        raise _bad("request.option_invalid", "options.massar must be a Code Massar: 6 to 20 letters and digits")
    return SealRequest(text, massar)


def parse_share_request(body: Any) -> ShareRequest:
    """Raises:
    BadRequestError: ``request.invalid``, ``request.url_missing`` (no link, or an empty one).
    """
    request = _object(body, frozenset({"url"}))
    url = request.get("url")
    if url is None or url == "":
        raise _bad("request.url_missing", "the request has no url (the share link the graduate gave)")
    if not isinstance(url, str) or len(url) > MAX_URL_CHARS:
        raise _bad("request.invalid", f"url must be a string of at most {MAX_URL_CHARS} characters")
    return ShareRequest(url.strip())
