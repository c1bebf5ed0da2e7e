"""One-time sign-in codes: six digits from ``secrets``, stored only as a keyed hash, handed to an
:class:`OTPSender` that reaches the graduate out of band.

Production plugs a sender backed by the ministry's SMS or e-mail gateway, which finds the
graduate's contact in the Massar system: the portal itself never learns it. The development
sender, :class:`OutboxSender`, appends one JSON line ``{"massar", "code", "at"}`` per code to a
file only its owner can read (0600), which is what the tests and a developer read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import threading
from pathlib import Path
from typing import Final, Protocol

CODE_DIGITS: Final = 6


class OTPSender(Protocol):
    """Delivers a one-time code to the holder of a Code Massar (SMS, e-mail…)."""

    def send(self, massar: str, code: str, *, at: dt.datetime) -> None: ...


def new_code() -> str:
    """Six uniformly drawn digits (leading zeros kept)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_digest(key: bytes, challenge_id: str, code: str) -> str:
    """HMAC-SHA256 of the code bound to its challenge: a stolen table does not give 10⁶ guesses
    an offline answer, and a code is worth nothing for another challenge."""
    return hmac.new(key, f"{challenge_id}|{code}".encode(), hashlib.sha256).hexdigest()


def codes_match(key: bytes, challenge_id: str, code: str, digest: str) -> bool:
    return hmac.compare_digest(code_digest(key, challenge_id, code), digest)


class OutboxSender:
    """The development sender: one JSON line per code in ``path`` (created 0600, its folder 0700)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def send(self, massar: str, code: str, *, at: dt.datetime) -> None:
        line = json.dumps({"massar": massar, "code": code, "at": at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.fchmod(fd, 0o600)  # an outbox created earlier with looser rights is tightened
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)
