"""verifier/verdict.py: the one rule behind exit codes, pages and the API's ``verdict``."""

from __future__ import annotations

import pytest

from shahada.verifier.result import Check
from shahada.verifier.verdict import exit_code, verdict


def failed(code: str, name: str = "x") -> Check:
    return Check(name, "failed", code, "")


PASSED = Check("signature", "passed", "ok", "")


@pytest.mark.parametrize(
    ("codes", "expected", "exit"),
    [
        ((), "valid", 0),
        (("status.revoked",), "revoked", 1),
        (("registry.revoked",), "revoked", 1),
        (("registry.suspended",), "suspended", 1),
        (("did.resolution",), "incomplete", 3),
        (("status.unavailable",), "incomplete", 3),
        (("registry.unavailable",), "incomplete", 3),
        (("share.unavailable",), "incomplete", 3),
        (("status.revoked", "status.unavailable"), "revoked", 1),  # a definite answer wins
        (("signature.invalid", "registry.unavailable"), "invalid", 1),
        (("issuer.untrusted",), "invalid", 1),
        (("registry.superseded",), "invalid", 1),
        (("seal.truncated",), "unusable", 2),
    ],
)
def test_the_rule(codes: tuple[str, ...], expected: str, exit: int) -> None:
    outcome = verdict(not codes, (PASSED, *(failed(c) for c in codes)))
    assert outcome == expected and exit_code(outcome) == exit


def test_not_verified_without_a_failure_is_never_valid() -> None:
    assert verdict(False, (Check("signature", "skipped", "skipped", ""),)) == "invalid"


def test_a_presentation_is_judged_by_its_credentials() -> None:
    aggregate = failed("credential.invalid", "credentials")
    assert verdict(False, (PASSED, aggregate), inner=[(failed("status.revoked"),)]) == "revoked"
    assert verdict(False, (PASSED, aggregate), inner=[(failed("status.unavailable"),), ()]) == "incomplete"
    assert verdict(False, (failed("challenge.replayed"), aggregate), inner=[(failed("status.revoked"),)]) == "invalid"
