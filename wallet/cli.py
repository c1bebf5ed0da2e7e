"""``shahada wallet …``: a graduate's cloud wallet from a terminal.

``shahada wallet agent`` runs the holder agent (ACA-Py, DIDComm on loopback by default) in the
foreground, with its data under ``$SHAHADA_WALLET_HOME`` (default ``$SHAHADA_HOME/wallet``); it
writes ``admin.json`` there (0600: the admin URL and the API key of this run) so that the other
commands find it. ``SHAHADA_WALLET_ADMIN_URL`` and ``SHAHADA_WALLET_API_KEY`` (or ``_FILE``)
point them at another running holder agent instead.

The wallet key is ``SHAHADA_WALLET_HOLDER_KEY`` (or ``_FILE``); in development it is generated
once under the wallet's home (0600). The holder agent trusts ``--ca-file`` for did:web over
HTTPS (default: the local ministry's CA, ``$SHAHADA_HOME/tls/ca.pem``, when it exists).

Commands: ``accept INVITATION`` (URL, deep link or JSON; ``-`` reads stdin), ``list``,
``export ID``, ``requests``, ``present PRES_EX_ID``, ``prove ID… --challenge C [--domain D]``.
Exit codes: 0 success, 1 a domain error (printed with its code), 2 usage error.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

import click

from shahada.common.errors import ShahadaError
from shahada.common.files import generated_secret, private_dir, write_private
from shahada.wallet.errors import WalletError


def wallet_home() -> Path:
    explicit = os.environ.get("SHAHADA_WALLET_HOME")
    if explicit:
        return Path(explicit).expanduser().resolve()
    return Path(os.environ.get("SHAHADA_HOME") or "~/.shahada").expanduser().resolve() / "wallet"


def _secret(name: str, home: Path) -> str:
    if os.environ.get(name):
        return os.environ[name]
    if os.environ.get(f"{name}_FILE"):
        return Path(os.environ[f"{name}_FILE"]).read_text(encoding="utf-8").strip()
    return generated_secret(home / "secrets" / name.lower())


def _client() -> Any:
    from shahada.agent.admin import AdminClient

    url = os.environ.get("SHAHADA_WALLET_ADMIN_URL")
    key = os.environ.get("SHAHADA_WALLET_API_KEY")
    if not key and os.environ.get("SHAHADA_WALLET_API_KEY_FILE"):
        key = Path(os.environ["SHAHADA_WALLET_API_KEY_FILE"]).read_text(encoding="utf-8").strip()
    if not url:
        state = wallet_home() / "admin.json"
        if not state.exists():
            raise WalletError(f"no wallet agent: run `shahada wallet agent` first (no {state})", code="wallet.config")
        saved = json.loads(state.read_text(encoding="utf-8"))
        url, key = saved["admin_url"], saved["api_key"]
    if not key:
        raise WalletError("SHAHADA_WALLET_ADMIN_URL is set but SHAHADA_WALLET_API_KEY is not", code="wallet.config")
    client = AdminClient(url, key)
    if not client.is_ready():
        raise WalletError(f"the wallet agent at {url} is not running", code="wallet.config")
    return client


def _wallet(timeout: float) -> Any:
    from shahada.wallet.controller import Wallet

    return Wallet(_client(), timeout=timeout)


def _fail(err: ShahadaError) -> None:
    click.echo(f"error [{err.code}]: {err.message}", err=True)
    sys.exit(1)


def _summary(held: Any) -> str:
    kind = next((t for t in held.types if t != "VerifiableCredential"), "?")
    return f"{held.credential_id}  {kind}  issuer {held.issuer}"


@click.group("wallet")
def wallet_group() -> None:
    """A graduate's cloud wallet: a holder agent and its operations."""


