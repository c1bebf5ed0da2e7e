"""The outcome of verifying one credential: named checks, each passed, failed or skipped.

Modelled on the ``{verified, results, error}`` object of the W3C VC verification algorithm
(VC Data Model 2.0 §7.1 "Verification"): a failed signature or an expiry is a result, not an
exception. Check names and codes are stable and documented in :mod:`shahada.verifier.verify`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CheckOutcome = Literal["passed", "failed", "skipped"]
CheckName = Literal["structure", "context", "issuer", "proof", "key", "signature", "schema", "validity"]
CHECK_NAMES: tuple[CheckName, ...] = ("structure", "context", "issuer", "proof", "key", "signature", "schema", "validity")
OK = "ok"
SKIPPED = "skipped"
UNTRUSTED = "issuer.untrusted"


def authentic(checks: tuple[Check, ...]) -> bool:
    """Every check passed, or was optional, except the issuer's trust: the document is what its
    issuer signed, whoever that issuer is (the VC API's ``verified``; pages also require trust).
    ``archive`` may be skipped (the records of another issuer, or none reachable)."""
    return all(c.outcome == "passed" or c.code == UNTRUSTED or (c.name == "archive" and c.outcome == "skipped") for c in checks)


@dataclass(frozen=True, slots=True)
class Check:
    """One named check: its outcome, a stable code (``ok`` when passed) and a human message."""

    name: str
    outcome: CheckOutcome
    code: str
    message: str
    since: str | None = None  # revoked or suspended: the date (YYYY-MM-DD) the registry gives, never the reason

    def to_dict(self) -> dict[str, str]:
        out = {"name": self.name, "outcome": self.outcome, "code": self.code, "message": self.message}
        if self.since is not None:
            out["since"] = self.since
        return out


class Checked:
    """``errors`` and ``check(name)`` over the ``checks`` of a result (a credential's, a
    presentation's, a seal's, a share link's)."""

    __slots__ = ()
    checks: tuple[Check, ...]

    @property
    def errors(self) -> tuple[Check, ...]:
        """The failed checks."""
        return tuple(c for c in self.checks if c.outcome == "failed")

    def check(self, name: str) -> Check:
        """The check called ``name``.

        Raises:
            KeyError: no such check.
        """
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class VerificationResult(Checked):
    """All checks, in order; ``verified`` is true only when every check passed (the issuer is
    trusted); ``authentic`` when every check but the issuer's trust passed."""

    verified: bool
    checks: tuple[Check, ...]
    authentic: bool = False

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: ``{"verified", "checks": [...], "errors": [...]}``."""
        return {
            "verified": self.verified,
            "checks": [c.to_dict() for c in self.checks],
            "errors": [c.to_dict() for c in self.errors],
        }
