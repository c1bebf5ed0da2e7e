"""``shahada serve …``: long-running services of the local ministry.

``shahada serve issuer [--host 127.0.0.1] [--port N]`` starts (or uses, with ``agent_admin_url``)
the agent like every other command (``shahada.ministry.LocalMinistry``) and serves the VC API
issuer (``shahada.issuer.api``) with waitress until Ctrl-C or SIGTERM, which stop the agent too.

``shahada serve verifier [--host 127.0.0.1] [--port N]`` serves the public verifier
(``shahada.verifier.web``: pages in Arabic, French and English, the printed QR codes' URL, the VC API
verifier) with waitress; it needs no agent (``shahada.services``). Its worker processes start with
it; SIGTERM kills them first, so that a request stuck in one ends at once and the command stops
within seconds.

``shahada serve portal [--host 127.0.0.1] [--port N]`` starts the local ministry (its agent seals
the PDFs and, with ``didcomm_port``, delivers to wallets) and serves the graduate portal
(``shahada.portal``: sign-in with a one-time code, documents, wallet, share links) with waitress.

``shahada serve console [--host 127.0.0.1] [--port N]`` starts the local ministry and serves the
staff console (``shahada.console``: accounts with TOTP, PVs approved by a second person, issuance,
print batches, results day, revocation with four eyes) with waitress.

The bearer token is ``SHAHADA_ISSUER_TOKEN`` (or ``SHAHADA_ISSUER_TOKEN_FILE``); in development
mode one is generated once under ``$SHAHADA_HOME/secrets/issuer_token`` (0600) and its path, never
its value, is printed. Production refuses to start without one.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

from shahada.common.errors import ConfigError, ShahadaError
from shahada.common.files import generated_secret

if TYPE_CHECKING:
    from shahada.config import Settings
    from shahada.issuer.api.records import ArchiveRecords


def issuer_token(settings: Settings) -> tuple[str, str]:
    """(token, where it comes from) for the VC API issuer.

    Raises:
        ConfigError (config.secret): production mode without SHAHADA_ISSUER_TOKEN.
    """
    if settings.issuer_token:
        return settings.issuer_token, "SHAHADA_ISSUER_TOKEN"
    if settings.mode == "production":
        raise ConfigError("SHAHADA_ISSUER_TOKEN (or SHAHADA_ISSUER_TOKEN_FILE) must be set in production mode", code="config.secret")
    path = settings.home / "secrets" / "issuer_token"
    return generated_secret(path), str(path)


def _vc_api_records(ministry: Any, stack: ExitStack) -> ArchiveRecords | None:
    """The archive and status lists of the VC API issuer (:class:`shahada.issuer.api.records.ArchiveRecords`).

    A did:web ministry has its status store and site already. A did:key ministry (conformance
    suites) gets the same: a status store under the local site's origin, and the local site (HTTPS
    on loopback, the local CA) serving its lists. None for a did:key ministry without a local site
    (nowhere to publish lists): then nothing is archived, as before."""
    from shahada.issuer.api.records import ArchiveRecords
    from shahada.issuer.archive.status import StatusStore
    from shahada.issuer.site.app import SiteServer, create_site_app
    from shahada.issuer.usecases import publish_status
    from shahada.status_setup import site_origin

    s = ministry.settings
    store = ministry.status
    if store is None:
        if not s.site_is_local or ministry.tls is None:
            return None
        store = StatusStore(ministry.archive.engine, secret=s.id_secret, origin=site_origin(s))
        app = create_site_app(did_documents={ministry.identity.did: ministry.identity.did_document()}, loader=ministry.loader, status_lists=store)
        site = SiteServer(app, host=s.site_host, port=s.site_port, cert=ministry.tls.server_cert, key=ministry.tls.server_key).start()
        stack.callback(site.stop)
    signer = ministry.signer()
    did = ministry.identity.did
    return ArchiveRecords(ministry.archive, store, publish=lambda: publish_status(store, signer, issuer_did=did, proof_type=s.proof_type))


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # waitress and LocalMinistry then shut down as on Ctrl-C


def _stop_first(*stops: Callable[[], None]) -> Callable[[int, FrameType | None], None]:
    """A SIGTERM handler that starts ``stops`` (e.g. killing the worker processes, so that a
    request stuck in one ends at once and waitress has no busy thread to wait for), then stops
    like Ctrl-C."""

    def handler(signum: int, frame: FrameType | None) -> None:
        for stop in stops:
            threading.Thread(target=stop, name="shahada-stop", daemon=True).start()
        raise KeyboardInterrupt

    return handler


@contextmanager
def _exit_on_error(host: str, port: int) -> Iterator[None]:
    """A domain error (a port that cannot be listened on included: :func:`_listen`) ends the
    command with exit 1 and one line; any other system error too, without claiming it was the
    service's port."""
    try:
        yield
    except ShahadaError as err:
        click.echo(f"error [{err.code}]: {err.message}", err=True)
        sys.exit(1)
    except OSError as err:
        click.echo(f"error [serve.os]: {err.strerror or err}{f' ({err.filename})' if err.filename else ''}", err=True)
        sys.exit(1)


