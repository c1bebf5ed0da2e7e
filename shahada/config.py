"""Configuration of a Shahada installation, read once at the entry point into a frozen ``Settings``.

Everything lives under one data directory, ``$SHAHADA_HOME`` (default ``~/.shahada``)::

    config.toml         non-secret settings (created with defaults on first use)
    secrets/            wallet key and id secret, generated in development mode only (0600)
    agent/              the managed agent's HOME: SQLite wallet and agent.log
    archive.sqlite3     the archive (unless archive_url points at PostgreSQL)
    tls/                the local CA and the site's certificate
    out/                default output directory

Secrets come from the environment (``SHAHADA_WALLET_KEY``, ``SHAHADA_ID_SECRET``,
``SHAHADA_AGENT_API_KEY``, ``SHAHADA_WALLET_PG_PASSWORD``, ``SHAHADA_ISSUER_TOKEN``) or from files named by the same variables
with a ``_FILE`` suffix. In ``production`` mode a missing secret is an error; in ``development``
mode it is generated once under ``secrets/``. Secrets never appear in ``config.toml`` or in code.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from shahada.agent.process import PostgresWallet
from shahada.common.errors import ConfigError, ShahadaError
from shahada.common.files import generated_secret, private_dir, write_private_once
from shahada.common.ports import free_port
from shahada.proofs.types import DEFAULT_PROOF_TYPE, PROOF_TYPES

if TYPE_CHECKING:
    from shahada.printing.settings import PrintSettings

Mode = Literal["development", "production"]
DEFAULT_HOME = Path("~/.shahada")


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    mode: Mode
    did_method: Literal["web", "key"]
    did_web_host: str  # host[:port] of the did:web DID, e.g. "diplomes.men.gov.ma" or "localhost:8443"
    did_web_path: str  # "" or a path such as "bac" → did:web:host:bac
    site_host: str
    site_port: int
    archive_url: str
    proof_type: str
    operator: str
    sign_concurrency: int
    trusted_issuers: tuple[str, ...]  # besides the ministry's own DID
    agent_admin_url: str | None  # an already running agent; None: start one per command
    agent_api_key: str | None = field(repr=False)
    wallet_name: str
    wallet_key: str = field(repr=False)
    wallet_postgres: PostgresWallet | None = field(repr=False)
    id_secret: bytes = field(repr=False)
    issuer_token: str | None = field(default=None, repr=False)  # bearer token of `shahada serve issuer`
    verify_base_url: str = ""  # the verifier URL printed before each seal in the QR code (docs/seal.md)
    verifier: Mapping[str, object] = field(default_factory=dict)  # [verifier] of config.toml, SHAHADA_VERIFIER_* (shahada.verifier.web.settings)
    didcomm_port: int | None = None  # the agent's DIDComm inbound port (wallet delivery); None: no DIDComm
    didcomm_endpoint: str | None = None  # the public DIDComm URL wallets reach (default http://127.0.0.1:PORT)
    portal: Mapping[str, object] = field(default_factory=dict)  # [portal] of config.toml, SHAHADA_PORTAL_* (shahada.portal)
    status_list_validity: int = 86_400  # seconds a published status list stays valid (its validUntil - validFrom)
    console: Mapping[str, object] = field(default_factory=dict)  # [console] of config.toml, SHAHADA_CONSOLE_* (shahada.console)
    printing: PrintSettings | None = None  # [print] of config.toml, SHAHADA_PRINT_* (emblem, signatory); None: the neutral defaults

    @property
    def agent_dir(self) -> Path:
        return self.home / "agent"

    @property
    def tls_dir(self) -> Path:
        return self.home / "tls"

    @property
    def out_dir(self) -> Path:
        return self.home / "out"

    @property
    def site_is_local(self) -> bool:
        """True when the did:web host is this machine's loopback site (the local ministry)."""
        return self.did_web_host in (f"localhost:{self.site_port}", f"127.0.0.1:{self.site_port}")


def _secret(env: Mapping[str, str], name: str, *, home: Path, mode: Mode, generate: bool = True) -> str | None:
    if env.get(name):
        return env[name]
    if env.get(f"{name}_FILE"):
        try:
            return Path(env[f"{name}_FILE"]).read_text(encoding="utf-8").strip()
        except OSError as err:
            raise ConfigError(f"cannot read {name}_FILE: {err}", code="config.secret") from err
    if not generate:
        return None
    if mode == "production":
        raise ConfigError(f"{name} (or {name}_FILE) must be set in production mode", code="config.secret")
    return generated_secret(home / "secrets" / name.lower().removeprefix("shahada_"))


