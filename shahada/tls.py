"""A local certificate authority and server certificate for the ministry's site on loopback.

``did:web`` is always resolved over HTTPS (by ACA-Py and by our verifier), so the local setup serves
its DID document over real TLS. The CA certificate is what the local verifier (``verify_tls``) and
the agent (``SSL_CERT_FILE``) trust; it is generated once per data directory and never leaves it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from shahada.common.files import held_lock, write_private


@dataclass(frozen=True, slots=True)
class TLSFiles:
    ca_cert: Path
    server_cert: Path
    server_key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Shahada local ministry"), x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def ensure_local_tls(directory: Path, *, hostnames: tuple[str, ...] = ("localhost",), days: int = 825) -> TLSFiles:
    """Create (once) a local CA and a server certificate for ``hostnames`` and 127.0.0.1.

    Processes sharing a data directory (a coordinator and its workers starting together) take turns
    under a lock, so they all find one CA, one certificate and its key: without it, each made its
    own set and one could read another's certificate with its own key (``KEY_VALUES_MISMATCH``)."""
    files = TLSFiles(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    with held_lock(directory / ".lock"):
        if not (files.ca_cert.exists() and files.server_cert.exists() and files.server_key.exists()):
            _create(files, hostnames, days)
    return files


def _create(files: TLSFiles, hostnames: tuple[str, ...], days: int) -> None:
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Shahada local CA")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName(h) for h in hostnames]
    names.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(hostnames[0]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    # each file appears whole (the key never readable by others, even for a moment); the CA last
    write_private(files.server_key, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    write_private(files.server_cert, cert.public_bytes(serialization.Encoding.PEM))
    write_private(files.ca_cert, ca.public_bytes(serialization.Encoding.PEM))