def _listen(app: Any, *, host: str, port: int, threads: int, ident: str, option: str = "--port", limits: Any = None) -> Any:
    """A waitress server bound to ``host:port``.

    Raises:
        ConfigError (serve.bind): the address cannot be listened on; the message names that port
            and the option that changes it.
    """
    from shahada.common.wsgi import WaitressServer

    try:
        return WaitressServer(app, host=host, port=port, threads=threads, ident=ident, **({"limits": limits} if limits is not None else {}))
    except OSError as err:
        raise _bind_error(host, port, err, option) from err


def _bind_error(host: str, port: int, err: OSError, option: str = "--port") -> ConfigError:
    """The one-line ``serve.bind`` error of every service: the port, and the option that changes it."""
    return ConfigError(
        f"cannot listen on {host}:{port} ({err.strerror or err}): another program holds that port; stop it or choose another with {option}",
        code="serve.bind",
    )


def _serve_until_stopped(server: Any) -> None:
    """Serve until Ctrl-C or SIGTERM (which :func:`_stop_on_sigterm` turns into Ctrl-C).

    SIGTERM also closes the server from a thread, so that its loop returns even when the
    KeyboardInterrupt lands where Python ignores exceptions (a finalizer run by the garbage
    collector: seen as "Exception ignored in: <function _collection_gced …>", and a
    ``serve verifier --processes 2`` child that never stopped)."""
    installed = signal.getsignal(signal.SIGTERM)

    def handler(signum: int, frame: FrameType | None) -> None:
        threading.Thread(target=server.stop, name="shahada-stop", daemon=True).start()
        if callable(installed):
            installed(signum, frame)  # the command's own stops, then KeyboardInterrupt
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)
    try:
        server.serve()
    except KeyboardInterrupt:
        pass


@click.group()
def serve() -> None:
    """Long-running services (they stop on Ctrl-C or SIGTERM)."""


@serve.command("issuer")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on (terminate TLS in front of it)")
@click.option("--port", default=8080, type=click.IntRange(0, 65535), show_default=True, help="0: a free port")
def serve_issuer(host: str, port: int) -> None:
    """The W3C VC API issuer: POST /credentials/issue, bearer token, signed by the agent."""
    from shahada.config import load_settings
    from shahada.issuer.api import AgentCredentialSigner, IssuerService, create_app
    from shahada.issuer.api.server import IssuerServer
    from shahada.ministry import LocalMinistry

    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    with _exit_on_error(host, port):
        settings = load_settings()
        token, token_source = issuer_token(settings)
        with LocalMinistry(settings) as ministry, ExitStack() as stack:
            identity = ministry.identity
            records = _vc_api_records(ministry, stack)
            service = IssuerService(
                signer=AgentCredentialSigner(ministry.client, identity.vc_api_method),
                issuer_did=identity.did,
                verification_method=identity.vc_api_method,  # not the diploma key (issue 17)
                loader=ministry.loader,
                token=token,
                default_suite=settings.proof_type,
                records=records,
            )
            try:
                server = IssuerServer(create_app(service), host=host, port=port)
            except OSError as err:
                raise _bind_error(host, port, err) from err
            click.echo(f"VC API issuer: POST {server.url}/credentials/issue", err=True)
            click.echo(f"issuer {identity.did}, key {identity.vc_api_method}, default suite {settings.proof_type}", err=True)
            click.echo(f"bearer token: {token_source}", err=True)
            if records is not None:
                click.echo(f"archived, with status lists at {records.status.origin}/status/…", err=True)
            _serve_until_stopped(server)
    click.echo("stopped; the agent is stopped.", err=True)


