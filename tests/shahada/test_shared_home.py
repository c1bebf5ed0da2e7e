"""Processes starting together on one new data directory (a coordinator and its workers, issue 14)
must all find the same configuration and the same TLS material: the first of them creates them,
the others read what it made. The CI failure this comes from: a coordinator served the ministry's
site with one worker's certificate and another's key (``KEY_VALUES_MISMATCH``)."""

from __future__ import annotations

import itertools
import multiprocessing
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

RACERS = 6


def _tls_at(directory: str, start: float) -> tuple[bytes, bytes, bytes]:
    from shahada.tls import ensure_local_tls

    time.sleep(max(0.0, start - time.time()))
    files = ensure_local_tls(Path(directory))
    return files.ca_cert.read_bytes(), files.server_cert.read_bytes(), files.server_key.read_bytes()


def _race[T](task: object, target: Path) -> list[T]:
    with ProcessPoolExecutor(RACERS, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(time.sleep, [0.0] * RACERS))  # every racer started before the start time is set
        start = time.time() + 0.3
        return list(pool.map(task, [str(target)] * RACERS, [start] * RACERS))  # type: ignore[arg-type]


def test_racing_processes_get_one_ca_one_certificate_and_its_key(tmp_path: Path) -> None:
    seen = _race(_tls_at, tmp_path / "tls")
    assert len(set(seen)) == 1, "each process made its own TLS material"
    ca_pem, cert_pem, key_pem = seen[0]
    ca, cert = x509.load_pem_x509_certificate(ca_pem), x509.load_pem_x509_certificate(cert_pem)
    key = serialization.load_pem_private_key(key_pem, None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert key.public_key().public_numbers() == cert.public_key().public_numbers()  # type: ignore[union-attr]
    cert.verify_directly_issued_by(ca)
    assert (tmp_path / "tls" / "server.key").stat().st_mode & 0o777 == 0o600


def test_racing_processes_on_a_new_home_read_one_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads stand for the processes; choosing a free port is slowed so that every racer has
    found no file and chosen its own ports before the first writes (the window in which each used
    to write, then read, its own)."""
    import shahada.config

    ports = itertools.count(40_000)

    def slow_free_port() -> int:
        time.sleep(0.15)
        return next(ports)

    monkeypatch.setattr(shahada.config, "free_port", slow_free_port)
    home = tmp_path / "home"
    seen: list[tuple[int, str]] = []

    def start(n: int) -> None:
        time.sleep(0.02 * n)  # staggered: each racer still finds no file, and writes after the one before
        settings = shahada.config.load_settings({"SHAHADA_HOME": str(home)})
        seen.append((settings.site_port, settings.did_web_host))

    racers = [threading.Thread(target=start, args=(n,)) for n in range(RACERS)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    assert len(seen) == RACERS and len(set(seen)) == 1, f"the racers chose different ports: {sorted(set(seen))}"
