"""Signing a graduate in with what a candidate has: the Code Massar and the date of birth, then a
one-time code received out of band.

Nothing the portal answers tells whether a Code Massar exists. Step one always creates a
challenge id (kept in the session cookie) and counts the request, whether or not the details
match an issued credential; only a match stores a code and sends it. Step two treats a wrong
code, an expired or used one, and a challenge that was never stored alike, and counts each as a
failure of that Code Massar and of the client's address. The views add the same minimum
duration to both steps' answers (``signin_min_seconds``).

Limits (:mod:`shahada.portal.ratelimit`): ``codes_per_hour`` codes per Code Massar,
``lockout_failures`` wrong codes lock the pair (Code Massar, client address) for
``lockout_seconds``, ``ip_attempts`` requests and wrong codes per client address in ``ip_window``,
and ``otp_attempts`` tries of one code (counted atomically in the database, so concurrent guesses
cannot exceed it).

Why the lockout is keyed on the requester too (issue 17): keyed on the Code Massar alone, anyone who
knows a graduate's Code Massar (printed on school lists) could lock the graduate out with a few wrong
codes. Keyed on (Code Massar, client), an attacker locks only himself. The bound on guesses against
one Code Massar does not rest on the lockout: a code exists only after step one, which is limited to
``codes_per_hour`` per Code Massar whoever asks, and each code takes ``otp_attempts`` tries, so at most
``codes_per_hour × otp_attempts`` guesses per hour reach a Code Massar from all clients together
(with the defaults, 5 × 5 = 25 guesses at a 6-digit code: a chance of 2.5 in 100,000 per hour).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, update

from shahada.common.errors import ShahadaError
from shahada.issuer.archive.store import ISSUED, Archive
from shahada.portal.errors import SignInError
from shahada.portal.otp import OTPSender, code_digest, codes_match, new_code
from shahada.portal.ratelimit import RateLimiter, Rule
from shahada.portal.settings import PortalSettings
from shahada.portal.store import ChallengeRow, LoginRow, PortalStore

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Pending:
    """A sign-in between its two steps, as the session cookie holds it."""

    challenge_id: str
    massar: str


def _pair(massar: str, client: str) -> str:
    """The lockout's subject: a Code Massar as tried from one client (see the module docstring)."""
    return f"{massar}\x00{client}"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SignIn:
    """The two steps of signing in, and the sign-ins themselves.

    Args:
        store: the portal's tables.
        archive: where the candidates' issued credentials are.
        sender: delivers the codes.
        settings: limits and lifetimes.
    """

    def __init__(self, store: PortalStore, archive: Archive, sender: OTPSender, settings: PortalSettings) -> None:
        self.store = store
        self.archive = archive
        self.sender = sender
        self.settings = settings
        self.limiter = RateLimiter(store, settings.key("rate"))
        self._code_key = settings.key("otp")
        self.code_requests = Rule("massar.code", settings.codes_per_hour, 3600)
        self.failures = Rule("massar.failure", settings.lockout_failures, settings.lockout_seconds, lock_seconds=settings.lockout_seconds)
        self.addresses = Rule("ip.attempt", settings.ip_attempts, settings.ip_window)

    def request_code(self, massar: str, birth_date: dt.date, *, client: str, now: dt.datetime) -> Pending:
        """Step one: a code is sent if (and only if) the details match an issued credential.

        Raises:
            RateLimitedError (rate.limited): the address, or the Code Massar, has used its allowance.
        """
        self.limiter.check(self.addresses, client, now=now)
        self.limiter.check(self.code_requests, massar, now=now)
        self.limiter.check(self.failures, _pair(massar, client), now=now)
        self.limiter.hit(self.addresses, client, now=now)
        self.limiter.hit(self.code_requests, massar, now=now)
        challenge_id = secrets.token_urlsafe(24)
        if self._matches(massar, birth_date):
            code = new_code()
            with self.store.transaction() as session:
                session.execute(delete(ChallengeRow).where(ChallengeRow.expires_at < now - dt.timedelta(days=1)))
                session.add(
                    ChallengeRow(
                        id=challenge_id,
                        subject=self.limiter.subject(self.failures, massar),
                        digest=code_digest(self._code_key, challenge_id, code),
                        created_at=now,
                        expires_at=now + dt.timedelta(seconds=self.settings.otp_ttl),
                        attempts=0,
                    )
                )
            try:
                self.sender.send(massar, code, at=now)
            except (OSError, ShahadaError) as err:  # the answer must not differ: log it, say nothing
                LOGGER.error("the one-time code could not be sent: %s", err)
        return Pending(challenge_id, massar)

    def _matches(self, massar: str, birth_date: dt.date) -> bool:
        wanted = birth_date.isoformat()
        return any(c.document.get("credentialSubject", {}).get("birthDate") == wanted for c in self.archive.credentials(massar=massar, status=ISSUED))

    def verify_code(self, pending: Pending, code: str, *, client: str, now: dt.datetime) -> str:
        """Step two: the sign-in token for the session cookie.

        Raises:
            RateLimitedError (rate.limited): the Code Massar is locked, or the address has used its allowance.
            SignInError (signin.code_invalid, 422): a wrong, expired or used code — one answer for all.
        """
        self.limiter.check(self.addresses, client, now=now)
        self.limiter.check(self.failures, _pair(pending.massar, client), now=now)
        if not self._consume(pending, code, now):
            self.limiter.hit(self.failures, _pair(pending.massar, client), now=now)
            self.limiter.hit(self.addresses, client, now=now)
            raise SignInError("the code is wrong, expired or already used", code="signin.code_invalid", http_status=422)
        token = secrets.token_urlsafe(32)
        with self.store.transaction() as session:
            session.execute(delete(LoginRow).where(LoginRow.expires_at < now - dt.timedelta(days=1)))
            session.add(
                LoginRow(
                    token_sha256=token_digest(token),
                    massar=pending.massar,
                    created_at=now,
                    expires_at=now + dt.timedelta(seconds=self.settings.session_lifetime),
                )
            )
        return token

    def _consume(self, pending: Pending, code: str, now: dt.datetime) -> bool:
        """Use one try of the challenge (atomically) and, if the code is right, the challenge."""
        with self.store.transaction() as session:
            tried = session.execute(
                update(ChallengeRow)
                .where(
                    ChallengeRow.id == pending.challenge_id,
                    ChallengeRow.subject == self.limiter.subject(self.failures, pending.massar),
                    ChallengeRow.used_at.is_(None),
                    ChallengeRow.expires_at > now,
                    ChallengeRow.attempts < self.settings.otp_attempts,
                )
                .values(attempts=ChallengeRow.attempts + 1)
            )
            if tried.rowcount != 1:  # type: ignore[attr-defined]
                return False
            row = session.get(ChallengeRow, pending.challenge_id)
            if row is None or not codes_match(self._code_key, pending.challenge_id, code, row.digest):
                return False
            row.used_at = now
            return True

    def graduate(self, token: str, *, now: dt.datetime) -> str | None:
        """The Code Massar of a sign-in still running, else None."""
        with self.store.reading() as session:
            row = session.get(LoginRow, token_digest(token))
        if row is None or row.ended_at is not None or row.expires_at <= now:
            return None
        return row.massar

    def sign_out(self, token: str, *, now: dt.datetime) -> None:
        with self.store.transaction() as session:
            session.execute(update(LoginRow).where(LoginRow.token_sha256 == token_digest(token), LoginRow.ended_at.is_(None)).values(ended_at=now))
