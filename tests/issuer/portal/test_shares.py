"""Share links (issuer/portal/shares.py) with an injected clock: tokens, states, revocation,
the log of every request on a known token, and the JSON a recipient's software gets."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from shahada.portal.errors import GoneError, NotFoundError
from shahada.portal.shares import Shares, share_document, token_sha256, truncate_address
from shahada.portal.store import PortalStore
from tests.support.archives import migrated_sqlite

T0 = dt.datetime(2025, 7, 10, 9, 0, tzinfo=dt.UTC)
IDS = ["urn:uuid:diploma", "urn:uuid:transcript"]


@pytest.fixture
def shares(tmp_path: Path) -> Iterator[Shares]:
    url = migrated_sqlite(tmp_path / "shares.sqlite3")
    engine = create_engine(url)
    yield Shares(PortalStore(engine))
    engine.dispose()


def opened(shares: Shares, token: str, now: dt.datetime, channel: str = "api") -> str:
    try:
        shares.open(token, channel=channel, client="203.0.113.0/24", user_agent="curl/8", now=now)  # type: ignore[arg-type]
    except (NotFoundError, GoneError) as err:
        return f"{err.http_status} {err.code}"
    return "200"


def test_tokens_are_long_random_and_stored_as_sha256_only(shares: Shares) -> None:
    tokens = [shares.create("R130045678", recipient="x", credential_ids=IDS, days=1, now=T0)[0] for _ in range(50)]
    assert len(set(tokens)) == 50
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{30}", t) for t in tokens)  # 22 bytes: 176 bits
    with shares.store.engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.execute(text("SELECT * FROM portal_shares")) for v in row)
    assert not any(t in stored for t in tokens) and all(token_sha256(t) in stored for t in tokens)


def test_a_link_lives_for_its_days_then_expires(shares: Shares) -> None:
    token, share = shares.create("R130045678", recipient="Université de Montréal – admissions", credential_ids=IDS, days=7, now=T0)
    assert share.expires_at == T0 + dt.timedelta(days=7)
    assert share.state(T0) == "active" and opened(shares, token, T0 + dt.timedelta(days=7, seconds=-1)) == "200"
    assert share.state(T0 + dt.timedelta(days=7)) == "expired"
    assert opened(shares, token, T0 + dt.timedelta(days=7)) == "410 share.expired"


def test_revoking_wins_over_expiry_and_is_kept(shares: Shares) -> None:
    token, share = shares.create("R130045678", recipient="Employer", credential_ids=IDS, days=1, now=T0)
    revoked = shares.revoke("R130045678", share.id, now=T0 + dt.timedelta(hours=1))
    again = shares.revoke("R130045678", share.id, now=T0 + dt.timedelta(hours=2))
    assert revoked.revoked_at == again.revoked_at == T0 + dt.timedelta(hours=1)
    assert opened(shares, token, T0 + dt.timedelta(hours=3)) == "410 share.revoked"
    assert opened(shares, token, T0 + dt.timedelta(days=3)) == "410 share.revoked"


def test_only_its_owner_revokes_a_link(shares: Shares) -> None:
    _, share = shares.create("R130045678", recipient="Employer", credential_ids=IDS, days=1, now=T0)
    with pytest.raises(NotFoundError) as caught:
        shares.revoke("S130045678", share.id, now=T0)
    assert caught.value.code == "link.unknown"
    with pytest.raises(NotFoundError):
        shares.revoke("R130045678", share.id + 1000, now=T0)
    assert shares.of("R130045678")[0].revoked_at is None


def test_every_request_on_a_known_token_is_logged_and_unknown_ones_are_not(shares: Shares) -> None:
    token, share = shares.create("R130045678", recipient="Employer", credential_ids=IDS, days=1, now=T0)
    other_token, other = shares.create("S130045678", recipient="Other", credential_ids=IDS, days=1, now=T0)
    assert opened(shares, token, T0 + dt.timedelta(minutes=1)) == "200"
    assert opened(shares, token, T0 + dt.timedelta(minutes=2), channel="browser") == "200"
    assert opened(shares, token, T0 + dt.timedelta(days=2)) == "410 share.expired"
    shares.revoke("R130045678", share.id, now=T0 + dt.timedelta(days=3))
    assert opened(shares, token, T0 + dt.timedelta(days=4)) == "410 share.revoked"
    assert opened(shares, token[:-1] + ("A" if token[-1] != "A" else "B"), T0) == "404 share.unknown"
    assert opened(shares, "short", T0) == "404 share.unknown"
    assert opened(shares, "../../etc/passwd", T0) == "404 share.unknown"
    log = shares.accesses([share.id, other.id])
    assert [(a.outcome, a.channel, a.at) for a in log[share.id]] == [
        ("revoked", "api", T0 + dt.timedelta(days=4)),
        ("expired", "api", T0 + dt.timedelta(days=2)),
        ("served", "browser", T0 + dt.timedelta(minutes=2)),
        ("served", "api", T0 + dt.timedelta(minutes=1)),
    ]
    assert {(a.client, a.user_agent) for a in log[share.id]} == {("203.0.113.0/24", "curl/8")}
    assert log[other.id] == [] and other_token != token


def test_long_user_agents_are_cut(shares: Shares) -> None:
    token, share = shares.create("R130045678", recipient="Employer", credential_ids=IDS, days=1, now=T0)
    shares.open(token, channel="api", client="", user_agent="A" * 5000, now=T0)
    assert shares.accesses([share.id])[share.id][0].user_agent == "A" * 300


@pytest.mark.parametrize(
    ("address", "shown"),
    [("203.0.113.77", "203.0.113.0/24"), ("10.1.2.3", "10.1.2.0/24"), ("2001:db8:abcd:12:1::5", "2001:db8:abcd::/48"),
     ("::ffff:198.51.100.9", "198.51.100.0/24"), ("not an address", ""), (None, ""), ("", "")],
)
def test_addresses_are_truncated(address: str | None, shown: str) -> None:
    assert truncate_address(address) == shown


def test_the_document_a_recipient_gets(shares: Shares) -> None:
    _, share = shares.create("R130045678", recipient="جامعة محمد الخامس", credential_ids=IDS, days=30, now=T0.replace(microsecond=250))
    body = share_document(share, "https://portal.test/s/abc", [{"id": "urn:uuid:diploma"}])
    assert body == {
        "type": "ShahadaShare",
        "id": "https://portal.test/s/abc",
        "recipient": "جامعة محمد الخامس",
        "expires": "2025-08-09T09:00:00Z",
        "verifiableCredential": [{"id": "urn:uuid:diploma"}],
    }
