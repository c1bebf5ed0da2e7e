"""Run the ministry's ACA-Py 1.7 agent as a managed subprocess.

The agent holds the ministry's signing key in its Askar wallet (SQLite file by default, PostgreSQL
when configured). This module starts it with:

- the admin API bound to 127.0.0.1 only, protected by an API key generated for each start;
- the wallet key taken from configuration (never a built-in default: see ``shahada.config``);
- secrets passed through the environment (``ACAPY_WALLET_KEY``, ``ACAPY_ADMIN_API_KEY``,
  ``ACAPY_WALLET_STORAGE_CREDS``), never on the command line where ``ps`` would show them;
- an explicit, minimal environment (:func:`child_environment`): the agent inherits only the
  variables a Python program needs to run (``PATH``, locale, time zone, temporary directory, CA
  bundle), never the parent's other variables — no ``SHAHADA_*`` secret (the VC API issuer's
  bearer token, the portal's secret, the id secret…) can be read from ``/proc/<pid>/environ`` of
  the agent;
- the project's plugin (``shahada.agent.plugin``) so that every JSON-LD context resolves offline;
- no DIDComm transport unless asked (signing needs none); with ``didcomm`` set, an HTTP inbound
  transport on that loopback (or configured) address, an outbound HTTP transport, and the
  profile's auto-respond flags (see :class:`DIDComm`).

``AgentProcess.start()`` waits for ``/status/ready`` with a timeout and raises ``AgentStartError``
pointing at the agent's log file if it never gets there; ``stop()`` terminates it cleanly. Agents
sharing one PostgreSQL wallet (the distributed workers) may start together on a wallet not yet
provisioned: the ones that lose that race exit during start (:func:`lost_provisioning_race`
recognises their output) and are started again, up to :data:`MAX_STARTS` starts in all; by then the
winner has provisioned the wallet and they open it. With DIDComm on, ``start()`` also waits until
the agent listens on its inbound port (ACA-Py reports ready without that transport when the port
is taken); a port this process picked is then picked again, within the same :data:`MAX_STARTS`.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Final, Literal

from shahada.agent.admin import AdminClient
from shahada.agent.errors import AgentStartError
from shahada.common.errors import ConfigError
from shahada.common.ports import free_port, holds_listener

PLUGIN_MODULE = "shahada.agent.plugin"
MAX_STARTS: Final = 4  # starts of an agent that lost the wallet provisioning race (or a port), in all
INBOUND_TIMEOUT: Final = 10.0  # seconds a ready agent has to be listening on its DIDComm port

# What ACA-Py 1.7 logs when its DIDComm inbound transport cannot bind its port. It then goes on
# without one — and answers /status/ready — so an agent whose port was taken would look started
# while no wallet could ever reach it (seen as the DID exchange never completing).
_INBOUND_FAILED: Final = "Unable to start webserver"
_ADMIN_FAILED: Final = "Unable to start administration API"

# What Askar (through ACA-Py 1.7) writes when several agents create the same PostgreSQL store at once
# (e.g. 'relation "config" does not exist' or '... already exists' while another one creates it).
_PROVISIONING_RACE: Final = "multiple instances attempting to create the same store at the same time"
_GAVE_UP_OPENING: Final = "Failed to open or provision store after retries"


def lost_provisioning_race(output: str) -> bool:
    """Whether an agent's output of one start shows it died because another agent was provisioning
    the same wallet at the same time (and not for any other reason)."""
    return _PROVISIONING_RACE in output and _GAVE_UP_OPENING in output

# What a child Python process needs from its parent's environment to run as the parent would:
# where programs are, the locale and time zone, the temporary directory, the CA bundle. Nothing
# else is passed on: secrets reach a child only when it needs them, through AgentConfig.
INHERITED_VARIABLES: Final = frozenset(
    {"PATH", "LANG", "LANGUAGE", "TZ", "TMPDIR", "SSL_CERT_FILE", "SSL_CERT_DIR", "PYTHONPATH", "VIRTUAL_ENV"}
)


def child_environment(parent: Mapping[str, str], extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a child process: the :data:`INHERITED_VARIABLES` and ``LC_*`` of ``parent``
    that are set, then ``extra`` (which the caller chose to pass)."""
    env = {k: v for k, v in parent.items() if k in INHERITED_VARIABLES or k.startswith("LC_")}
    env.update(extra or {})
    return env


