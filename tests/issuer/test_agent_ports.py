"""The agent's ports: picked where the kernel does not hand them out, and a DIDComm transport that
could not listen is a failed start (ACA-Py 1.7 itself reports ready without it)."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

import shahada.agent.process as process
from shahada.agent.errors import AgentStartError
from shahada.agent.process import AgentProcess, free_port, holds_listener
from shahada.wallet.agent import holder_agent_config


@pytest.fixture
def taken() -> Iterator[int]:
    """A port another program listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", free_port()))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_free_ports_lie_below_the_kernels_ephemeral_range_and_are_free() -> None:
    low, _high = process._ephemeral_ports()
    ports = {free_port() for _ in range(40)}
    assert all(low - process.PORT_SPAN <= p < low for p in ports)
    assert len(ports) > 30  # picked at random, not one port again and again
    for port in list(ports)[:5]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", port))


def test_free_port_skips_a_port_in_use(monkeypatch: pytest.MonkeyPatch, taken: int) -> None:
    other = free_port()
    picks = iter([taken, taken, other])

    class Picker:
        def randrange(self, _first: int, _low: int) -> int:
            return next(picks)

    monkeypatch.setattr(process.random, "SystemRandom", Picker)
    assert free_port() == other


def test_holds_listener_tells_whose_socket_listens(taken: int) -> None:
    assert holds_listener(os.getpid(), taken) is True
    assert holds_listener(os.getpid(), free_port()) is False
    assert holds_listener(1, taken) in (False, None)  # another process (None where /proc is closed to us)


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
