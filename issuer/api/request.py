"""Parse a W3C CCG VC API issue request (VC API §3.2.1 "Issue Credential": ``IssueCredentialRequest``
is ``{"credential": {...}, "options": {...}}``). Pure: no Flask, no agent.

Options accepted (anything else is refused, not ignored):

``cryptosuite``          ``eddsa-rdfc-2022`` (the default) or ``eddsa-jcs-2022``
``type``                 ``DataIntegrityProof`` (with a cryptosuite) or ``Ed25519Signature2020``
``created``              the proof's creation time, a date-time with a time zone (Data Integrity only)
``verificationMethod``   must be the ministry's own (the service signs with no other key)
``proofPurpose``         ``assertionMethod`` only
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shahada.issuer.api.errors import BadRequestError
from shahada.proofs.types import DATA_INTEGRITY_CRYPTOSUITES

OPTIONS = frozenset({"cryptosuite", "type", "created", "verificationMethod", "proofPurpose"})
DATA_INTEGRITY_PROOF = "DataIntegrityProof"


@dataclass(frozen=True, slots=True)
class IssueRequest:
    credential: dict[str, Any]
    suite: str  # a cryptosuite name, or "Ed25519Signature2020"
    created: str | None
    verification_method: str | None


def _bad(code: str, message: str) -> BadRequestError:
    return BadRequestError(message, code=code)


def _option(options: Mapping[str, Any], name: str) -> str | None:
    value = options.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise _bad("request.option_invalid", f"options.{name} must be a non-empty string")
    return value


def _suite(options: Mapping[str, Any], *, default: str, suites: frozenset[str]) -> str:
    proof_type, cryptosuite = _option(options, "type"), _option(options, "cryptosuite")
    if cryptosuite is not None:
        if proof_type not in (None, DATA_INTEGRITY_PROOF):
            raise _bad("request.option_invalid", f"a cryptosuite goes with type {DATA_INTEGRITY_PROOF}, not {proof_type!r}")
        suite = cryptosuite
    elif proof_type == DATA_INTEGRITY_PROOF:
        raise _bad("request.option_invalid", f"type {DATA_INTEGRITY_PROOF} needs a cryptosuite")
    else:
        suite = proof_type or default
    if suite not in suites:
        raise _bad("request.cryptosuite_unsupported", f"unsupported proof suite {suite!r}; supported: {', '.join(sorted(suites))}")
    return suite


def parse_issue_request(body: Any, *, default_suite: str, suites: frozenset[str]) -> IssueRequest:
    """Validate the shape of an issue request (the credential itself is checked by ``issue``).

    Args:
        body: the parsed JSON body.
        default_suite: the suite used when the options name none.
        suites: the suites the service signs with.

    Raises:
        BadRequestError: ``request.invalid``, ``request.credential_missing``,
            ``request.option_unknown``, ``request.option_invalid``, ``request.cryptosuite_unsupported``.
    """
    if not isinstance(body, dict):
        raise _bad("request.invalid", "the request body must be a JSON object")
    unknown = sorted(set(body) - {"credential", "options"})
    if unknown:
        raise _bad("request.invalid", f"unknown member(s) in the request: {', '.join(unknown)}")
    credential = body.get("credential")
    if credential is None:
        raise _bad("request.credential_missing", "the request has no credential")
    if not isinstance(credential, dict):
        raise _bad("request.invalid", "credential must be a JSON object")
    options = body.get("options", {})
    if not isinstance(options, dict):
        raise _bad("request.invalid", "options must be a JSON object")
    unknown = sorted(set(options) - OPTIONS)
    if unknown:
        raise _bad("request.option_unknown", f"unsupported option(s): {', '.join(unknown)}; supported: {', '.join(sorted(OPTIONS))}")
    suite = _suite(options, default=default_suite, suites=suites)
    purpose = _option(options, "proofPurpose")
    if purpose not in (None, "assertionMethod"):
        raise _bad("request.option_invalid", "a credential is issued for the assertionMethod purpose only")
    created = _option(options, "created")
    if created is not None:
        if suite not in DATA_INTEGRITY_CRYPTOSUITES:
            raise _bad("request.option_invalid", f"options.created is supported with Data Integrity cryptosuites, not {suite}")
        try:
            parsed = datetime.fromisoformat(created)
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            raise _bad("request.option_invalid", f"options.created {created!r} is not a date-time with a time zone")
    return IssueRequest(credential, suite, created, _option(options, "verificationMethod"))
