"""The portal's tables, in the archive's database (SQLAlchemy 2.0), so that every portal process
behind a load balancer shares one view of codes, sign-ins, rate limits and share links.

Nothing here holds a secret in clear: one-time codes and sign-in tokens are stored as keyed or
plain hashes, share tokens as their SHA-256, and rate-limit subjects (a Code Massar, a client
address) as keyed hashes. What a graduate sees of their links' use (time, outcome, the client
address truncated to its /24 or /48, the user agent) is kept as such.

    portal_challenges      one-time codes: HMAC of (challenge id, code), expiry, tries, use
    portal_logins          sign-ins: SHA-256 of the cookie's token, the Code Massar, expiry, end
    portal_rate_events     one row per counted event (code requested, wrong code, attempt from an address)
    portal_locks           a Code Massar locked after too many wrong codes, until when
    portal_wallet_offers   wallet invitations made for a graduate (delivery id, URL, deep link, short link)
    portal_shares          share links: SHA-256 of the token, recipient, documents, expiry, revocation
    portal_share_accesses  every request on a known share link: time, outcome, channel, address, agent
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from shahada.common.db import Base, UTCDateTime


class ChallengeRow(Base):
    __tablename__ = "portal_challenges"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # random; also in the session cookie
    subject: Mapped[str] = mapped_column(String(64), index=True)  # keyed hash of the Code Massar
    digest: Mapped[str] = mapped_column(String(64))  # HMAC(key, id ‖ code)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class LoginRow(Base):
    __tablename__ = "portal_logins"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    massar: Mapped[str] = mapped_column(String(10), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class RateEventRow(Base):
    __tablename__ = "portal_rate_events"
    __table_args__ = (Index("ix_portal_rate_events", "scope", "subject", "at"), Index("ix_portal_rate_events_age", "scope", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class LockRow(Base):
    __tablename__ = "portal_locks"

    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    until: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class WalletOfferRow(Base):
    __tablename__ = "portal_wallet_offers"

    delivery_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    massar: Mapped[str] = mapped_column(String(10), index=True)
    short_sha256: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the short link's token
    url: Mapped[str] = mapped_column(Text)
    deep_link: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ShareRow(Base):
    __tablename__ = "portal_shares"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    massar: Mapped[str] = mapped_column(String(10), index=True)
    recipient: Mapped[str] = mapped_column(String(200))
    credential_ids: Mapped[str] = mapped_column(Text)  # JSON list, in the order shown
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ShareAccessRow(Base):
    __tablename__ = "portal_share_accesses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    share_id: Mapped[int] = mapped_column(ForeignKey("portal_shares.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    outcome: Mapped[str] = mapped_column(String(10))  # served | expired | revoked
    channel: Mapped[str] = mapped_column(String(10))  # api (JSON) | browser (sent to the verifier)
    client: Mapped[str] = mapped_column(String(64))  # the address truncated to /24 (IPv4) or /48 (IPv6)
    user_agent: Mapped[str] = mapped_column(String(300))


class PortalStore:
    """The portal's tables on ``engine`` (the archive's, upgraded by the installation before)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction, committed on success, rolled back on error."""
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session
