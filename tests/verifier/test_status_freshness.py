"""The status check refuses lists that are not fresh (issue 17 finding 1): expired, without a
validity window, or older than a list already accepted at the same URL — "cannot verify"
(``status.stale``), never valid. The lists here are built, not signed: ``verify_list`` is given;
tests/integration/test_status.py does the same with lists signed by the agent and served by the site."""

from __future__ import annotations

import datetime as dt
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from shahada.status.bitstring import Bitstring
from shahada.status.lists import LIST_SIZE, list_credential, list_url, status_entry
from shahada.verifier.status import FileSeenLists, MemorySeenLists, StatusChecker

ISSUER = "did:web:h"
ORIGIN = "https://h"
URL = list_url(ORIGIN, "revocation", 0)
T0 = dt.datetime(2025, 7, 1, tzinfo=dt.UTC)
DAY = dt.timedelta(hours=24)


def a_list(valid_from: dt.datetime, *, revoked: bool = False, window: dt.timedelta | None = DAY, purpose: str = "revocation") -> dict[str, Any]:
    bits = Bitstring(LIST_SIZE)
    bits.set(7, revoked)
    return list_credential(url=list_url(ORIGIN, purpose, 0), issuer=ISSUER, purpose=purpose, bits=bits,  # type: ignore[arg-type]
                           valid_from=valid_from, valid_until=valid_from + window if window else None)


class Served:
    """What the issuer's origin serves at each URL, changed by the test."""

    def __init__(self) -> None:
        self.documents: dict[str, Mapping[str, Any]] = {}

    def fetch(self, url: str) -> Mapping[str, Any]:
        return self.documents[url]


CREDENTIAL = {"credentialStatus": [status_entry(ORIGIN, "revocation", 0, 7)]}


def checker(served: Served, now: dt.datetime, seen: Any = None) -> StatusChecker:
    return StatusChecker(served, {ISSUER: frozenset({ORIGIN})}, lambda document: (True, ""), clock=lambda: now,
                         seen=seen if seen is not None else MemorySeenLists())


def test_an_older_list_than_one_already_seen_is_refused() -> None:
    served = Served()
    served.documents[URL] = before = a_list(T0)
    check = checker(served, T0 + dt.timedelta(hours=1))
    assert check.check(CREDENTIAL, ISSUER).code == "ok"
    served.documents[URL] = a_list(T0 + dt.timedelta(minutes=30), revoked=True)  # the revocation is published
    assert check.check(CREDENTIAL, ISSUER).code == "status.revoked"
    served.documents[URL] = before  # the list from before the revocation, validly signed, served again
    refused = check.check(CREDENTIAL, ISSUER)
    assert (refused.outcome, refused.code) == ("failed", "status.stale")
    assert "older than the one already seen" in refused.message
    # another list with the same validFrom as the one seen but other bits: not the one seen
    served.documents[URL] = a_list(T0 + dt.timedelta(minutes=30), revoked=False)
    assert check.check(CREDENTIAL, ISSUER).code == "status.stale"
    served.documents[URL] = a_list(T0 + dt.timedelta(minutes=40), revoked=False)  # a newer list (unrevoked) is taken
    assert check.check(CREDENTIAL, ISSUER).code == "ok"


def test_an_expired_list_and_a_list_without_window_cannot_verify() -> None:
    served = Served()
    served.documents[URL] = a_list(T0)
    expired = checker(served, T0 + DAY).check(CREDENTIAL, ISSUER)
    assert (expired.outcome, expired.code) == ("failed", "status.stale") and "expired at 2025-07-02T00:00:00Z" in expired.message
    early = checker(served, T0 - dt.timedelta(seconds=1)).check(CREDENTIAL, ISSUER)
    assert early.code == "status.stale"
    served.documents[URL] = a_list(T0, window=None)  # as every list was signed before issue 17
    endless = checker(served, T0 + dt.timedelta(minutes=1)).check(CREDENTIAL, ISSUER)
    assert endless.code == "status.stale" and "no validity window" in endless.message


def test_a_stale_list_does_not_hide_a_set_bit_of_another_list() -> None:
    served = Served()
    suspension = list_url(ORIGIN, "suspension", 0)
    served.documents[URL] = a_list(T0 - 2 * DAY)  # expired
    served.documents[suspension] = a_list(T0, revoked=True, purpose="suspension")
    credential = {"credentialStatus": [status_entry(ORIGIN, "revocation", 0, 7), status_entry(ORIGIN, "suspension", 0, 7)]}
    assert checker(served, T0 + dt.timedelta(hours=1)).check(credential, ISSUER).code == "status.suspended"
    served.documents[suspension] = a_list(T0, purpose="suspension")
    assert checker(served, T0 + dt.timedelta(hours=1)).check(credential, ISSUER).code == "status.stale"


def test_a_list_whose_signature_fails_is_not_remembered() -> None:
    served, seen = Served(), MemorySeenLists()
    served.documents[URL] = a_list(T0 + dt.timedelta(days=300))  # far in the future: would block every genuine list
    forged = StatusChecker(served, {ISSUER: frozenset({ORIGIN})}, lambda document: (False, "signature: signature.invalid"),
                           clock=lambda: T0 + dt.timedelta(days=300, hours=1), seen=seen)
    assert forged.check(CREDENTIAL, ISSUER).code == "status.list_invalid"
    assert seen.newest(URL) is None


def test_the_installations_memory_survives_the_process(tmp_path: Path) -> None:
    """`shahada verify` runs once per process: what one run saw, the next one knows."""
    path = tmp_path / "verifier" / "status-lists-seen.json"
    served = Served()
    served.documents[URL] = before = a_list(T0)
    now = T0 + dt.timedelta(hours=1)
    assert checker(served, now, FileSeenLists(path)).check(CREDENTIAL, ISSUER).code == "ok"
    served.documents[URL] = a_list(T0 + dt.timedelta(minutes=30), revoked=True)
    assert checker(served, now, FileSeenLists(path)).check(CREDENTIAL, ISSUER).code == "status.revoked"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    served.documents[URL] = before
    assert checker(served, now, FileSeenLists(path)).check(CREDENTIAL, ISSUER).code == "status.stale"
    # two runs that saw different lists: the file keeps the newest of each
    other = list_url(ORIGIN, "revocation", 1)
    run_a, run_b = FileSeenLists(path), FileSeenLists(path)
    run_b.remember(other, (T0, "b"))
    run_a.remember(URL, (T0 + dt.timedelta(hours=2), "a"))
    merged = FileSeenLists(path)
    assert merged.newest(URL) == (T0 + dt.timedelta(hours=2), "a") and merged.newest(other) == (T0, "b")
    path.write_text("not json", encoding="utf-8")
    assert FileSeenLists(path).newest(URL) is None  # unreadable: as if empty, never a crash