@serve.command("verifier")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on (terminate TLS in front of it)")
@click.option("--port", default=8081, type=click.IntRange(0, 65535), show_default=True, help="0: a free port")
@click.option("--threads", default=4, type=click.IntRange(1, 64), show_default=True, help="waitress worker threads (of each process)")
@click.option(
    "--processes", default=1, type=click.IntRange(1, 64), show_default=True,
    help="service processes serving the same port, each with its own worker processes (one per core)",
)
def serve_verifier(host: str, port: int, threads: int, processes: int) -> None:
    """The public verifier: pages (ar, fr, en), QR URLs, the W3C VC API and, with [verifier]
    public_url, OpenID4VP requests (no agent needed)."""
    if processes == 1:
        _serve_verifier(host, port, threads)
    else:
        _serve_processes(host, port, processes, lambda sock, first: _serve_verifier(host, port, threads, sock=sock, announce=first, processes=processes), "verifier")


def _serve_verifier(host: str, port: int, threads: int, *, sock: Any = None, announce: bool = True, processes: int = 1) -> None:
    """One of ``processes`` serving the verifier; with more than one, OpenID4VP requests are kept
    in the archive's database, or refused when it is not reachable."""
    import os

    from shahada.config import load_settings
    from shahada.services import installation_verifier
    from shahada.verifier.web.oid4vp import OID4VP_KEY

    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    with _exit_on_error(host, port), installation_verifier(load_settings(), os.environ, processes=processes) as verifier:
        if sock is None:
            server = _listen(verifier.app, host=host, port=port, threads=threads, ident="shahada-verifier", limits=verifier.server_limits)
        else:
            from shahada.common.wsgi import WaitressServer

            server = WaitressServer(verifier.app, threads=threads, ident="shahada-verifier", limits=verifier.server_limits, sock=sock)
        if verifier.service.workers is not None:
            verifier.service.workers.start()
            signal.signal(signal.SIGTERM, _stop_first(verifier.service.workers.close))
        if announce:
            if sock is None:
                click.echo(f"verifier: {server.url}/ (pages), POST {server.url}/credentials/verify, {server.url}/openapi.json", err=True)
            click.echo(f"trusted issuers: {', '.join(sorted(verifier.settings.trusted_issuers))}", err=True)
            click.echo(f"printed QR codes: {verifier.settings.seal_base_url}<seal>; the ministry's records: {'reachable' if verifier.records else 'not reachable'}", err=True)
            if processes > 1 and verifier.settings.public_url:
                off = verifier.app.config[OID4VP_KEY].unavailable
                click.echo(f"OpenID4VP requests: {'refused (503): ' + off if off else 'kept in the archive database, shared by the processes'}", err=True)
        _serve_until_stopped(server)
    if announce:
        click.echo("stopped.", err=True)


def _serve_processes(host: str, port: int, count: int, child: Callable[[Any, bool], None], name: str) -> None:
    """``count`` child processes serving one listening socket (the kernel hands each connection to
    one of them), so that a service uses every core; the parent only waits. SIGTERM or Ctrl-C stop
    them all; a child that ends on its own ends the others (exit 1). The children are forked before
    this process starts any thread."""
    import os

    from shahada.common.wsgi import listening_socket

    with _exit_on_error(host, port):
        try:
            sock = listening_socket(host, port)
        except OSError as err:
            raise _bind_error(host, port, err) from err
    url = f"http://{host}:{sock.getsockname()[1]}"
    children: list[int] = []
    for index in range(count):
        pid = os.fork()
        if pid == 0:  # the child: serve, then leave without running the parent's exit handlers
            code = 1
            try:
                child(sock, index == 0)
                code = 0
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
            except KeyboardInterrupt:
                code = 0
            finally:
                sys.stderr.flush()
                os._exit(code)
        children.append(pid)
    sock.close()
    click.echo(f"{name}: {url}/ (pages), POST {url}/credentials/verify, {url}/openapi.json; {count} processes", err=True)
    sys.stderr.flush()

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    failed = False
    try:
        pid, status = os.wait()
        children.remove(pid)
        failed = True
    except KeyboardInterrupt:
        pass
    for pid in children:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for pid in children:
        try:
            os.waitpid(pid, 0)
        except (ChildProcessError, KeyboardInterrupt):
            pass
    if failed:
        click.echo(f"error [serve.process]: a {name} process ended; the others are stopped", err=True)
        sys.exit(1)
    click.echo("stopped.", err=True)


