"""What every command of the CLI shares: the installation's settings, a progress line, the one-line error."""

from __future__ import annotations

import sys
import time
from typing import Any

import click

from shahada.common.errors import ShahadaError


def _settings() -> Any:
    from shahada.config import load_settings

    return load_settings()


class Progress:
    """A progress line on stderr: rewritten in place on a terminal, every 10 % otherwise."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.tty = sys.stderr.isatty()
        self.started = time.monotonic()
        self._last_decile = -1
        self._first: int | None = None  # done at the first call: a resumed run counts only its own work

    def __call__(self, done: int, total: int) -> None:
        if self._first is None:
            self._first = done
        rate = (done - self._first) / max(time.monotonic() - self.started, 1e-6)
        line = f"{self.label}: {done}/{total} ({rate:.0f}/s)"
        if self.tty:
            click.echo("\r" + line, nl=done >= total, err=True)
            return
        decile = (10 * done) // max(total, 1)
        if decile != self._last_decile:
            self._last_decile = decile
            click.echo(line, err=True)


def _fail(err: ShahadaError) -> None:
    click.echo(f"error [{err.code}]: {err.message}", err=True)
    sys.exit(1)
