"""Fixtures for the did tests: a session TLS certificate and a real HTTPS server per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.did.did_web_server import DIDWebServer, make_tls_files, serve_did_web


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def did_web_server(tls_files: tuple[Path, Path]) -> Iterator[DIDWebServer]:
    with serve_did_web(*tls_files) as server:
        yield server
