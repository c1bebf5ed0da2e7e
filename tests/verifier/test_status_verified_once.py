"""verifier/status.py: a fetched list is verified (and decoded) once, not once per credential;
freshness and trust are still checked every time, and a new list is verified again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest

import shahada.verifier.status as status_module
from shahada.status.lists import status_entry
from shahada.verifier.status import StatusChecker
from tests.verifier.test_status_freshness import CREDENTIAL, DAY, ISSUER, ORIGIN, T0, URL, Served, a_list


class CountingVerifier:
    def __init__(self, answer: tuple[bool, str] = (True, "")) -> None:
        self.calls: list[Mapping[str, Any]] = []
        self.answer = answer

    def __call__(self, document: Mapping[str, Any]) -> tuple[bool, str]:
        self.calls.append(document)
        return self.answer


def _checker(served: Served, verify: CountingVerifier, now: list[dt.datetime]) -> StatusChecker:
    return StatusChecker(served, {ISSUER: frozenset({ORIGIN})}, verify, clock=lambda: now[0])


def test_one_verification_per_fetched_list() -> None:
    served, verify, now = Served(), CountingVerifier(), [T0 + dt.timedelta(hours=1)]
    served.documents[URL] = a_list(T0)
    checker = _checker(served, verify, now)
    other = {"credentialStatus": [status_entry(ORIGIN, "revocation", 0, 8)]}
    for credential in (CREDENTIAL, other) * 3:
        assert checker.check(credential, ISSUER).outcome == "passed"
    assert len(verify.calls) == 1
    served.documents[URL] = a_list(T0 + dt.timedelta(minutes=1), revoked=True)  # a new list: verified again
    assert checker.check(CREDENTIAL, ISSUER).code == "status.revoked"
    assert len(verify.calls) == 2
    now[0] = T0 + 2 * DAY  # the remembered list expired: stale, whatever was remembered
    assert checker.check(CREDENTIAL, ISSUER).code == "status.stale"


def test_an_older_list_served_again_is_stale_though_it_was_verified_before() -> None:
    served, verify, now = Served(), CountingVerifier(), [T0 + dt.timedelta(hours=2)]
    old, new = a_list(T0), a_list(T0 + dt.timedelta(hours=1), revoked=True)
    checker = _checker(served, verify, now)
    served.documents[URL] = old
    assert checker.check(CREDENTIAL, ISSUER).outcome == "passed"
    served.documents[URL] = new
    assert checker.check(CREDENTIAL, ISSUER).code == "status.revoked"
    served.documents[URL] = old  # the same object, verified and remembered earlier
    assert checker.check(CREDENTIAL, ISSUER).code == "status.stale"


def test_a_list_that_does_not_verify_is_verified_every_time() -> None:
    served, verify, now = Served(), CountingVerifier((False, "signature: signature.invalid")), [T0 + dt.timedelta(hours=1)]
    served.documents[URL] = a_list(T0)
    checker = _checker(served, verify, now)
    for _ in range(3):
        assert checker.check(CREDENTIAL, ISSUER).code == "status.list_invalid"
    assert len(verify.calls) == 3


def test_the_verification_is_remembered_for_a_bounded_time(monkeypatch: pytest.MonkeyPatch) -> None:
    served, verify, now = Served(), CountingVerifier(), [T0 + dt.timedelta(hours=1)]
    served.documents[URL] = a_list(T0)
    checker = _checker(served, verify, now)
    clock = [1000.0]
    monkeypatch.setattr(status_module.time, "monotonic", lambda: clock[0])
    assert checker.check(CREDENTIAL, ISSUER).outcome == "passed"
    clock[0] += status_module.VERIFIED_LIST_SECONDS - 1
    assert checker.check(CREDENTIAL, ISSUER).outcome == "passed" and len(verify.calls) == 1
    clock[0] += 2
    assert checker.check(CREDENTIAL, ISSUER).outcome == "passed" and len(verify.calls) == 2
