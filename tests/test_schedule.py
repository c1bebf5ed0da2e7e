"""The slowest test files start first (tests/conftest.py SCHEDULED_FIRST), so that `./run test`'s
parallel workers do not end with one long file running alone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest

from tests.conftest import SCHEDULED_FIRST, scheduled_first

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class FakeItem:
    path: Path
    name: str


def test_the_files_scheduled_first_exist() -> None:
    assert SCHEDULED_FIRST and len(set(SCHEDULED_FIRST)) == len(SCHEDULED_FIRST)
    assert [path for path in SCHEDULED_FIRST if not (ROOT / path).is_file()] == []


def test_they_come_first_in_their_order_and_the_others_keep_theirs() -> None:
    """Collected last and in reverse order, after files that are not listed, they come first, in
    the order of SCHEDULED_FIRST; each file's tests and the other files keep their order."""
    others = [FakeItem(ROOT / "tests/test_layers.py", "a"), FakeItem(ROOT / "tests/test_lint.py", "b"), FakeItem(Path("/elsewhere/test_x.py"), "c")]
    listed = [FakeItem(ROOT / path, name) for path in reversed(SCHEDULED_FIRST) for name in ("1", "2")]
    ordered = scheduled_first(cast(list[Any], [*others, *listed]), ROOT)
    assert [(item.path.relative_to(ROOT).as_posix(), item.name) for item in ordered[: len(listed)]] == [(path, name) for path in SCHEDULED_FIRST for name in ("1", "2")]
    assert ordered[len(listed):] == others


def test_the_suite_is_collected_in_that_order(request: pytest.FixtureRequest) -> None:
    """This very session: the first files collected are the listed ones (when they were selected)."""
    files = list(dict.fromkeys(item.path.relative_to(request.config.rootpath).as_posix() for item in request.session.items))
    selected = [path for path in SCHEDULED_FIRST if path in files]
    assert files[: len(selected)] == selected
