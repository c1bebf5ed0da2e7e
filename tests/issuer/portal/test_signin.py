"""Signing in (issuer/portal/signin.py) with an injected clock: a code only for matching details,
one use, ten minutes, five tries, locks, and sign-ins that end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from shahada.issuer.archive.store import Archive
from shahada.portal.errors import RateLimitedError, SignInError
from shahada.portal.otp import OutboxSender
from shahada.portal.settings import PortalSettings
from shahada.portal.signin import Pending, SignIn
from shahada.portal.store import PortalStore
from tests.issuer.portal.conftest import NOW, SECRET, Candidate, codes, last_code

IP = "198.51.100.7"


@pytest.fixture
def signin(archive: Archive, outbox: Path) -> SignIn:
    settings = PortalSettings.from_mapping({"secret": SECRET, "ip_attempts": 100})
    return SignIn(PortalStore(archive.engine), archive, OutboxSender(outbox), settings)


def born(candidate: Candidate) -> dt.date:
    return dt.date.fromisoformat(candidate.birth_date)


def at(minutes: float) -> dt.datetime:
    return NOW + dt.timedelta(minutes=minutes)


def refused(signin: SignIn, pending: Pending, code: str, now: dt.datetime) -> str:
    try:
        signin.verify_code(pending, code, client=IP, now=now)
    except (SignInError, RateLimitedError) as err:
        return err.code
    return "accepted"


def test_a_code_is_sent_only_when_the_details_match(signin: SignIn, graduate: Candidate, outbox: Path) -> None:
    other_day = born(graduate) + dt.timedelta(days=1)
    unknown = signin.request_code("Z999999999", born(graduate), client=IP, now=NOW)
    wrong_date = signin.request_code(graduate.massar, other_day, client=IP, now=NOW)
    assert codes(outbox) == []
    right = signin.request_code(graduate.massar, born(graduate), client=IP, now=NOW)
    assert [(c["massar"], c["at"]) for c in codes(outbox)] == [(graduate.massar, "2025-07-10T09:00:00Z")]
    # the three answers have the same shape: nothing in them tells which one matched
    assert {len(p.challenge_id) for p in (unknown, wrong_date, right)} == {32}
    assert len({unknown.challenge_id, wrong_date.challenge_id, right.challenge_id}) == 3
    assert refused(signin, unknown, last_code(outbox, graduate.massar), NOW) == "signin.code_invalid"
    assert refused(signin, wrong_date, last_code(outbox, graduate.massar), NOW) == "signin.code_invalid"
    token = signin.verify_code(right, last_code(outbox, graduate.massar), client=IP, now=NOW)
    assert signin.graduate(token, now=NOW) == graduate.massar


def test_a_code_works_once(signin: SignIn, graduate: Candidate, outbox: Path) -> None:
    pending = signin.request_code(graduate.massar, born(graduate), client=IP, now=NOW)
    code = last_code(outbox, graduate.massar)
    signin.verify_code(pending, code, client=IP, now=NOW)
    assert refused(signin, pending, code, at(1)) == "signin.code_invalid"


def test_a_code_expires_after_ten_minutes(signin: SignIn, graduate: Candidate, outbox: Path) -> None:
    pending = signin.request_code(graduate.massar, born(graduate), client=IP, now=NOW)
    code = last_code(outbox, graduate.massar)
    assert refused(signin, pending, code, at(10)) == "signin.code_invalid"
    pending = signin.request_code(graduate.massar, born(graduate), client=IP, now=at(11))
    assert refused(signin, pending, last_code(outbox, graduate.massar), at(20.9)) == "accepted"


def test_a_code_is_tried_five_times_at_most(graduates: list[Candidate], archive: Archive, outbox: Path) -> None:
    settings = PortalSettings.from_mapping({"secret": SECRET, "lockout_failures": 50, "ip_attempts": 100})
    signin = SignIn(PortalStore(archive.engine), archive, OutboxSender(outbox), settings)
    graduate = graduates[0]
    pending = signin.request_code(graduate.massar, born(graduate), client=IP, now=NOW)
    code = last_code(outbox, graduate.massar)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert refused(signin, pending, wrong, NOW) == "signin.code_invalid"
    assert refused(signin, pending, code, NOW) == "signin.code_invalid"  # the right code, too late


def test_a_code_belongs_to_its_code_massar(signin: SignIn, graduates: list[Candidate], outbox: Path) -> None:
    first, second = graduates[:2]
    pending = signin.request_code(first.massar, born(first), client=IP, now=NOW)
    swapped = Pending(pending.challenge_id, second.massar)
    assert refused(signin, swapped, last_code(outbox, first.massar), NOW) == "signin.code_invalid"


def test_five_wrong_codes_lock_the_code_massar_for_fifteen_minutes(signin: SignIn, graduate: Candidate, outbox: Path) -> None:
    pending = signin.request_code(graduate.massar, born(graduate), client=IP, now=NOW)
    code = last_code(outbox, graduate.massar)
    for _ in range(5):
        assert refused(signin, pending, "000000" if code != "000000" else "111111", NOW) == "signin.code_invalid"
    with pytest.raises(RateLimitedError) as caught:
        signin.verify_code(pending, code, client=IP, now=at(1))
    assert caught.value.retry_after == 14 * 60
    with pytest.raises(RateLimitedError):  # no new code while locked either
        signin.request_code(graduate.massar, born(graduate), client=IP, now=at(2))
    assert len(codes(outbox)) == 1
    fresh = signin.request_code(graduate.massar, born(graduate), client=IP, now=at(15))
    assert refused(signin, fresh, last_code(outbox, graduate.massar), at(15)) == "accepted"


def test_wrong_codes_from_another_client_do_not_lock_the_graduate_out(signin: SignIn, graduate: Candidate, outbox: Path) -> None:
    """Issue 17: the lockout is keyed on (Code Massar, client), so an attacker who knows a Code
    Massar locks only himself; the guesses against a Code Massar stay bounded by the codes it may
    get in an hour (5) times the tries of each (5), whatever the number of clients."""
    attacker = signin.request_code(graduate.massar, born(graduate), client="203.0.113.9", now=NOW)
    for _ in range(5):
        assert signin_refused_from(signin, attacker, "203.0.113.9", NOW) == "signin.code_invalid"
    assert signin_refused_from(signin, attacker, "203.0.113.9", NOW) == "rate.limited"
    pending = signin.request_code(graduate.massar, born(graduate), client=IP, now=at(1))
    assert refused(signin, pending, last_code(outbox, graduate.massar), at(1)) == "accepted"
    guesses = 0
    for i in range(20):  # many clients, one Code Massar
        client = f"203.0.113.{100 + i}"
        try:
            theirs = signin.request_code(graduate.massar, born(graduate), client=client, now=at(2))
        except RateLimitedError:
            continue
        while signin_refused_from(signin, theirs, client, at(2)) == "signin.code_invalid":
            guesses += 1
    assert guesses <= 5 * 5


def signin_refused_from(signin: SignIn, pending: Pending, client: str, now: dt.datetime) -> str:
    try:
        signin.verify_code(pending, "000000", client=client, now=now)
    except (SignInError, RateLimitedError) as err:
        return err.code
    return "accepted"


def test_an_unknown_code_massar_is_limited_exactly_like_a_known_one(signin: SignIn, graduate: Candidate) -> None:
    """The limits must not tell who exists: the 6th request of an hour is refused for both."""
    for massar in (graduate.massar, "Z999999999"):
        for i in range(5):
            signin.request_code(massar, born(graduate) + dt.timedelta(days=1), client=IP, now=at(i))
        with pytest.raises(RateLimitedError) as caught:
            signin.request_code(massar, born(graduate), client=IP, now=at(5))
        assert caught.value.retry_after == 55 * 60


def test_only_hashes_are_stored(signin: SignIn, graduate: Candidate, outbox: Path, archive: Archive) -> None:
    pending = signin.request_code(graduate.massar, born(graduate), client=IP, now=NOW)
    code = last_code(outbox, graduate.massar)
    token = signin.verify_code(pending, code, client=IP, now=NOW)
    with archive.engine.connect() as conn:
        stored = " ".join(str(v) for table in ("portal_challenges", "portal_logins", "portal_rate_events") for row in conn.execute(text(f"SELECT * FROM {table}")) for v in row)
    assert code not in stored and token not in stored and IP not in stored


def test_a_sign_in_ends_with_its_lifetime_or_when_signing_out(signin: SignIn, graduate: Candidate, outbox: Path) -> None:
    tokens = []
    for _ in range(2):
        pending = signin.request_code(graduate.massar, born(graduate), client=IP, now=NOW)
        tokens.append(signin.verify_code(pending, last_code(outbox, graduate.massar), client=IP, now=NOW))
    first, second = tokens
    assert signin.graduate(first, now=at(29.9)) == graduate.massar
    assert signin.graduate(first, now=at(30)) is None
    signin.sign_out(second, now=at(1))
    assert signin.graduate(second, now=at(2)) is None
    assert signin.graduate("not-a-token", now=NOW) is None