def _default_config(port: int, didcomm_port: int) -> str:
    return f"""# Shahada configuration (non-secret). Secrets come from the environment: see README.
mode = "development"
did_method = "web"            # "web" (the ministry) or "key" (conformance / development)
did_web_host = "localhost:{port}"  # production: "diplomes.men.gov.ma"
did_web_path = ""
site_host = "127.0.0.1"
site_port = {port}
proof_type = "eddsa-rdfc-2022"  # or "Ed25519Signature2020" (DIDComm wallets), "eddsa-jcs-2022"
sign_concurrency = 4
trusted_issuers = []
wallet_name = "ministry"
didcomm_port = {didcomm_port}            # DIDComm for graduates' wallets (shahada serve portal)
# didcomm_endpoint = "https://didcomm.diplomes.men.gov.ma"   (default: http://127.0.0.1:didcomm_port)
# archive_url = "postgresql+psycopg://user@host:5432/shahada"   (default: SQLite file in the data directory)
# agent_admin_url = "http://127.0.0.1:8031"                     (default: start an agent per command)
# wallet_postgres = "127.0.0.1:5432"                            (default: SQLite wallet)
# verify_base_url = "HTTPS://DIPLOMES.MEN.GOV.MA/V/"          (default: the site, in capitals; printed in QR codes)
# status_list_validity = 86400                                  (seconds a status list stays valid; `shahada status publish` renews them)
# [print]                                                       (the printed documents; see README)
# emblem = "/etc/shahada/emblem.svg"                            (default: the project's neutral emblem)
# signatory_fr = "Le Ministre de l'Éducation nationale"
# signatory_ar = "وزير التربية الوطنية"
# place_fr = "Rabat"
# place_ar = "الرباط"
# [verifier]                                                    (shahada serve verifier; see README)
# public_url = "https://diplomes.men.gov.ma"
# did_cache_ttl = 300
[portal]                                                      # shahada serve portal; see README
results_gate = true   # graduates sign in once results day is opened (staff console, or `shahada session open-results YEAR`)
"""


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read ``config.toml`` under the data directory, then the environment's overrides."""
    env = os.environ if env is None else env
    home = Path(env.get("SHAHADA_HOME") or DEFAULT_HOME).expanduser().resolve()
    private_dir(home)  # an existing home is tightened too: it holds the archive, the wallet and the secrets
    config_path = home / "config.toml"
    # processes starting together on a new home all read the one file the first of them wrote
    # (otherwise each could pick its own ports, hence its own did:web)
    write_private_once(config_path, _default_config(free_port(), free_port()).encode())
    try:
        raw = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{config_path}: {err}", code="config.file") from err

    def get(key: str, default: object = None) -> object:
        return env.get(f"SHAHADA_{key.upper()}") or raw.get(key, default)

    mode_text = str(get("mode", "development"))
    if mode_text not in ("development", "production"):
        raise ConfigError(f"mode must be development or production, not {mode_text!r}", code="config.mode")
    mode: Mode = "production" if mode_text == "production" else "development"
    did_method = str(get("did_method", "web"))
    if did_method not in ("web", "key"):
        raise ConfigError(f"did_method must be web or key, not {did_method!r}", code="config.did_method")
    site_port = int(str(get("site_port", 8443)))
    archive_url = str(get("archive_url", "") or f"sqlite:///{home / 'archive.sqlite3'}")
    wallet_pg = get("wallet_postgres")
    postgres = None
    if wallet_pg:
        user = str(env.get("SHAHADA_WALLET_PG_USER") or raw.get("wallet_postgres_user") or "postgres")
        password = _secret(env, "SHAHADA_WALLET_PG_PASSWORD", home=home, mode=mode, generate=False) or ""
        postgres = PostgresWallet(url=str(wallet_pg), account=user, password=password, admin_account=user, admin_password=password)
    trusted_raw = get("trusted_issuers", [])
    trusted = [t for t in trusted_raw.split(",") if t] if isinstance(trusted_raw, str) else list(trusted_raw or [])  # type: ignore[call-overload]
    agent_admin_url = get("agent_admin_url")
    settings = Settings(
        home=home,
        mode=mode,
        did_method=did_method,  # type: ignore[arg-type]
        did_web_host=str(get("did_web_host", f"localhost:{site_port}")),
        did_web_path=str(get("did_web_path", "")),
        site_host=str(get("site_host", "127.0.0.1")),
        site_port=site_port,
        archive_url=archive_url,
        proof_type=_proof_type(str(get("proof_type", DEFAULT_PROOF_TYPE))),
        operator=str(env.get("SHAHADA_OPERATOR") or _whoami()),
        sign_concurrency=int(str(get("sign_concurrency", 4))),
        trusted_issuers=tuple(str(t) for t in trusted),
        agent_admin_url=str(agent_admin_url) if agent_admin_url else None,
        agent_api_key=_secret(env, "SHAHADA_AGENT_API_KEY", home=home, mode=mode, generate=False),
        wallet_name=str(get("wallet_name", "ministry")),
        wallet_key=_secret(env, "SHAHADA_WALLET_KEY", home=home, mode=mode) or "",
        wallet_postgres=postgres,
        id_secret=(_secret(env, "SHAHADA_ID_SECRET", home=home, mode=mode) or "").encode(),
        issuer_token=_secret(env, "SHAHADA_ISSUER_TOKEN", home=home, mode=mode, generate=False),
        verify_base_url=_verify_base_url(get("verify_base_url"), str(get("did_web_host", f"localhost:{site_port}"))),
        verifier=_verifier_table(raw.get("verifier"), env),
        didcomm_port=int(str(get("didcomm_port"))) if get("didcomm_port") else None,
        didcomm_endpoint=str(get("didcomm_endpoint")) if get("didcomm_endpoint") else None,
        portal=_prefixed_table(raw.get("portal"), env, "portal"),
        console=_prefixed_table(raw.get("console"), env, "console"),
        status_list_validity=_status_list_validity(get("status_list_validity", 86_400)),
        printing=_print_settings(_prefixed_table(raw.get("print"), env, "print"), home),
    )
    if len(settings.id_secret) < 32:
        raise ConfigError("SHAHADA_ID_SECRET must be at least 32 bytes (it keys every credential id)", code="config.secret")
    if settings.agent_admin_url and not settings.agent_api_key:
        raise ConfigError("agent_admin_url is set but SHAHADA_AGENT_API_KEY is not", code="config.secret")
    return settings


