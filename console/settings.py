"""The staff console's configuration: explicit, frozen, read once at the entry point.

``ConsoleSettings.from_mapping`` takes plain values (tests pass a dict);
``shahada.services.console_settings`` maps the installation's ``[console]`` table and
``SHAHADA_CONSOLE_SECRET`` / ``_FILE`` onto it.

===================  ==========  ===================================================================
setting              default     meaning
===================  ==========  ===================================================================
secret               (required)  signs the session cookie, keys the stored hashes (≥ 32 bytes)
work_dir             (required)  where uploaded PVs and print batches are kept
default_language     "fr"        "ar" or "fr" when the browser states no preference
session_lifetime     28800       seconds a sign-in lasts at most (absolute)
idle_timeout         1200        seconds without a request that end a sign-in
lockout_failures     5           wrong passwords or codes for one account from one client address
                                 that lock that pair (never the account for everyone) …
lockout_seconds      900         … for this long
ip_attempts          30          failed sign-ins from one client address …
ip_window            900         … in this many seconds
max_upload_bytes     67108864    the largest PV accepted (64 MiB)
trusted_proxies      0           reverse proxies in front that set ``X-Forwarded-For``
secure_cookies       true        the cookie's ``Secure`` flag (the console is served behind TLS)
totp_issuer          "Shahada"   the issuer name shown by authenticator apps
oidc_issuer          ""          an OpenID Connect provider's issuer URL: "sign in with" it as well
oidc_client_id       ""          the console's client at that provider …
oidc_client_secret   ""          … and its secret (``SHAHADA_CONSOLE_OIDC_CLIENT_SECRET``)
oidc_account_claim   "preferred_username"  the ID token's claim naming the console account
oidc_require_mfa     true        refuse an ID token whose ``amr`` names no second factor
===================  ==========  ===================================================================
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Final, Literal

from shahada.common.pages import on_off
from shahada.console.errors import SettingsError

Language = Literal["ar", "fr"]
LANGUAGES: Final[tuple[Language, ...]] = ("ar", "fr")
SECRET_ENV: Final = "SHAHADA_CONSOLE_SECRET"
_INTS: Final = frozenset({"session_lifetime", "idle_timeout", "lockout_failures", "lockout_seconds", "ip_attempts", "ip_window", "max_upload_bytes", "trusted_proxies"})


@dataclass(frozen=True, slots=True)
class ConsoleSettings:
    secret: bytes = field(repr=False)
    work_dir: Path
    default_language: Language = "fr"
    session_lifetime: int = 8 * 3600
    idle_timeout: int = 1200
    lockout_failures: int = 5
    lockout_seconds: int = 900
    ip_attempts: int = 30
    ip_window: int = 900
    max_upload_bytes: int = 64 * 1024 * 1024
    trusted_proxies: int = 0
    secure_cookies: bool = True
    totp_issuer: str = "Shahada"
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = field(default="", repr=False)
    oidc_account_claim: str = "preferred_username"
    oidc_require_mfa: bool = True

    def __post_init__(self) -> None:
        if len(self.secret) < 32:
            raise SettingsError("the console secret must be at least 32 bytes")
        for name in sorted(_INTS - {"trusted_proxies"}):
            if int(getattr(self, name)) < 1:
                raise SettingsError(f"{name} must be a positive integer")
        if self.trusted_proxies < 0:
            raise SettingsError("trusted_proxies must be 0 or more")
        if self.default_language not in LANGUAGES:
            raise SettingsError(f"default_language must be one of {', '.join(LANGUAGES)}")
        if self.oidc_issuer and (not self.oidc_issuer.lower().startswith(("https://", "http://")) or not self.oidc_client_id):
            raise SettingsError("oidc_issuer must be an http(s) URL, with oidc_client_id")

    @property
    def oidc(self) -> bool:
        """Whether signing in through the OpenID Connect provider is offered."""
        return bool(self.oidc_issuer)

    def key(self, purpose: str) -> bytes:
        """A key for one use (session cookie, login tokens, rate-limit subjects), derived from the secret."""
        return hmac.new(self.secret, b"shahada-console|" + purpose.encode(), hashlib.sha256).digest()

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> ConsoleSettings:
        """Settings from plain values (strings from a file or the environment are converted).

        Raises:
            SettingsError (config.console): an unknown key or a value of the wrong kind.
        """
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise SettingsError(f"unknown console setting(s): {', '.join(unknown)}")
        if "secret" not in values or "work_dir" not in values:
            raise SettingsError("the console needs a secret (SHAHADA_CONSOLE_SECRET) and a work_dir")
        converted: dict[str, Any] = {}
        for name, value in values.items():
            try:
                converted[name] = _convert(name, value)
            except (TypeError, ValueError) as err:
                raise SettingsError(f"console setting {name}: {err}") from err
        return cls(**converted)


def _convert(name: str, value: Any) -> Any:
    if name == "secret":
        return value.encode("utf-8") if isinstance(value, str) else bytes(value)
    if name == "work_dir":
        return Path(value)
    if name in _INTS:
        if isinstance(value, bool):
            raise TypeError("expected an integer")
        return int(value)
    if name in ("secure_cookies", "oidc_require_mfa"):
        return on_off(value)
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value
