"""The progress line of long commands: rate and ETA, counting only this run's work."""

from __future__ import annotations

import pytest

from shahada.cli.common import Progress


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_and_eta_count_this_runs_work_only() -> None:
    clock = Clock()
    progress = Progress("printing", clock=clock, tty=False)
    assert progress.line(400_000, 900_000) == "printing: 400000/900000 (44 %), 0.0/s, ETA unknown"  # resumed: 400,000 already printed
    clock.now += 100
    assert progress.line(405_000, 900_000) == "printing: 405000/900000 (45 %), 50/s, ETA 2:45:00"
    clock.now += 9_900
    assert progress.line(900_000, 900_000) == "printing: 900000/900000 (100 %), 50/s, done in 2:46:40"


def test_a_log_gets_a_line_per_decile_and_at_least_every_minute(capsys: pytest.CaptureFixture[str]) -> None:
    clock = Clock()
    progress = Progress("checking credentials", clock=clock, tty=False)
    for done in range(0, 1001):
        progress(done, 100_000)  # 1 % in all: one decile
        clock.now += 0.5  # 500 s: eight minutes
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 + 8 and all(line.startswith("checking credentials: ") for line in lines)
    assert all(", 2.0/s, ETA " in line for line in lines[1:]), lines  # 1 document per 0.5 s
