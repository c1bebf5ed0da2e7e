"""Shared fixtures. Integration fixtures start REAL parts: an ACA-Py agent process, the ministry's
HTTPS site on loopback, SQLite and PostgreSQL archives."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy

from shahada.config import Settings, load_settings
from tests.support.scrypts import scrypts  # noqa: F401 (a fixture: the seal's holder-binding scrypts counted)

if TYPE_CHECKING:
    from shahada.ministry import LocalMinistry

# The slowest test files, slowest first (measured with --durations and --junitxml: README,
# "The two commands"). `./run test` runs pytest-xdist with --dist loadfile --no-loadscope-reorder: its
# workers take whole files in collection order, so these start first and the many short files
# fill in around them; a long file taken last would run alone at the end. tests/test_schedule.py
# checks they exist and come first.
SCHEDULED_FIRST: tuple[str, ...] = (  # by their time in one run of `./run test` (3 processes, quiet; --junitxml, summed per file)
    "tests/integration/test_cli.py",
    "tests/workers/test_failures.py",
    "tests/workers/test_print_distributed.py",
    "tests/workers/test_distributed.py",
    "tests/verifier/web/test_fuzz.py",
    "tests/console/test_browser.py",
    "tests/verifier/web/test_ministry.py",
    "tests/shahada/test_migrations.py",
    "tests/issuer/test_agent.py",
    "tests/integration/test_oid4vp.py",
    "tests/issuer/test_status_store.py",
    "tests/integration/test_paper_cli.py",
    "tests/issuer/test_import_streaming.py",
    "tests/integration/test_status_cli.py",
    "tests/common/test_isolation.py",
    "tests/integration/test_serve_issuer.py",
    "tests/integration/test_wallet_didcomm.py",
    "tests/issuer/portal/test_browser.py",
    "tests/console/test_pages.py",
    "tests/verifier/web/test_browser_documents.py",
    "tests/verifier/web/test_browser_public.py",
)


def scheduled_first[T: pytest.Item](items: list[T], root: Path) -> list[T]:
    """``items`` with those of :data:`SCHEDULED_FIRST` first, in that order; the others keep theirs."""
    rank = {path: i for i, path in enumerate(SCHEDULED_FIRST)}

    def place(item: T) -> int:
        try:
            return rank.get(item.path.relative_to(root).as_posix(), len(rank))
        except ValueError:  # a file outside the repository
            return len(rank)

    return sorted(items, key=place)  # stable


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items[:] = scheduled_first(items, config.rootpath)


POSTGRES_ADMIN_URL = os.environ.get("SHAHADA_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def _restore_environ() -> Iterator[None]:
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def ministry_env(home: Path, **extra: str) -> dict[str, str]:
    env = {"SHAHADA_HOME": str(home), "SHAHADA_OPERATOR": "test-operator"}
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def ministry_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return load_settings(ministry_env(tmp_path_factory.mktemp("ministry")))


@pytest.fixture(scope="session")
def ministry(ministry_settings: Settings) -> Iterator[LocalMinistry]:
    """A running local ministry for the whole test session: agent, DID, HTTPS site, archive."""
    from shahada.ministry import LocalMinistry

    with LocalMinistry(ministry_settings) as running:
        yield running


def drop_database(name: str) -> None:
    admin = sqlalchemy.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database on the machine's server, dropped afterwards."""
    name = f"shahada_test_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    except sqlalchemy.exc.OperationalError as err:
        pytest.fail(f"PostgreSQL is required at {POSTGRES_ADMIN_URL}: {err}")
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        admin.dispose()
        drop_database(name)


@pytest.fixture(scope="session")
def _chromium() -> Iterator[Any]:
    """One chromium for a test process (its start is a second or two of CPU across its processes)."""
    from tests.support.browser import launched_chromium

    yield from launched_chromium()


@pytest.fixture(scope="module")
def browser(_chromium: Any) -> Iterator[Any]:
    """Debian's chromium through Playwright (tests/support/browser.py): the process's one browser,
    every context a module opened closed after it (no page of one module runs on into the next)."""
    yield _chromium
    for context in list(_chromium.contexts):
        context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where page tests put their screenshots (``$SHAHADA_SCREENSHOTS`` when set)."""
    from tests.support.browser import screenshot_dir

    return screenshot_dir(tmp_path_factory.mktemp("screenshots"))