@dataclass(frozen=True, slots=True)
class PostgresWallet:
    """Askar PostgreSQL storage. ``url`` is ``host:port``; ACA-Py creates one database per wallet."""

    url: str
    account: str
    password: str
    admin_account: str
    admin_password: str
    max_connections: int = 10


@dataclass(frozen=True, slots=True)
class DIDComm:
    """DIDComm messaging for an agent that talks to wallets (ministry, holder, university).

    ``endpoint`` is the public URL other agents reach (default ``http://HOST:PORT``); ``flags``
    are the ACA-Py auto-respond switches of the agent's role; ``webhook_url`` receives the agent's
    events (ACA-Py posts ``/topic/<name>/`` under it).
    """

    port: int = 0  # 0: pick a free port at start
    host: str = "127.0.0.1"
    endpoint: str | None = None
    flags: tuple[str, ...] = ()
    webhook_url: str | None = None


@dataclass(frozen=True, slots=True)
class AgentConfig:
    work_dir: Path  # the agent's HOME: SQLite wallets and the log live here
    wallet_name: str
    wallet_key: str = field(repr=False)
    label: str = "ministry"
    admin_port: int = 0  # 0: pick a free loopback port at start
    postgres: PostgresWallet | None = None
    plugins: tuple[str, ...] = (PLUGIN_MODULE,)
    startup_timeout: float = 60.0
    log_level: Literal["debug", "info", "warning", "error"] = "warning"
    extra_env: Mapping[str, str] = field(default_factory=dict)  # e.g. SSL_CERT_FILE for did:web on loopback
    executable: Path | None = None  # default: the aca-py next to this Python
    didcomm: DIDComm | None = None  # None: no transport at all (signing only)

    def __post_init__(self) -> None:
        if not self.wallet_key:
            raise ConfigError("the agent's wallet key is empty", code="config.wallet_key")


