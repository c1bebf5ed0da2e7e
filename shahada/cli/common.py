"""What every command of the CLI shares: the installation's settings, a progress line, the one-line error."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import click

from shahada.common.errors import ShahadaError


def _settings() -> Any:
    from shahada.config import load_settings

    return load_settings()


class Progress:
    """A progress line on stderr: ``label: done/total (pct) rate/s, ETA h:mm:ss``.

    On a terminal the line is rewritten in place (at most every ``interval`` seconds); otherwise
    (a log file, a pipe) one line is written at every 10 % and at least every ``log_every``
    seconds, so that a run of hours shows it is alive. The rate and the ETA count only this run's
    work: a resumed run starts from what its first call reports as done.
    """

    def __init__(
        self, label: str, *, clock: Callable[[], float] = time.monotonic, tty: bool | None = None, interval: float = 0.2, log_every: float = 60.0
    ) -> None:
        self.label = label
        self.clock = clock
        self.tty = sys.stderr.isatty() if tty is None else tty
        self.interval = interval
        self.log_every = log_every
        self.started = clock()
        self._last_decile = -1
        self._last_shown = float("-inf")
        self._first: int | None = None  # done at the first call: a resumed run counts only its own work

    def line(self, done: int, total: int) -> str:
        """The text shown for (done, total) now."""
        if self._first is None:
            self._first = done
        elapsed = max(self.clock() - self.started, 1e-6)
        rate = (done - self._first) / elapsed
        pct = f" ({100 * done / total:.0f} %)" if total else ""
        if done >= total:
            tail = f"done in {_duration(elapsed)}"
        elif rate > 0:
            tail = f"ETA {_duration((total - done) / rate)}"
        else:
            tail = "ETA unknown"
        return f"{self.label}: {done}/{total}{pct}, {_rate(rate)}, {tail}"

    def __call__(self, done: int, total: int) -> None:
        text = self.line(done, total)
        now = self.clock()
        finished = done >= total
        if self.tty:
            if finished or now - self._last_shown >= self.interval:
                self._last_shown = now
                click.echo("\r" + text + "\x1b[K", nl=finished, err=True)
            return
        decile = (10 * done) // max(total, 1)
        if decile != self._last_decile or now - self._last_shown >= self.log_every:
            self._last_decile = decile
            self._last_shown = now
            click.echo(text, err=True)


def _rate(per_second: float) -> str:
    return f"{per_second:.1f}/s" if per_second < 10 else f"{per_second:.0f}/s"


def _duration(seconds: float) -> str:
    """``m:ss``, or ``h:mm:ss`` from an hour."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def academy_code(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An ``--academy`` option's callback: the code as typed in any case (``cs``, ``Cs``, ``CS``),
    checked against the reference data and given back in its canonical form."""
    if value is None:
        return None
    from shahada.schemas.reference import bundled_reference

    academies = bundled_reference().academies
    code = {c.casefold(): c for c in academies}.get(value.strip().casefold())
    if code is None:
        raise click.BadParameter(f"unknown academy {value!r} (one of {', '.join(sorted(academies))})", ctx=ctx, param=param)
    return code


def _fail(err: ShahadaError, outcome: str = "") -> None:
    """Print the error on one line (a PV's report: its summary, ``outcome`` appended, then a line
    per problem) and exit 1."""
    from shahada.issuer.errors import PVInvalidError

    message = err.describe(outcome) if isinstance(err, PVInvalidError) else err.message
    click.echo(f"error [{err.code}]: {message}", err=True)
    sys.exit(1)