@serve.command("portal")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on (terminate TLS in front of it)")
@click.option("--port", default=8082, type=click.IntRange(0, 65535), show_default=True, help="0: a free port (then set [portal] public_url for share links)")
@click.option("--threads", default=4, type=click.IntRange(1, 64), show_default=True, help="waitress worker threads")
def serve_portal(host: str, port: int, threads: int) -> None:
    """The graduate portal: sign-in (Code Massar, birth date, one-time code), documents, wallet, share links."""
    import os

    from shahada.config import load_settings
    from shahada.ministry import LocalMinistry
    from shahada.services import installation_portal, portal_origins, with_portal_address
    from shahada.verifier.share import origin_of

    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    with _exit_on_error(host, port):
        listen_url = f"http://{'127.0.0.1' if host in ('127.0.0.1', 'localhost') else host}:{port}" if port and host not in ("0.0.0.0", "::") else None
        settings = with_portal_address(load_settings(), listen_url)  # before the local site starts: its verifier trusts these links
        with LocalMinistry(settings) as ministry, installation_portal(settings, ministry, os.environ) as portal:
            server = _listen(portal.app, host=host, port=port, threads=threads, ident="shahada-portal")
            click.echo(f"graduate portal: {server.url}/", err=True)
            links = portal.settings.public_url or server.url
            click.echo(f"share links: {links}/s/<token>; verifier: {portal.settings.verifier_url or '(none: browsers get the JSON)'}", err=True)
            if origin_of(links) not in portal_origins(settings):
                click.echo(f"note: the installation's verifier trusts share links of {', '.join(sorted(portal_origins(settings))) or 'no portal'} only: set [portal] public_url", err=True)
            click.echo(f"one-time codes: {portal.outbox or portal.settings.sender}; add to wallet: {'on' if portal.wallet else 'off'}", err=True)
            _serve_until_stopped(server)
    click.echo("stopped; the agent is stopped.", err=True)


@serve.command("console")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on (terminate TLS in front of it)")
@click.option("--port", default=8083, type=click.IntRange(0, 65535), show_default=True, help="0: a free port")
@click.option("--threads", default=4, type=click.IntRange(1, 64), show_default=True, help="waitress worker threads")
def serve_console(host: str, port: int, threads: int) -> None:
    """The ministry's staff console: accounts with TOTP, PV upload and approval, issuance, print
    batches, results day, suspension and revocation (four eyes), dashboards. Create the first
    account with ``shahada console add-user``."""
    import os

    from shahada.config import load_settings
    from shahada.ministry import LocalMinistry
    from shahada.services import installation_console

    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    with _exit_on_error(host, port):
        settings = load_settings()
        with LocalMinistry(settings) as ministry, installation_console(settings, ministry, os.environ) as console:
            server = _listen(console.app, host=host, port=port, threads=threads, ident="shahada-console")
            click.echo(f"staff console: {server.url}/ (terminate TLS in front of it; cookies are Secure)", err=True)
            click.echo(f"uploads and print batches: {console.settings.work_dir}", err=True)
            _serve_until_stopped(server)
    click.echo("stopped; the agent is stopped.", err=True)


@serve.command("public")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on (terminate TLS in front of it)")
@click.option("--port", default=8443, type=click.IntRange(0, 65535), show_default=True, help="0: a free port")
@click.option("--threads", default=8, type=click.IntRange(1, 64), show_default=True, help="waitress worker threads (of each process)")
@click.option(
    "--processes", default=1, type=click.IntRange(1, 64), show_default=True,
    help="processes serving the same port, each with its own worker processes (one per core)",
)
def serve_public(host: str, port: int, threads: int, processes: int) -> None:
    """The ministry's public origin (production): the DID document, contexts, schemas, status lists,
    registry AND the verifier (pages, the printed QR codes' /V/, the VC API), at https://<did_web_host>
    behind a TLS proxy. No agent needed."""
    if processes == 1:
        _serve_public(host, port, threads)
    else:
        _serve_processes(host, port, processes, lambda sock, first: _serve_public(host, port, threads, sock=sock, announce=first), "public origin")


def _serve_public(host: str, port: int, threads: int, *, sock: Any = None, announce: bool = True) -> None:
    import os

    from shahada.config import load_settings
    from shahada.services import installation_public

    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    with _exit_on_error(host, port), installation_public(load_settings(), os.environ) as public:
        if sock is None:
            server = _listen(public.app, host=host, port=port, threads=threads, ident="shahada-public")
        else:
            from shahada.common.wsgi import WaitressServer

            server = WaitressServer(public.app, threads=threads, ident="shahada-public", sock=sock)
        if announce:
            click.echo(f"public origin {public.origin}: served at {server.url}/ (terminate TLS in front of it)", err=True)
            click.echo(f"DID document {public.origin}{public.did_path}, status lists /status/…, registry /registry/…", err=True)
            click.echo(f"verifier: pages /, printed QR codes {public.seal_base_url}<seal>, VC API POST /credentials/verify", err=True)
            click.echo("look-up by document number and birth date: /lookup, POST /documents/status; share links: /shares?url=", err=True)
        _serve_until_stopped(server)
    if announce:
        click.echo("stopped.", err=True)