def _die_with_parent() -> None:
    """In the child before exec: ask Linux to SIGTERM the agent if its parent dies (even by SIGKILL)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass  # not Linux: the agent then outlives a killed parent until stopped by hand


def _aca_py_executable(config: AgentConfig) -> Path:
    if config.executable is not None:
        return config.executable
    candidate = Path(sys.executable).with_name("aca-py")
    if candidate.exists():
        return candidate
    found = shutil.which("aca-py")
    if not found:
        raise AgentStartError("the aca-py executable was not found (is acapy-agent installed?)")
    return Path(found)


class AgentProcess:
    """One running ACA-Py agent. Use as a context manager, or call start()/stop()."""

    def __init__(self, config: AgentConfig) -> None:
        self.config = config
        self.admin_port = config.admin_port or free_port()
        self.api_key = secrets.token_urlsafe(32)
        self.log_path = config.work_dir / "agent.log"
        self.inbound_port = (config.didcomm.port or free_port()) if config.didcomm else None
        self._process: subprocess.Popen[bytes] | None = None
        self._client: AdminClient | None = None

    @property
    def admin_url(self) -> str:
        return f"http://127.0.0.1:{self.admin_port}"

    @property
    def client(self) -> AdminClient:
        if self._client is None:
            raise AgentStartError("the agent is not started")
        return self._client

    @property
    def endpoint(self) -> str | None:
        """The DIDComm endpoint other agents reach, when DIDComm is on."""
        d = self.config.didcomm
        if d is None:
            return None
        return d.endpoint or f"http://{d.host}:{self.inbound_port}"

    def _transport_args(self) -> list[str]:
        d = self.config.didcomm
        if d is None:
            return ["--no-transport"]
        args = [
            "--inbound-transport", "http", d.host, str(self.inbound_port),
            "--outbound-transport", "http",
            "--endpoint", str(self.endpoint),
            *d.flags,
        ]
        if d.webhook_url:
            args += ["--webhook-url", d.webhook_url]
        return args

    def command(self) -> list[str]:
        cfg = self.config
        cmd = [
            str(_aca_py_executable(cfg)), "start",
            "--label", cfg.label,
            *self._transport_args(),
            "--admin", "127.0.0.1", str(self.admin_port),
            "--no-ledger",
            "--wallet-type", "askar-anoncreds",
            "--wallet-name", cfg.wallet_name,
            "--auto-provision",
            "--log-level", cfg.log_level,
            "--log-file", str(self.log_path),
        ]
        for plugin in cfg.plugins:
            cmd += ["--plugin", plugin]
        if cfg.postgres is not None:
            storage = {"url": cfg.postgres.url, "max_connections": cfg.postgres.max_connections}
            cmd += ["--wallet-storage-type", "postgres_storage", "--wallet-storage-config", json.dumps(storage)]
        return cmd

    def environment(self) -> dict[str, str]:
        cfg = self.config
        env = child_environment(os.environ, cfg.extra_env)
        env["HOME"] = str(cfg.work_dir)
        env["ACAPY_WALLET_KEY"] = cfg.wallet_key
        env["ACAPY_ADMIN_API_KEY"] = self.api_key
        if cfg.postgres is not None:
            env["ACAPY_WALLET_STORAGE_CREDS"] = json.dumps(
                {
                    "account": cfg.postgres.account,
                    "password": cfg.postgres.password,
                    "admin_account": cfg.postgres.admin_account,
                    "admin_password": cfg.postgres.admin_password,
                }
            )
        return env

    def start(self) -> AdminClient:
        if self._process is not None:
            return self.client
        self.config.work_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        starts = 1
        while True:
            offset = self.log_path.stat().st_size if self.log_path.exists() else 0
            try:
                return self._start_once(offset)
            except AgentStartError:
                output = self._log_since(offset)
                if starts == MAX_STARTS or not (lost_provisioning_race(output) or self._lost_a_port(output)):
                    raise
            starts += 1

    def _lost_a_port(self, output: str) -> bool:
        """Whether the start failed because a port this process picked was taken before the agent
        bound it; if so, pick another for the next start (a configured port is never changed)."""
        lost = False
        if self.config.didcomm is not None and not self.config.didcomm.port and _INBOUND_FAILED in output:
            self.inbound_port, lost = free_port(), True
        if not self.config.admin_port and _ADMIN_FAILED in output and "already in use" in output:
            self.admin_port, lost = free_port(), True
        return lost

    def _log_since(self, offset: int) -> str:
        try:
            with open(self.log_path, "rb") as log:
                log.seek(offset)
                return log.read().decode("utf-8", errors="replace")
        except OSError:
            return ""

    def _start_once(self, offset: int) -> AdminClient:
        with open(self.log_path, "ab") as log:
            log.write(f"\n--- shahada: starting agent on admin port {self.admin_port} ---\n".encode())
            log.flush()
            self._process = subprocess.Popen(
                self.command(),
                env=self.environment(),
                cwd=self.config.work_dir,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # a Ctrl-C in the terminal reaches us, and we stop the agent
                preexec_fn=_die_with_parent,
            )
        self._client = AdminClient(self.admin_url, self.api_key)
        deadline = time.monotonic() + self.config.startup_timeout
        while time.monotonic() < deadline:
            code = self._process.poll()
            if code is not None:
                self._process = None
                self._client.close()  # a restart (lost provisioning race) makes its own
                raise AgentStartError(f"the ACA-Py agent exited with status {code} during start-up; see {self.log_path}:\n{self._log_tail()}")
            if self._client.is_ready():
                self._await_inbound(offset)
                return self._client
            time.sleep(0.2)
        self.stop()
        raise AgentStartError(
            f"the ACA-Py agent was not ready after {self.config.startup_timeout:.0f}s; see {self.log_path}:\n{self._log_tail()}"
        )

    def _await_inbound(self, offset: int) -> None:
        """With DIDComm on, wait until the agent listens on its inbound port: ACA-Py reports ready
        even when that transport failed to start. Stops the agent and raises if it does not."""
        if self.config.didcomm is None or self._process is None or self.inbound_port is None:
            return
        pid, port = self._process.pid, self.inbound_port
        deadline = time.monotonic() + INBOUND_TIMEOUT
        while _INBOUND_FAILED not in self._log_since(offset):
            if holds_listener(pid, port) in (True, None):  # None: no /proc to tell, and no failure logged
                return
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.stop()
        address = f"{self.config.didcomm.host}:{port}"
        raise AgentStartError(
            f"the agent's DIDComm transport could not listen on {address} (another program holds the port?"
            f" choose another DIDComm port); see {self.log_path}:\n{self._log_tail()}"
        )

    def _log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 10.0) -> None:
        process, self._process = self._process, None
        if self._client is not None:
            self._client.close()
            self._client = None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)

    @property
    def pid(self) -> int | None:
        """The agent's process id while it runs (benchmarks read its CPU time)."""
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def __enter__(self) -> AdminClient:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
