"""SIGTERM stops a served process even when its KeyboardInterrupt is lost: Python ignores an
exception raised in a finalizer the garbage collector runs, and a ``serve verifier --processes 2``
child whose handler fired there kept serving (the parent then waited for it forever)."""

from __future__ import annotations

import os
import signal
import threading

from shahada.cli.serve import _serve_until_stopped, _stop_on_sigterm


class SwallowingServer:
    """Serves until stopped; every KeyboardInterrupt is lost, as one landing in a finalizer is."""

    def __init__(self) -> None:
        self.stopped = threading.Event()
        self.interrupts = 0

    def serve(self) -> None:
        while not self.stopped.is_set():
            try:
                self.stopped.wait(0.05)
            except KeyboardInterrupt:
                self.interrupts += 1

    def stop(self) -> None:
        self.stopped.set()


def test_sigterm_stops_the_server_even_when_its_interrupt_is_lost() -> None:
    server = SwallowingServer()
    forced = threading.Event()

    def watchdog() -> None:  # without the server's own stop, serving would never end
        forced.set()
        server.stop()

    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    timers = [threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM)), threading.Timer(20, watchdog)]
    try:
        for timer in timers:
            timer.start()
        _serve_until_stopped(server)
    finally:
        for timer in timers:
            timer.cancel()
        signal.signal(signal.SIGTERM, previous)
    assert server.interrupts == 1  # the interrupt was raised, and lost
    assert not forced.is_set()  # the SIGTERM itself stopped the server
