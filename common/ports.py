"""Local TCP ports: picking a free one for a server of ours, and telling whether a process listens
on one (Linux's ``/proc``).

Ports are picked just below the kernel's ephemeral range (``ip_local_port_range``): the kernel
gives the ports of that range to every outgoing connection and to every ``bind(port 0)`` of any
program, so a port taken from it can be someone else's by the time our server (an agent's DIDComm
transport, a port written into ``config.toml``) binds it. Ports below the range are only taken by
programs that ask for them.
"""

from __future__ import annotations

import os
import random
import socket
from pathlib import Path
from typing import Final

PORT_SPAN: Final = 12_000  # free_port picks among this many ports below the ephemeral range


def _ephemeral_ports() -> tuple[int, int]:
    """The kernel's range of ephemeral ports (Linux: ``ip_local_port_range``; elsewhere the IANA range)."""
    try:
        low, high = (int(p) for p in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
        return low, high
    except (OSError, ValueError):
        return 49152, 65535


def free_port(host: str = "127.0.0.1") -> int:
    """A currently free TCP port on ``host``, picked at random just below the kernel's ephemeral
    range (see the module's docstring)."""
    low, _high = _ephemeral_ports()
    first = max(1024, low - PORT_SPAN)
    picker = random.SystemRandom()
    for _ in range(64):
        port = picker.randrange(first, low)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:  # all 64 taken: let the kernel pick
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _listening_inodes(port: int) -> set[str]:
    """The socket inodes listening on TCP ``port`` (any address), from ``/proc/net/tcp{,6}``."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) > 9 and fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    return inodes


def holds_listener(pid: int, port: int) -> bool | None:
    """Whether process ``pid`` has a socket listening on TCP ``port``; None where ``/proc`` cannot tell."""
    fd_dir = Path(f"/proc/{pid}/fd")
    try:
        links = set()
        for name in os.listdir(fd_dir):
            try:
                links.add(os.readlink(fd_dir / name))
            except OSError:
                continue  # closed meanwhile
    except OSError:
        return None
    return any(f"socket:[{inode}]" in links for inode in _listening_inodes(port))