def _status_list_validity(value: object) -> int:
    """Seconds a status list stays valid: from 10 minutes (longer than the lists' 5-minute ttl) to 30
    days; the shorter, the sooner an old list replayed to a new verifier stops being accepted."""
    try:
        seconds = int(str(value))
    except ValueError:
        seconds = 0
    if not 600 <= seconds <= 30 * 86_400:
        raise ConfigError(f"status_list_validity must be a number of seconds from 600 to 2592000, not {value!r}", code="config.status_list_validity")
    return seconds


def _verify_base_url(value: object, did_web_host: str) -> str:
    """The base URL of the paper seals' verifier; by default the ministry's own site, in capitals
    so that the whole QR text stays in the QR code's compact alphanumeric mode (docs/seal.md)."""
    url = str(value) if value else f"HTTPS://{did_web_host.upper()}/V/"
    if not url.lower().startswith(("https://", "http://")) or url[-1] not in "/#=:":
        raise ConfigError(f"verify_base_url must be an http(s) URL ending with '/', '#', '=' or ':', not {url!r}", code="config.verify_base_url")
    return url


def _verifier_table(table: object, env: Mapping[str, str]) -> dict[str, object]:
    """The ``[verifier]`` table, overridden by ``SHAHADA_VERIFIER_<KEY>``; checked by
    ``shahada.verifier.web.settings.VerifierSettings`` when the service starts."""
    if table is not None and not isinstance(table, dict):
        raise ConfigError("[verifier] in config.toml must be a table", code="config.file")
    values: dict[str, object] = dict(table or {})
    values.update({
        k.removeprefix("SHAHADA_VERIFIER_").lower(): v for k, v in env.items()
        if k.startswith("SHAHADA_VERIFIER_") and v and not k.startswith(VERIFIER_SECRETS)
    })
    return values


# Secrets of the verifier service read by shahada.services (not [verifier] settings), with their _FILE forms
VERIFIER_SECRETS = ("SHAHADA_VERIFIER_OID4VP_SECRET",)


def _prefixed_table(table: object, env: Mapping[str, str], name: str) -> dict[str, object]:
    """The ``[name]`` table of config.toml, overridden by ``SHAHADA_<NAME>_<KEY>``."""
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"[{name}] in config.toml must be a table", code="config.file")
    prefix = f"SHAHADA_{name.upper()}_"
    values: dict[str, object] = dict(table or {})
    values.update({k.removeprefix(prefix).lower(): v for k, v in env.items() if k.startswith(prefix) and v})
    return values


_PRINT_TEXTS = ("signatory_fr", "signatory_ar", "signatory_name_fr", "signatory_name_ar", "place_fr", "place_ar")


def _print_settings(table: Mapping[str, object], home: Path) -> PrintSettings | None:
    """The ``[print]`` table: an emblem path (relative to the data directory) and the signatory's texts.

    Raises:
        ConfigError: ``config.print``, an unknown key or a value that is not text;
            ``config.print_emblem``, the emblem is not a readable SVG file.
    """
    if not table:
        return None  # the printing package (and Typst) is loaded only by the commands that print
    from shahada.printing.settings import PrintSettings

    unknown = sorted(set(table) - {"emblem", *_PRINT_TEXTS})
    if unknown:
        raise ConfigError(f"[print] has unknown keys {', '.join(unknown)} (known: emblem, {', '.join(_PRINT_TEXTS)})", code="config.print")
    values: dict[str, object] = {}
    for key, value in table.items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"[print] {key} must be a non-empty text", code="config.print")
        values[key] = (home / Path(value).expanduser()) if key == "emblem" else value.strip()
    settings = PrintSettings(**values)  # type: ignore[arg-type]
    try:
        settings.emblem_svg()
    except ShahadaError as err:
        raise ConfigError(f"[print] emblem: {err}", code="config.print_emblem") from err
    return settings


def _proof_type(value: str) -> str:
    if value not in PROOF_TYPES:
        raise ConfigError(f"proof_type must be one of {', '.join(sorted(PROOF_TYPES))}, not {value!r}", code="config.proof_type")
    return value


def _whoami() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"
