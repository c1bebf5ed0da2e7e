"""Accounts and sign-in against a real SQLite archive: Argon2 hashes, the mandatory TOTP code (never
twice), lockouts keyed by (account, client address) so that an attacker elsewhere cannot lock the
account out, the per-address limit, idle and absolute expiry, disabled accounts, the audit trail."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pyotp
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shahada.console.accounts import Accounts, StaffAccount
from shahada.console.errors import FormError, RateLimitedError, SignInError
from shahada.issuer.archive.audit import AuditLog
from tests.console.conftest import ACADEMIES, PASSWORD, Setup, code


@pytest.mark.production_password_hash
def test_the_password_is_stored_as_an_argon2id_hash(setup: Setup) -> None:
    staff = setup.account("aya", "approver")
    with Session(setup.archive.engine) as session:
        row = session.scalars(select(StaffAccount)).one()
    assert row.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")  # RFC 9106, low-memory profile
    assert PASSWORD not in row.password_hash
    actor, _ = setup.accounts.sign_in("aya", PASSWORD, code(staff, setup.clock), address="10.0.0.1", now=setup.clock())
    assert actor.role == "approver"


@pytest.mark.parametrize(
    ("name", "role", "password", "academy", "error"),
    [
        ("Aya Admin", "approver", PASSWORD, None, "form.account"),
        ("aya", "king", PASSWORD, None, "form.account"),
        ("aya", "academy_operator", PASSWORD, None, "form.account"),
        ("aya", "academy_operator", PASSWORD, "XYZ", "form.account"),
        ("aya", "approver", PASSWORD, "CS", "form.account"),
        ("aya", "approver", "short", None, "form.password"),
    ],
)
def test_bad_accounts_are_refused(setup: Setup, name: str, role: str, password: str, academy: str | None, error: str) -> None:
    with pytest.raises(FormError) as err:
        setup.accounts.create(name, role, password, academy=academy, by="test", now=setup.clock(), academies=ACADEMIES)
    assert err.value.code == error


def test_sign_in_needs_the_password_and_the_current_code_once(setup: Setup) -> None:
    staff = setup.account("aya", "approver")
    accounts, now = setup.accounts, setup.clock
    with pytest.raises(SignInError):
        accounts.sign_in("aya", "wrong password!", code(staff, now), address="10.0.0.1", now=now())
    with pytest.raises(SignInError):
        accounts.sign_in("aya", PASSWORD, "000000" if code(staff, now) != "000000" else "111111", address="10.0.0.1", now=now())
    actor, token = accounts.sign_in("aya", PASSWORD, code(staff, now), address="10.0.0.1", now=now())
    assert actor.role == "approver"
    assert accounts.signed_in(token, now=now()) == actor
    with pytest.raises(SignInError):  # the same code again (a replay)
        accounts.sign_in("aya", PASSWORD, code(staff, now), address="10.0.0.1", now=now())
    stale = pyotp.TOTP(staff.secret).at(now() - dt.timedelta(minutes=5))
    setup.clock.advance(seconds=31)
    with pytest.raises(SignInError):  # a code from five minutes ago
        accounts.sign_in("aya", PASSWORD, stale, address="10.0.0.1", now=now())
    actor, _ = accounts.sign_in("aya", PASSWORD, code(staff, now), address="10.0.0.1", now=now())
    assert actor.name == "aya"


def test_an_attacker_locks_out_only_their_own_address(setup: Setup) -> None:
    staff = setup.account("aya", "approver")
    accounts = setup.accounts
    for _ in range(5):
        with pytest.raises(SignInError):
            accounts.sign_in("aya", "guessing-password", "123456", address="203.0.113.9", now=setup.clock())
    with pytest.raises(RateLimitedError) as err:  # even with the right password: this pair is locked
        accounts.sign_in("aya", PASSWORD, code(staff, setup.clock), address="203.0.113.9", now=setup.clock())
    assert 0 < err.value.retry_after <= 900
    actor, _ = accounts.sign_in("aya", PASSWORD, code(staff, setup.clock), address="10.0.0.7", now=setup.clock())  # the owner, elsewhere
    assert actor.name == "aya"
    setup.clock.advance(seconds=901)
    actor, _ = accounts.sign_in("aya", PASSWORD, code(staff, setup.clock), address="203.0.113.9", now=setup.clock())


def test_one_address_trying_many_accounts_is_limited(setup: Setup) -> None:
    accounts = Accounts(setup.archive.engine, dataclasses.replace(setup.accounts.settings, ip_attempts=6))
    for i in range(6):
        with pytest.raises(SignInError):
            accounts.sign_in(f"user{i}", "guessing-password", "123456", address="198.51.100.1", now=setup.clock())
    with pytest.raises(RateLimitedError):
        accounts.sign_in("user99", "guessing-password", "123456", address="198.51.100.1", now=setup.clock())


def test_sign_ins_end_when_idle_after_their_lifetime_and_when_disabled(setup: Setup) -> None:
    staff = setup.account("aya", "approver")
    accounts = setup.accounts
    _, token = accounts.sign_in("aya", PASSWORD, code(staff, setup.clock), address="10.0.0.1", now=setup.clock())
    setup.clock.advance(seconds=1201)
    assert accounts.signed_in(token, now=setup.clock()) is None  # idle for 20 minutes
    setup.clock.advance(seconds=31)
    _, token = accounts.sign_in("aya", PASSWORD, code(staff, setup.clock), address="10.0.0.1", now=setup.clock())
    for _ in range(30):  # busy all day: the absolute lifetime (8 h) still ends it
        setup.clock.advance(seconds=1000)
        if accounts.signed_in(token, now=setup.clock()) is None:
            break
    else:
        pytest.fail("the sign-in outlived its lifetime")
    setup.clock.advance(seconds=31)
    _, token = accounts.sign_in("aya", PASSWORD, code(staff, setup.clock), address="10.0.0.1", now=setup.clock())
    accounts.set_disabled("aya", True, by="root", now=setup.clock())
    assert accounts.signed_in(token, now=setup.clock()) is None


def test_sign_ins_and_failures_are_in_the_audit_trail(setup: Setup) -> None:
    staff = setup.account("aya", "approver")
    with pytest.raises(SignInError):
        setup.accounts.sign_in("aya", "nope-nope-nope", "123456", address="10.0.0.1", now=setup.clock())
    setup.accounts.sign_in("aya", PASSWORD, code(staff, setup.clock), address="10.0.0.1", now=setup.clock())
    log = AuditLog(setup.archive.engine)
    actions = [(e.operator, e.action) for e in log.entries()]
    assert actions == [("test", "console.account.create"), ("aya", "console.signin.fail"), ("aya", "console.signin")]
    assert log.verify_chain() == []
