"""One-time codes (issuer/portal/otp.py): six digits, a keyed hash bound to its challenge, and the
development outbox (one JSON line per code, 0600)."""

from __future__ import annotations

import datetime as dt
import json
import stat
from collections import Counter
from pathlib import Path

from shahada.portal.otp import OutboxSender, code_digest, codes_match, new_code

KEY = b"k" * 32


def test_codes_are_six_uniform_digits() -> None:
    drawn = [new_code() for _ in range(20_000)]
    assert all(len(c) == 6 and c.isdigit() for c in drawn)
    assert any(c.startswith("0") for c in drawn)  # leading zeros are kept (about 10 % of codes)
    first = Counter(c[0] for c in drawn)
    assert set(first) == set("0123456789") and max(first.values()) < 2 * min(first.values())
    assert len(set(drawn)) > 19_000  # no repeating generator


def test_the_digest_is_keyed_and_bound_to_the_challenge() -> None:
    digest = code_digest(KEY, "challenge-1", "123456")
    assert "123456" not in digest and len(digest) == 64
    assert codes_match(KEY, "challenge-1", "123456", digest)
    assert not codes_match(KEY, "challenge-1", "123457", digest)
    assert not codes_match(KEY, "challenge-2", "123456", digest)  # a code is worth nothing for another challenge
    assert not codes_match(b"x" * 32, "challenge-1", "123456", digest)  # without the key, no table of 10⁶ digests


def test_the_outbox_appends_json_lines_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "home" / "portal" / "outbox.jsonl"
    sender = OutboxSender(path)
    at = dt.datetime(2025, 7, 10, 11, 0, 5, 123, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    sender.send("R130045678", "012345", at=at)
    sender.send("S120000001", "999999", at=at)
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines == [
        {"massar": "R130045678", "code": "012345", "at": "2025-07-10T10:00:05Z"},
        {"massar": "S120000001", "code": "999999", "at": "2025-07-10T10:00:05Z"},
    ]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_an_outbox_left_readable_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "outbox.jsonl"
    path.write_text("", encoding="utf-8")
    path.chmod(0o644)
    OutboxSender(path).send("R130045678", "000001", at=dt.datetime(2025, 7, 10, tzinfo=dt.UTC))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
