"""The graduate portal's configuration: explicit, frozen, read once at the entry point.

``PortalSettings.from_mapping`` takes plain values (tests pass a dict); ``shahada.services.portal_settings``
maps an installation's :class:`shahada.config.Settings` (its ``[portal]`` table of
``config.toml`` and the ``SHAHADA_PORTAL_*`` environment) onto it, with the secret read by
:func:`shahada.services.portal_secret`. Nothing here reads the environment by itself.

===================  ==========  ===================================================================
setting              default     meaning
===================  ==========  ===================================================================
secret               (required)  signs the session cookie and keys every stored hash (≥ 32 bytes);
                                 from ``SHAHADA_PORTAL_SECRET`` / ``_FILE``, never ``config.toml``
public_url           ""          the portal's public URL, the prefix of share links
                                 (``<public_url>/s/<token>``); "": the URL the request came to
                                 (an installation passes the address ``serve portal`` listens on)
verifier_url         ""          the public verifier; a browser opening a share link is sent to
                                 ``<verifier_url>/shares?url=<link>&visit=<token>``; "": it gets
                                 the JSON too (an installation passes its public origin)
default_language     "fr"        "ar", "fr" or "en" when the browser states no preference
session_lifetime     1800        seconds a sign-in lasts (absolute, from the code's entry)
otp_ttl              600         seconds a one-time code can be used
otp_attempts         5           tries of one code
codes_per_hour       5           codes requested for one Code Massar in an hour
lockout_failures     5           wrong codes for one Code Massar from one client that lock that pair …
lockout_seconds      900         … for this long
ip_attempts          30          sign-in requests and wrong codes from one client address …
ip_window            900         … in this many seconds
signin_min_seconds   0.8         every sign-in answer takes at least this long, so that its time
                                 tells nothing (set it above the code sender's latency)
share_max_days       180         the longest share link
invitation_ttl       3600        seconds the short link in a wallet invitation's QR code works
trusted_proxies      0           reverse proxies in front that set ``X-Forwarded-For``
secure_cookies       (auto)      the cookie's ``Secure`` flag; default: ``public_url`` is https
sender               "outbox"    development outbox, or ``module:factory`` of an SMS/e-mail gateway
results_gate         false       graduates may sign in only once the staff console opened a session's
                                 results (results day, ``shahada.issuer.archive.publication``); the
                                 ``config.toml`` of a new installation sets it true
===================  ==========  ===================================================================
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Final

from shahada.common.pages import on_off
from shahada.portal.errors import SettingsError
from shahada.verifier.web.settings import LANGUAGES, Language

SECRET_ENV: Final = "SHAHADA_PORTAL_SECRET"


@dataclass(frozen=True, slots=True)
class PortalSettings:
    secret: bytes = field(repr=False)
    public_url: str = ""
    verifier_url: str = ""
    default_language: Language = "fr"
    session_lifetime: int = 1800
    otp_ttl: int = 600
    otp_attempts: int = 5
    codes_per_hour: int = 5
    lockout_failures: int = 5
    lockout_seconds: int = 900
    ip_attempts: int = 30
    ip_window: int = 900
    signin_min_seconds: float = 0.8
    share_max_days: int = 180
    invitation_ttl: int = 3600
    trusted_proxies: int = 0
    secure_cookies: bool | None = None
    sender: str = "outbox"
    results_gate: bool = False

    def __post_init__(self) -> None:
        if len(self.secret) < 32:
            raise SettingsError("the portal secret must be at least 32 bytes")
        for name in ("session_lifetime", "otp_ttl", "otp_attempts", "codes_per_hour", "lockout_failures", "lockout_seconds", "ip_attempts", "ip_window", "share_max_days", "invitation_ttl"):
            if int(getattr(self, name)) < 1:
                raise SettingsError(f"{name} must be a positive integer")
        if not 0 <= self.signin_min_seconds <= 30:
            raise SettingsError("signin_min_seconds must be between 0 and 30")
        if self.trusted_proxies < 0:
            raise SettingsError("trusted_proxies must be 0 or more")
        if self.default_language not in LANGUAGES:
            raise SettingsError(f"default_language must be one of {', '.join(LANGUAGES)}")
        for name in ("public_url", "verifier_url"):
            url = str(getattr(self, name))
            if url and (not url.lower().startswith(("https://", "http://")) or "?" in url or "#" in url):
                raise SettingsError(f"{name} must be an http(s) URL without query or fragment, not {url!r}")

    @property
    def cookie_secure(self) -> bool:
        if self.secure_cookies is not None:
            return self.secure_cookies
        return self.public_url.lower().startswith("https://")

    def key(self, purpose: str) -> bytes:
        """A key for one use (session cookie, code hashes, rate-limit subjects), derived from the secret."""
        return hmac.new(self.secret, b"shahada-portal|" + purpose.encode(), hashlib.sha256).digest()

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> PortalSettings:
        """Settings from plain values (strings from a file or the environment are converted).

        Raises:
            SettingsError (config.portal): an unknown key or a value of the wrong kind.
        """
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise SettingsError(f"unknown portal setting(s): {', '.join(unknown)}")
        converted: dict[str, Any] = {}
        for name, value in values.items():
            try:
                converted[name] = _convert(name, value)
            except (TypeError, ValueError) as err:
                raise SettingsError(f"portal setting {name}: {err}") from err
        if "secret" not in converted:
            raise SettingsError("the portal needs a secret (SHAHADA_PORTAL_SECRET)")
        return cls(**converted)

_INTS: Final = frozenset(
    {"session_lifetime", "otp_ttl", "otp_attempts", "codes_per_hour", "lockout_failures", "lockout_seconds", "ip_attempts", "ip_window", "share_max_days", "invitation_ttl", "trusted_proxies"}
)


def _convert(name: str, value: Any) -> Any:
    if name == "secret":
        if isinstance(value, str):
            return value.encode("utf-8")
        if not isinstance(value, bytes):
            raise TypeError("expected bytes or a string")
        return value
    if name in _INTS:
        if isinstance(value, bool):
            raise TypeError("expected an integer")
        return int(value)
    if name == "signin_min_seconds":
        if isinstance(value, bool):
            raise TypeError("expected a number")
        return float(value)
    if name == "secure_cookies" and value is None:
        return None
    if name in ("secure_cookies", "results_gate"):
        return on_off(value)
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value.rstrip("/") if name in ("public_url", "verifier_url") else value
