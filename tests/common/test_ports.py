"""Free ports picked where the kernel does not hand them out, and who listens on a port."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest

import shahada.common.ports as ports
from shahada.common.ports import free_port, holds_listener


@pytest.fixture
def taken() -> Iterator[int]:
    """A port another program listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", free_port()))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_free_ports_lie_below_the_kernels_ephemeral_range_and_are_free() -> None:
    low, _high = ports._ephemeral_ports()
    picked = {free_port() for _ in range(40)}
    assert all(low - ports.PORT_SPAN <= p < low for p in picked)
    assert len(picked) > 30  # picked at random, not one port again and again
    for port in list(picked)[:5]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", port))


def test_free_port_skips_a_port_in_use(monkeypatch: pytest.MonkeyPatch, taken: int) -> None:
    other = free_port()
    picks = iter([taken, taken, other])

    class Picker:
        def randrange(self, _first: int, _low: int) -> int:
            return next(picks)

    monkeypatch.setattr(ports.random, "SystemRandom", Picker)
    assert free_port() == other


def test_holds_listener_tells_whose_socket_listens(taken: int) -> None:
    assert holds_listener(os.getpid(), taken) is True
    assert holds_listener(os.getpid(), free_port()) is False
    assert holds_listener(1, taken) in (False, None)  # another process (None where /proc is closed to us)
