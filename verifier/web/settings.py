"""The verifier service's configuration: explicit, frozen, read once at the entry point.

``VerifierSettings.from_mapping`` takes plain values (tests pass a dict, as Flask's tutorial
``create_app(test_config)`` does); ``shahada.services.verifier_settings`` maps an installation's
:class:`shahada.config.Settings` (its ``[verifier]`` table of ``config.toml`` and the
``SHAHADA_VERIFIER_*`` environment) onto it. Nothing here reads the environment itself.

=====================  ===========  =================================================================
setting                default      meaning
=====================  ===========  =================================================================
trusted_issuers        (required)   issuer DIDs whose credentials and seals are accepted; did:web
                                    documents are fetched for these only (no SSRF)
public_url             ""           the service's public URL (the OpenAPI ``servers`` entry)
seal_base_url          ""           the ``verify_base_url`` printed before each seal in QR codes;
                                    the service answers GET on its path (``/V/<seal>``)
did_timeout            5.0          seconds to fetch a DID document
did_max_bytes          65536        the largest DID document accepted
did_cache_ttl          300          seconds a DID document is reused
did_cache_entries      1024         DID documents kept at most
challenge_ttl          300          seconds a challenge from ``POST /challenges`` can be used (once)
challenge_entries      10000        challenges remembered at most (issued and used)
challenges_per_client  100          challenges one client address may hold, and create per challenge_ttl
max_json_bytes         131072       the largest JSON body (API request, uploaded or pasted JSON): a
                                    transcript is about 15 KB, and RDF canonicalization grows faster
                                    than linearly with a document's size
max_upload_bytes       20971520     the largest uploaded PDF, photo or JSON file
max_credentials        8            credentials verified at most in one presentation or share link
default_language       "fr"         "ar", "fr" or "en": when the browser states no preference we serve
share_origins          (none)       origins (``https://portal.example``) whose share links the service
                                    fetches; any other link is refused unfetched (``share.untrusted``)
share_timeout          5.0          seconds to fetch a share link (connect, each read, the whole body)
share_max_bytes        524288       the largest share link answer read
request_timeout        10.0         seconds a verification may take in all (waiting for a worker
                                    included); past it ``work.timeout`` or ``service.busy``
work_processes         2            worker processes for the signature check of foreign input
                                    (JSON-LD, RDFC-1.0, JCS); 0: no worker process at all, the work
                                    runs in the request's thread, unisolated (tools and tests only)
scan_processes         1            worker processes that read PDFs and photos (PDFium, Pillow,
                                    zxing-cpp), apart: a PDF bomb never delays a credential
work_timeout           5.0          seconds one such task may run before its worker is killed
                                    (also its CPU seconds)
work_memory            1024         MiB of address space a worker may use
lookup_per_client      20           look-ups by document number one client address (an IPv6 one by
                                    its /64) may make per lookup_window
lookup_window          600          seconds of that window
redis_url              ""           a Redis server (``redis://host:6379/0``) holding the challenges and
                                    the look-up windows, shared by every process of the service (any
                                    process answers any request; Redis down: 503 ``shared.unavailable``);
                                    empty: each process keeps its own in memory
redis_prefix           "shahada:"   the prefix of this service's Redis keys
ministry_did           ""           the DID whose seals and credentials the pages attribute to the
                                    ministry by name (the installation's own DID)
=====================  ===========  =================================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Final, Literal

from shahada.verifier.share import origin_of
from shahada.verifier.web.errors import SettingsError

Language = Literal["ar", "fr", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("ar", "fr", "en")


@dataclass(frozen=True, slots=True)
class VerifierSettings:
    trusted_issuers: frozenset[str]
    public_url: str = ""
    seal_base_url: str = ""
    did_timeout: float = 5.0
    did_max_bytes: int = 64 * 1024
    did_cache_ttl: float = 300.0
    did_cache_entries: int = 1024
    did_verify_tls: bool | str = True  # a CA bundle path for a local did:web site (tests, local setup)
    challenge_ttl: float = 300.0
    challenge_entries: int = 10_000
    challenges_per_client: int = 100
    max_json_bytes: int = 128 * 1024
    max_upload_bytes: int = 20 << 20
    max_credentials: int = 8
    default_language: Language = "fr"
    did_documents: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # known in advance (published did.json)
    share_origins: frozenset[str] = frozenset()
    # issuer DID → origins its status lists may come from, besides a did:web issuer's own (a did:key
    # ministry publishing on its local site: the conformance profile)
    status_origins: Mapping[str, frozenset[str]] = field(default_factory=dict)
    share_timeout: float = 5.0
    share_max_bytes: int = 512 * 1024
    request_timeout: float = 10.0
    work_processes: int = 2
    scan_processes: int = 1
    work_timeout: float = 5.0
    work_memory: int = 1024
    ministry_did: str = ""
    lookup_per_client: int = 20
    lookup_window: float = 600.0
    redis_url: str = ""
    redis_prefix: str = "shahada:"

    def __post_init__(self) -> None:
        if not self.trusted_issuers:
            raise SettingsError("the verifier needs at least one trusted issuer")
        for name in ("did_timeout", "did_cache_ttl", "challenge_ttl", "share_timeout"):
            if not float(getattr(self, name)) >= 0:
                raise SettingsError(f"{name} must be a number of seconds ≥ 0")
        for name in ("request_timeout", "work_timeout", "lookup_window"):
            if not float(getattr(self, name)) > 0:
                raise SettingsError(f"{name} must be a number of seconds > 0")
        if int(self.work_processes) < 0:
            raise SettingsError("work_processes must be an integer ≥ 0")
        if int(self.scan_processes) < 1:
            raise SettingsError("scan_processes must be a positive integer")
        for name in ("did_max_bytes", "did_cache_entries", "challenge_entries", "max_json_bytes", "max_upload_bytes", "max_credentials", "share_max_bytes", "work_memory", "challenges_per_client", "lookup_per_client"):
            if int(getattr(self, name)) < 1:
                raise SettingsError(f"{name} must be a positive integer")
        if self.default_language not in LANGUAGES:
            raise SettingsError(f"default_language must be one of {', '.join(LANGUAGES)}")
        if self.seal_base_url and (not self.seal_base_url.lower().startswith(("https://", "http://")) or self.seal_base_url[-1] not in "/#=:"):
            raise SettingsError("seal_base_url must be an http(s) URL ending with '/', '#', '=' or ':'")
        for origin in self.share_origins:
            if origin_of(origin) != origin:
                raise SettingsError(f"share_origins holds {origin!r}: each must be an origin such as https://portal.example (lower case, no path, no default port)")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> VerifierSettings:
        """Settings from plain values (strings from a file or the environment are converted).

        Raises:
            SettingsError (config.verifier): an unknown key or a value of the wrong kind.
        """
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise SettingsError(f"unknown verifier setting(s): {', '.join(unknown)}")
        converted: dict[str, Any] = {}
        for name, value in values.items():
            try:
                converted[name] = _convert(name, value)
            except (TypeError, ValueError) as err:
                raise SettingsError(f"verifier setting {name}: {err}") from err
        return cls(**converted)


_INTS: Final = frozenset(
    {
        "did_max_bytes", "did_cache_entries", "challenge_entries", "challenges_per_client", "max_json_bytes", "max_upload_bytes",
        "max_credentials", "share_max_bytes", "work_processes", "scan_processes", "work_memory", "lookup_per_client",
    }
)
_FLOATS: Final = frozenset({"did_timeout", "did_cache_ttl", "challenge_ttl", "share_timeout", "request_timeout", "work_timeout", "lookup_window"})


def _convert(name: str, value: Any) -> Any:
    if name in ("trusted_issuers", "share_origins"):
        items = value.split(",") if isinstance(value, str) else list(value)
        return frozenset(str(i).strip() for i in items if str(i).strip())
    if name in _INTS:
        if isinstance(value, bool):
            raise TypeError("expected an integer")
        return int(value)
    if name in _FLOATS:
        if isinstance(value, bool):
            raise TypeError("expected a number")
        return float(value)
    if name == "did_documents":
        if not isinstance(value, Mapping):
            raise TypeError("expected a mapping of DID to DID document")
        return dict(value)
    if name == "status_origins":
        if not isinstance(value, Mapping):
            raise TypeError("expected a mapping of DID to origins")
        return {str(did): frozenset(str(o) for o in origins) for did, origins in value.items()}
    if name == "did_verify_tls":
        return value if isinstance(value, bool) else str(value)
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value
