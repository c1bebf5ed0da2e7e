"""Agents that several integration modules need, started once for the session."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from examples.university.agent import university_agent_config
from shahada.agent.process import AgentProcess


@pytest.fixture(scope="session")
def university_agent(ministry: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgentProcess]:
    """A university's verifier agent (DIDComm on loopback), trusting the ministry's local CA."""
    process = AgentProcess(university_agent_config(tmp_path_factory.mktemp("university"), secrets.token_urlsafe(24), ca_file=ministry.tls.ca_cert))
    process.start()
    try:
        yield process
    finally:
        process.stop()
