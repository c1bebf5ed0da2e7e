"""The one verdict on a verification, for every way a document is checked.

Credentials, presentations, printed seals (a QR text or URL, a photo, a PDF) and share links each
end in named checks (:class:`~shahada.verifier.result.Check`). :func:`verdict` turns those checks
into what a person or a program acts on, and it is the only place that does: ``shahada verify``
maps it to its exit code (:func:`exit_code`), the verifier's pages to their headline, the VC API to
its ``verdict`` member.

=============  ==========================================================================================
``valid``      every check passed (the issuer trusted, not revoked, not suspended, agreeing with the
               ministry's records when they were consulted)
``revoked``    authentic, but the ministry revoked it (``status.revoked``, ``registry.revoked``)
``suspended``  authentic, but the ministry suspended it (``status.suspended``, ``registry.suspended``)
``incomplete`` nothing failed except a check that could not be completed now: the issuer's key, a
               status list, the registry or a portal could not be reached, or no fresh status list is available
               (:data:`INCOMPLETE_CODES`).
               Never "invalid": try again later
``unusable``   the input is not a document of this kind at all (a seal that cannot be decoded)
``invalid``    any other failure: tampered, another key, an untrusted issuer, expired, unknown to the
               ministry, superseded, a replayed challenge…
=============  ==========================================================================================

A definite answer wins over an incomplete one: a credential whose revocation list says "revoked"
is revoked even when its suspension list could not be fetched; an invalid one stays invalid
whatever else could not be checked. A presentation's or share link's ``credentials`` check only
says "a credential inside failed": the credentials' own checks (``inner``) decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, Literal

from shahada.verifier.result import Check

__all__ = [
    "AGGREGATE_CODES",
    "INCOMPLETE_CODES",
    "REVOKED_CODES",
    "SUSPENDED_CODES",
    "UNUSABLE_CODES",
    "VERDICTS",
    "Verdict",
    "exit_code",
    "verdict",
]

Verdict = Literal["valid", "invalid", "revoked", "suspended", "incomplete", "unusable"]
VERDICTS: Final[tuple[Verdict, ...]] = ("valid", "invalid", "revoked", "suspended", "incomplete", "unusable")

INCOMPLETE_CODES: Final = frozenset({"did.resolution", "status.unavailable", "status.stale", "registry.unavailable", "share.unavailable"})
REVOKED_CODES: Final = frozenset({"status.revoked", "registry.revoked"})
SUSPENDED_CODES: Final = frozenset({"status.suspended", "registry.suspended"})
UNUSABLE_CODES: Final = frozenset({"seal.malformed", "seal.truncated", "seal.oversized", "seal.version"})
AGGREGATE_CODES: Final = frozenset({"credential.invalid"})  # "a credential inside failed": its own checks say how

_EXIT: Final[dict[Verdict, int]] = {"valid": 0, "invalid": 1, "revoked": 1, "suspended": 1, "unusable": 2, "incomplete": 3}


def verdict(verified: bool, checks: Iterable[Check], *, inner: Iterable[Iterable[Check]] = ()) -> Verdict:
    """The verdict on a result whose ``verified`` flag and ``checks`` are given; ``inner`` are the
    checks of each credential inside a presentation or share link."""
    if verified:
        return "valid"
    codes = {c.code for c in checks if c.outcome == "failed"}
    inside = {c.code for result in inner for c in result if c.outcome == "failed"}
    if inside:
        codes = (codes - AGGREGATE_CODES) | inside
    if codes & UNUSABLE_CODES:
        return "unusable"
    definite = codes - INCOMPLETE_CODES - REVOKED_CODES - SUSPENDED_CODES
    if definite or not codes:
        return "invalid"
    if codes & REVOKED_CODES:
        return "revoked"
    if codes & SUSPENDED_CODES:
        return "suspended"
    return "incomplete"


def exit_code(outcome: Verdict) -> int:
    """``shahada verify``'s exit code: 0 valid, 1 invalid (revoked and suspended too), 2 unusable
    input, 3 a check could not be completed now."""
    return _EXIT[outcome]
