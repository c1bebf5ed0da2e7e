"""Staff accounts: Argon2id password hashes, a mandatory TOTP second factor, lockouts keyed by
(account, client address) so that nobody can lock someone else out from elsewhere, a limit per
client address, and server-side sign-ins that end on sign-out, when idle, or after their lifetime.

Tables (in the one ``Base.metadata``, created by migration 0005): ``console_accounts``,
``console_logins`` (the SHA-256 of each sign-in's random token) and ``console_failures``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import re
import secrets
from dataclasses import dataclass
from typing import Final, cast

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Boolean, Integer, String, delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from shahada.common.db import Base, UTCDateTime
from shahada.console.errors import FormError, NotFoundError, RateLimitedError, SignInError
from shahada.console.roles import ROLES, Actor, Role
from shahada.console.settings import ConsoleSettings
from shahada.issuer.archive.audit import AuditLog

__all__ = ["Accounts", "NewAccount", "StaffAccount"]

NAME: Final = re.compile(r"[a-z0-9][a-z0-9._-]{1,62}")
MIN_PASSWORD: Final = 12
TOTP_STEP: Final = 30
_HASHER: Final = PasswordHasher()  # argon2-cffi's defaults: Argon2id, RFC 9106 low-memory profile
_DUMMY_HASH: Final = _HASHER.hash("an account that does not exist")  # unknown names cost the same time


class StaffAccount(Base):
    __tablename__ = "console_accounts"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(32))
    academy: Mapped[str | None] = mapped_column(String(8), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str] = mapped_column(String(64))
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)  # a code is never accepted twice
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(64))


class ConsoleLogin(Base):
    __tablename__ = "console_logins"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    account: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ConsoleFailure(Base):
    __tablename__ = "console_failures"

    subject: Mapped[str] = mapped_column(String(64), primary_key=True)  # keyed hash of (account, address) or of an address
    count: Mapped[int] = mapped_column(Integer)
    since: Mapped[dt.datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True, slots=True)
class NewAccount:
    """A created account, with its TOTP secret, shown once."""

    actor: Actor
    totp_secret: str
    provisioning_uri: str  # otpauth://… for an authenticator app's QR code


class Accounts:
    """Accounts, sign-ins and their limits over the archive's database."""

    def __init__(self, engine: Engine, settings: ConsoleSettings) -> None:
        self.engine = engine
        self.settings = settings
        self.audit = AuditLog(engine)

    # --- accounts --------------------------------------------------------------------------------

    def create(self, name: str, role: str, password: str, *, academy: str | None, by: str, now: dt.datetime, academies: frozenset[str]) -> NewAccount:
        """Create an account with a fresh TOTP secret (audited as ``console.account.create``).

        Raises:
            FormError: ``form.account`` (bad name, unknown role or academy, name taken),
                ``form.password`` (shorter than 12 characters).
        """
        name = name.strip().lower()
        if not NAME.fullmatch(name):
            raise FormError("an account name is 2 to 63 lowercase letters, digits, '.', '_' or '-'", code="form.account")
        if role not in ROLES:
            raise FormError(f"role must be one of {', '.join(ROLES)}", code="form.account")
        if (role == "academy_operator") != (academy is not None):
            raise FormError("an academy operator has one academy; other roles none", code="form.account")
        if academy is not None and academy not in academies:
            raise FormError(f"unknown academy {academy!r}", code="form.account")
        if len(password) < MIN_PASSWORD:
            raise FormError(f"a password has at least {MIN_PASSWORD} characters", code="form.password")
        secret = pyotp.random_base32()
        with Session(self.engine) as session, session.begin():
            if session.get(StaffAccount, name) is not None:
                raise FormError(f"the account {name} exists", code="form.account")
            session.add(StaffAccount(
                name=name, role=role, academy=academy, password_hash=_HASHER.hash(password), totp_secret=secret,
                totp_last_step=0, disabled=False, created_at=now, created_by=by,
            ))
            session.flush()
            self.audit.append(session, operator=by, action="console.account.create", subject=name, at=now, details={"role": role, "academy": academy})
        uri = pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=self.settings.totp_issuer)
        return NewAccount(Actor(name, role, academy), secret, uri)

    def actor(self, name: str) -> Actor | None:
        with Session(self.engine) as session:
            row = session.get(StaffAccount, name)
            if row is None or row.disabled:
                return None
            return _actor(row)

    def all(self) -> list[tuple[Actor, bool, dt.datetime]]:
        """Every account: (who, disabled, created)."""
        with Session(self.engine) as session:
            rows = session.scalars(select(StaffAccount).order_by(StaffAccount.name))
            return [(_actor(r), r.disabled, r.created_at) for r in rows]

    def set_disabled(self, name: str, disabled: bool, *, by: str, now: dt.datetime) -> None:
        """Raises: NotFoundError (account.unknown)."""
        with Session(self.engine) as session, session.begin():
            row = session.get(StaffAccount, name)
            if row is None:
                raise NotFoundError(f"no account {name}", code="account.unknown")
            row.disabled = disabled
            if disabled:
                session.execute(delete(ConsoleLogin).where(ConsoleLogin.account == name))
            session.flush()
            self.audit.append(session, operator=by, action="console.account.disable" if disabled else "console.account.enable", subject=name, at=now)

    # --- sign-in -----------------------------------------------------------------------------------

    def sign_in(self, name: str, password: str, code: str, *, address: str, now: dt.datetime) -> tuple[Actor, str]:
        """Check the password and the current TOTP code; returns the account and a new sign-in
        token (kept by the browser; only its hash is stored).

        Raises:
            RateLimitedError (rate.limited): this (account, address) pair is locked, or this address
                failed too often.
            SignInError (signin.failed): a wrong name, password or code (one answer for all three).
        """
        name = name.strip().lower()[:64]
        pair, by_address = self._subject("pair", f"{name}|{address}"), self._subject("ip", address)
        s = self.settings
        self._check_limit(pair, s.lockout_failures, s.lockout_seconds, now)
        self._check_limit(by_address, s.ip_attempts, s.ip_window, now)
        with Session(self.engine) as session, session.begin():
            row = session.get(StaffAccount, name)
            ok = _password_ok(row.password_hash if row is not None else None, password)
            step = _totp_step(row.totp_secret, code, now) if row is not None and ok else None
            if row is None or row.disabled or not ok or step is None or step <= row.totp_last_step:
                self._fail(session, pair, s.lockout_seconds, now)
                self._fail(session, by_address, s.ip_window, now)
                session.flush()
                self.audit.append(session, operator=name or "?", action="console.signin.fail", subject=address, at=now)
                actor, token = None, ""
            else:
                actor, token = self._start(session, row, step, pair, address, now)
        if actor is None:  # raised once the failure is committed
            raise SignInError("wrong account name, password or code", code="signin.failed")
        return actor, token

    def _start(self, session: Session, row: StaffAccount, step: int, pair: str, address: str, now: dt.datetime, *, via: str = "") -> tuple[Actor, str]:
        """A successful sign-in: the code's step kept (no replay), the pair's failures forgotten."""
        row.totp_last_step = max(step, row.totp_last_step)
        session.execute(delete(ConsoleFailure).where(ConsoleFailure.subject == pair))
        token = secrets.token_urlsafe(32)
        session.add(ConsoleLogin(token_sha256=self._token_hash(token), account=row.name, created_at=now, seen_at=now))
        session.flush()
        self.audit.append(session, operator=row.name, action="console.signin" + (f".{via}" if via else ""), subject=address, at=now)
        return _actor(row), token

    def sign_in_external(self, name: str, *, via: str, address: str, now: dt.datetime) -> tuple[Actor, str]:
        """A sign-in vouched for by an identity provider (``via``, e.g. ``oidc``; it checked the
        password and the second factor): the account must exist here, with its role, and be enabled.

        Raises:
            RateLimitedError (rate.limited): this address failed too often.
            SignInError (signin.failed): no such enabled account.
        """
        name = name.strip().lower()[:64]
        by_address = self._subject("ip", address)
        self._check_limit(by_address, self.settings.ip_attempts, self.settings.ip_window, now)
        with Session(self.engine) as session, session.begin():
            row = session.get(StaffAccount, name)
            if row is None or row.disabled:
                self._fail(session, by_address, self.settings.ip_window, now)
                session.flush()
                self.audit.append(session, operator=name or "?", action=f"console.signin.{via}.fail", subject=address, at=now)
                found = None
            else:
                found = self._start(session, row, 0, self._subject("pair", f"{name}|{address}"), address, now, via=via)
        if found is None:
            raise SignInError("no enabled console account for this identity", code="signin.failed")
        return found

    def signed_in(self, token: str, *, now: dt.datetime) -> Actor | None:
        """The account behind a sign-in token, or None once signed out, idle or past its lifetime."""
        digest = self._token_hash(token)
        with Session(self.engine) as session, session.begin():
            login = session.get(ConsoleLogin, digest)
            if login is None:
                return None
            s = self.settings
            if now - login.created_at > dt.timedelta(seconds=s.session_lifetime) or now - login.seen_at > dt.timedelta(seconds=s.idle_timeout):
                session.delete(login)
                return None
            row = session.get(StaffAccount, login.account)
            if row is None or row.disabled:
                return None
            login.seen_at = now
            return _actor(row)

    def sign_out(self, token: str, *, now: dt.datetime) -> None:
        with Session(self.engine) as session, session.begin():
            login = session.get(ConsoleLogin, self._token_hash(token))
            if login is not None:
                session.delete(login)
                session.flush()
                self.audit.append(session, operator=login.account, action="console.signout", subject="", at=now)

    # --- limits ------------------------------------------------------------------------------------

    def _subject(self, kind: str, value: str) -> str:
        return hmac.new(self.settings.key("limits"), f"{kind}|{value}".encode(), hashlib.sha256).hexdigest()

    def _token_hash(self, token: str) -> str:
        return hmac.new(self.settings.key("logins"), token.encode(), hashlib.sha256).hexdigest()

    def _check_limit(self, subject: str, limit: int, seconds: int, now: dt.datetime) -> None:
        with Session(self.engine) as session:
            row = session.get(ConsoleFailure, subject)
            if row is None:
                return
            left = (row.since + dt.timedelta(seconds=seconds) - now).total_seconds()
            if row.count >= limit and left > 0:
                raise RateLimitedError("too many failed sign-ins; try again later", retry_after=math.ceil(left))

    def _fail(self, session: Session, subject: str, seconds: int, now: dt.datetime) -> None:
        row = session.get(ConsoleFailure, subject)
        if row is None:
            session.add(ConsoleFailure(subject=subject, count=1, since=now))
        elif now - row.since > dt.timedelta(seconds=seconds):
            row.count, row.since = 1, now
        else:
            row.count += 1


def _actor(row: StaffAccount) -> Actor:
    return Actor(row.name, cast(Role, row.role), row.academy)


def _password_ok(stored: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored or _DUMMY_HASH, password[:1024]) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _totp_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The time step whose code ``code`` is (the current one or one either side), or None."""
    code = code.strip().replace(" ", "")
    if not re.fullmatch(r"[0-9]{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // TOTP_STEP
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
