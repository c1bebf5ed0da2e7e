"""The agent's DIDComm port: a transport that could not listen on it is a failed start (ACA-Py 1.7
itself reports ready without it); a port the process picked is picked again."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from shahada.agent.errors import AgentStartError
from shahada.agent.process import AgentProcess
from shahada.common.ports import free_port, holds_listener
from shahada.wallet.agent import holder_agent_config


@pytest.fixture
def taken() -> Iterator[int]:
    """A port another program listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", free_port()))
        sock.listen()
        yield int(sock.getsockname()[1])


@pytest.mark.agent
def test_a_configured_didcomm_port_held_by_another_program_fails_the_start(tmp_path: Path, taken: int) -> None:
    agent = AgentProcess(holder_agent_config(tmp_path, secrets.token_urlsafe(16), didcomm_port=taken))
    with pytest.raises(AgentStartError) as err:
        agent.start()
    assert f"could not listen on 127.0.0.1:{taken}" in str(err.value)
    assert not agent.running  # stopped, not left running without its transport
    assert agent.inbound_port == taken  # a configured port is never changed behind the operator's back


@pytest.mark.agent
def test_a_picked_didcomm_port_taken_before_the_agent_binds_it_is_picked_again(tmp_path: Path, taken: int) -> None:
    agent = AgentProcess(holder_agent_config(tmp_path, secrets.token_urlsafe(16)))
    agent.inbound_port = taken  # as if another program took the picked port meanwhile
    with agent:
        assert agent.inbound_port != taken
        assert agent.pid is not None and holds_listener(agent.pid, agent.inbound_port)
        assert (tmp_path / "agent.log").read_text().count("--- shahada: starting agent") == 2