@wallet_group.command("agent")
@click.option("--didcomm-port", type=int, default=0, show_default="a free port", help="DIDComm inbound port on --host.")
@click.option("--host", default="127.0.0.1", show_default=True, help="DIDComm inbound address.")
@click.option("--endpoint", default=None, help="The public DIDComm URL (default http://HOST:PORT).")
@click.option("--ca-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None, help="CA bundle for did:web over HTTPS.")
def agent_command(didcomm_port: int, host: str, endpoint: str | None, ca_file: Path | None) -> None:
    """Run the holder agent in the foreground until Ctrl-C or SIGTERM."""
    from shahada.agent.process import AgentProcess, DIDComm
    from shahada.wallet.agent import holder_agent_config

    home = wallet_home()
    private_dir(home)
    if ca_file is None:
        local_ca = Path(os.environ.get("SHAHADA_HOME") or "~/.shahada").expanduser() / "tls" / "ca.pem"
        ca_file = local_ca if local_ca.exists() else None
    config = holder_agent_config(home / "agent", _secret("SHAHADA_WALLET_HOLDER_KEY", home), ca_file=ca_file, didcomm_port=didcomm_port, endpoint=endpoint)
    if host != "127.0.0.1":
        assert config.didcomm is not None
        from dataclasses import replace

        config = replace(config, didcomm=DIDComm(port=didcomm_port, host=host, endpoint=endpoint, flags=config.didcomm.flags))
    process = AgentProcess(config)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        process.start()
    except ShahadaError as err:
        _fail(err)
    state = home / "admin.json"
    try:
        write_private(state, json.dumps({"admin_url": process.admin_url, "api_key": process.api_key}).encode("utf-8"))
        click.echo(f"wallet agent ready: DIDComm {process.endpoint}, admin {process.admin_url} (key in {state})", err=True)
        stop.wait()
    finally:
        state.unlink(missing_ok=True)
        process.stop()


@wallet_group.command("accept")
@click.argument("invitation")
@click.option("--documents", type=int, default=0, help="How many documents the invitation delivers in all (0: only the attached one).")
@click.option("--timeout", type=float, default=60.0, show_default=True)
def accept_command(invitation: str, documents: int, timeout: float) -> None:
    """Accept an invitation (URL, didcomm:// link or JSON; '-' reads it from stdin)."""
    text = sys.stdin.read() if invitation == "-" else invitation
    try:
        wallet = _wallet(timeout)
        accepted = wallet.accept(text)
        held = list(accepted.credentials)
        if documents > len(held):
            held += wallet.receive(accepted.connection_id, count=documents - len(held))
    except ShahadaError as err:
        _fail(err)
    for item in held:
        click.echo(f"stored {_summary(item)}")
    for request in accepted.requests:
        click.echo(f"presentation request {request.pres_ex_id} (answer with `shahada wallet present {request.pres_ex_id}`)")


@wallet_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per credential.")
def list_command(as_json: bool) -> None:
    """The credentials the wallet holds."""
    try:
        held = _wallet(30).credentials()
    except ShahadaError as err:
        _fail(err)
    for item in held:
        if as_json:
            click.echo(json.dumps({"record_id": item.record_id, "id": item.credential_id, "types": item.types, "issuer": item.issuer}))
        else:
            click.echo(_summary(item))


@wallet_group.command("export")
@click.argument("credential_id")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write to a file instead of stdout.")
def export_command(credential_id: str, output: Path | None) -> None:
    """One credential, as its issuer signed it (JSON)."""
    try:
        document = _wallet(30).export(credential_id)
    except ShahadaError as err:
        _fail(err)
    text = json.dumps(document, indent=2, ensure_ascii=False)
    if output is None:
        click.echo(text)
    else:
        write_private(output, (text + "\n").encode("utf-8"))  # a credential holds personal data
        click.echo(f"wrote {output}", err=True)


@wallet_group.command("requests")
def requests_command() -> None:
    """Presentation requests waiting for an answer."""
    try:
        pending = _wallet(30).requests()
    except ShahadaError as err:
        _fail(err)
    for request in pending:
        names = ", ".join(str(d.get("name") or d.get("id")) for d in request.definition.get("input_descriptors", []))
        click.echo(f"{request.pres_ex_id}  asks for: {names}  challenge {request.challenge}")


@wallet_group.command("present")
@click.argument("pres_ex_id")
@click.option("--use", "uses", multiple=True, metavar="DESCRIPTOR=ID", help="Which credential answers which input descriptor.")
@click.option("--timeout", type=float, default=60.0, show_default=True)
def present_command(pres_ex_id: str, uses: tuple[str, ...], timeout: float) -> None:
    """Answer a presentation request with the matching credentials."""
    try:
        wallet = _wallet(timeout)
        record_ids: dict[str, list[str]] = {}
        if uses:
            held = {h.credential_id: h.record_id for h in wallet.credentials()}
            for use in uses:
                descriptor, _, credential_id = use.partition("=")
                if not credential_id or credential_id not in held:
                    raise WalletError(f"--use {use!r}: expected DESCRIPTOR=ID of a credential in the wallet", code="wallet.not_found")
                record_ids.setdefault(descriptor, []).append(held[credential_id])
        state = wallet.present(pres_ex_id, record_ids=record_ids or None)
    except ShahadaError as err:
        _fail(err)
    click.echo(f"presentation {pres_ex_id}: {state}")


@wallet_group.command("prove")
@click.argument("credential_ids", nargs=-1, required=True)
@click.option("--challenge", required=True, help="The verifier's challenge (e.g. from POST /challenges).")
@click.option("--domain", default=None, help="The verifier's domain.")
def prove_command(credential_ids: tuple[str, ...], challenge: str, domain: str | None) -> None:
    """A VC API presentation of credentials for a verifier (JSON on stdout)."""
    try:
        wallet = _wallet(30)
        documents = [wallet.export(cid) for cid in credential_ids]
        presentation = wallet.prove(documents, challenge=challenge, domain=domain)
    except ShahadaError as err:
        _fail(err)
    click.echo(json.dumps(presentation, indent=2, ensure_ascii=False))
