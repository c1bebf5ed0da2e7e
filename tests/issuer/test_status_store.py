"""The archive's status store without an agent: allocation, concurrent changes by two real
processes (SQLite and PostgreSQL) with their audit entries, and a crash between a change and its
publication."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import subprocess
import sys
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from shahada.database import open_archive
from shahada.issuer.archive.audit import AuditLog
from shahada.issuer.archive.status import StatusStore
from shahada.issuer.archive.store import Archive
from shahada.status.bitstring import Bitstring
from shahada.status.lists import LIST_SIZE

SECRET = b"s" * 32
ORIGIN = "https://localhost:8443"
NOW = dt.datetime(2025, 7, 1, tzinfo=dt.UTC)


class Unsigned:
    """Returns the credential as is, with a marker proof: enough to test storage and batching."""

    def __init__(self) -> None:
        self.calls = 0

    def sign(self, credential: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        return {**credential, "proof": {"type": "test"}}


_OPEN: list[Archive] = []


@pytest.fixture(autouse=True)
def _close_archives() -> Any:
    yield
    while _OPEN:
        _OPEN.pop().close()


def store_at(url: str) -> StatusStore:
    archive = open_archive(url)
    _OPEN.append(archive)
    return StatusStore(archive.engine, secret=SECRET, origin=ORIGIN)


def test_allocation_is_unique_stable_and_spread(tmp_path: Path) -> None:
    store = store_at(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    ids = [f"urn:uuid:{i}" for i in range(2000)]
    first = store.allocate(ids[:1000])
    second = store.allocate(ids[500:])  # half already allocated: they keep theirs
    for cid in ids[500:1000]:
        assert first[cid] == second[cid]
    positions = {(p, *second.get(cid, first.get(cid, {}))[p]) for cid in ids for p in ("revocation", "suspension") if cid in second or cid in first}
    assert len(positions) == 4000
    bits = [first[cid]["revocation"][1] for cid in ids[:1000]]
    assert bits != sorted(bits) and all(0 <= b < LIST_SIZE for b in bits)


def test_publish_signs_only_lists_with_changes_and_survives_a_restart(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    store = store_at(url)
    positions = store.allocate(["urn:uuid:a", "urn:uuid:b"])
    signer = Unsigned()
    assert store.publish(signer, issuer="did:web:x", now=lambda: NOW) == [("revocation", 0), ("suspension", 0)]
    assert store.publish(signer, issuer="did:web:x", now=lambda: NOW) == [] and signer.calls == 2
    store.set_status("urn:uuid:a", "revocation", True, reason="fraud", at=NOW)
    store.engine.dispose()  # the process dies before publishing
    restarted = store_at(url)
    assert restarted.publish(signer, issuer="did:web:x", now=lambda: NOW) == [("revocation", 0)]
    published = restarted.published("revocation", 0)
    assert published is not None
    bits = Bitstring.decode(json.loads(published.body)["credentialSubject"]["encodedList"])
    assert bits.get(positions["urn:uuid:a"]["revocation"][1]) and not bits.get(positions["urn:uuid:b"]["revocation"][1])



def _window(store: StatusStore, purpose: str = "revocation") -> tuple[str, str]:
    published = store.published(purpose, 0)
    assert published is not None
    document = json.loads(published.body)
    return document["validFrom"], document["validUntil"]


def test_lists_carry_a_short_window_and_publish_renews_them_before_it_ends(tmp_path: Path) -> None:
    """Issue 17 finding 1: lists had no validUntil, so an old one stayed acceptable forever. Each
    list is valid for a window (24 h by default); `status publish` re-signs, unchanged, the lists
    whose window is half gone, and every publication of a list is newer than the one before."""
    store = store_at(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    store.allocate(["urn:uuid:a"])
    signer = Unsigned()
    store.publish(signer, issuer="did:web:x", now=lambda: NOW)
    assert _window(store) == ("2025-07-01T00:00:00Z", "2025-07-02T00:00:00Z")
    later = NOW + dt.timedelta(hours=11, minutes=59)
    assert store.publish(signer, issuer="did:web:x", now=lambda: later) == []  # more than half the window left
    renewal = NOW + dt.timedelta(hours=12)
    assert store.publish(signer, issuer="did:web:x", now=lambda: renewal) == [("revocation", 0), ("suspension", 0)]
    assert _window(store) == ("2025-07-01T12:00:00Z", "2025-07-02T12:00:00Z")
    assert signer.calls == 4
    # a change published at the same instant as the last publication still gets a later validFrom
    store.set_status("urn:uuid:a", "revocation", True, reason="fraud", at=renewal)
    assert store.publish(signer, issuer="did:web:x", now=lambda: renewal) == [("revocation", 0)]
    assert _window(store) == ("2025-07-01T12:00:00.001Z", "2025-07-02T12:00:00.001Z")
    # two publishers racing: the slower one, which started earlier, does not put its older list back
    # (the lists' locks keep publishers apart; this one ignores them, as a release before them
    # would during a rolling upgrade, and the conditional store still keeps the newer list)
    first, second = renewal + dt.timedelta(hours=13), renewal + dt.timedelta(hours=14)
    unlocked = store_at(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    unlocked.list_lock = lambda *_: contextlib.nullcontext()

    class Overtaken(Unsigned):
        def sign(self, credential: dict[str, Any]) -> dict[str, Any]:
            if self.calls == 0:  # while this publisher signs, another one publishes a newer list
                unlocked.publish(Unsigned(), issuer="did:web:x", now=lambda: second)
            return super().sign(credential)

    store.publish(Overtaken(), issuer="did:web:x", now=lambda: first)
    assert _window(store) == ("2025-07-02T02:00:00Z", "2025-07-03T02:00:00Z") == _window(store, "suspension")  # the newer one stays


def test_a_list_published_before_windows_existed_is_renewed(tmp_path: Path) -> None:
    store = store_at(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    store.allocate(["urn:uuid:a"])
    store.publish(Unsigned(), issuer="did:web:x", now=lambda: NOW)
    from sqlalchemy import update

    from shahada.issuer.archive.status import StatusListRow

    with store.begin() as session:  # as an archive upgraded from revision 0001 holds it
        session.execute(update(StatusListRow).values(valid_from=None, valid_until=None))
    assert store.publish(Unsigned(), issuer="did:web:x", now=lambda: NOW + dt.timedelta(minutes=1)) == [("revocation", 0), ("suspension", 0)]
    assert _window(store) == ("2025-07-01T00:01:00Z", "2025-07-02T00:01:00Z")


WORKER = textwrap.dedent(
    """
    import datetime as dt, sys
    from shahada.database import open_archive
    from shahada.issuer.archive.audit import AuditLog
    from shahada.issuer.archive.status import StatusStore
    archive = open_archive(sys.argv[1])
    store = StatusStore(archive.engine, secret=b"s" * 32, origin="https://localhost:8443")
    audit = AuditLog(archive.engine)
    now = dt.datetime.now(dt.UTC)
    sys.stdin.readline()  # start together
    for cid in sys.argv[2].split(","):
        with store.begin() as session:  # as `shahada revoke` does: the bit and its audit entry together
            store.set_status(cid, "revocation", True, reason="race", at=now, session=session)
            audit.append(session, operator=sys.argv[3], action="status.revoke", subject=cid, reason="race", at=now,
                         details={"purpose": "revocation", "value": True})
    archive.close()
    """
)


def _race(url: str) -> None:
    store = store_at(url)
    ids = [f"urn:uuid:{i}" for i in range(200)]
    store.allocate(ids)
    store.publish(Unsigned(), issuer="did:web:x", now=lambda: NOW)
    root = Path(__file__).resolve().parents[2]
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, url, ",".join(ids[k::2]), f"worker-{k}"], stdin=subprocess.PIPE, cwd=root, text=True)
        for k in range(2)
    ]
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.close()
    for worker in workers:
        assert worker.wait(timeout=120) == 0
    assert store.publish(Unsigned(), issuer="did:web:x", now=lambda: NOW) == [("revocation", 0)]
    published = store.published("revocation", 0)
    assert published is not None
    bits = Bitstring.decode(json.loads(published.body)["credentialSubject"]["encodedList"])
    assert sum(bits.get(i) for i in range(LIST_SIZE)) == 200  # no bit lost
    audit = AuditLog(store.engine)
    entries = list(audit.entries())
    assert len(entries) == 200 and audit.verify_chain() == []  # one chain, no fork, nothing lost
    assert {e.operator for e in entries} == {"worker-0", "worker-1"}


def test_two_processes_revoking_at_once_lose_no_bit_sqlite(tmp_path: Path) -> None:
    _race(f"sqlite:///{tmp_path / 'race.sqlite3'}")


def test_two_processes_revoking_at_once_lose_no_bit_postgresql(postgres_url: str) -> None:
    _race(postgres_url)


class Meeting(Unsigned):
    """Signs, waiting (up to a few seconds) until a second signature is under way: two publishers
    that are not kept apart both sign the list, one kept waiting by the list's lock never meets
    the first."""

    def __init__(self) -> None:
        super().__init__()
        self.barrier = threading.Barrier(2)

    def sign(self, credential: dict[str, Any]) -> dict[str, Any]:
        signed = super().sign(credential)
        try:
            self.barrier.wait(timeout=3)
        except threading.BrokenBarrierError:
            pass
        return signed


def _two_publishers_race(url: str) -> None:
    first, second = store_at(url), store_at(url)  # two publishers, each its own engine (as two worker processes)
    first.allocate(["urn:uuid:a", "urn:uuid:b"], purposes=("revocation",))
    first.publish(Unsigned(), issuer="did:web:x", now=lambda: NOW)
    first.set_status("urn:uuid:a", "revocation", True, reason="fraud", at=NOW)
    signer = Meeting()
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda store: store.publish(signer, issuer="did:web:x", now=lambda: NOW, lists=[("revocation", 0)]), (first, second)))
    assert signer.calls == 1  # without the lock both sign the list
    assert sorted(results) == [[], [("revocation", 0)]]
    assert first.pending_lists() == []


def test_two_publishers_of_one_list_sign_it_once_sqlite(tmp_path: Path) -> None:
    _two_publishers_race(f"sqlite:///{tmp_path / 'publishers.sqlite3'}")


def test_two_publishers_of_one_list_sign_it_once_postgresql(postgres_url: str) -> None:
    _two_publishers_race(postgres_url)


def test_publish_of_given_lists_signs_only_those(tmp_path: Path) -> None:
    store = store_at(f"sqlite:///{tmp_path / 'lists.sqlite3'}")
    store.allocate(["urn:uuid:a"])
    signer = Unsigned()
    assert store.publish(signer, issuer="did:web:x", now=lambda: NOW, lists=[("suspension", 0), ("revocation", 7)]) == [("suspension", 0)]
    assert store.pending_lists() == [("revocation", 0, 1)]  # not asked for: left for the next publication
    assert store.publish(signer, issuer="did:web:x", now=lambda: NOW, lists=[("suspension", 0)]) == []  # published, not due
    assert signer.calls == 1


def test_a_large_allocation_gives_the_positions_of_the_permutation_counter_by_counter(tmp_path: Path) -> None:
    """Allocating many entries at once (whole-list permutations, rows written in key order) gives
    each credential the position its counter always had: the permutation of its list, in the order
    the ids were given (not their sorted order), continuing from the counter left before."""
    from shahada.status.indexes import IndexPermutation

    store = store_at(f"sqlite:///{tmp_path / 'large.sqlite3'}")
    ids = [f"urn:uuid:{(7919 * i) % 10_007:05d}-large" for i in range(10_007)]  # not in sorted order
    store.allocate(ids[:3])
    positions = store.allocate(ids[3:])
    permutation = {p: IndexPermutation(store._permutation(p, 0).secret, LIST_SIZE) for p in ("revocation", "suspension")}
    for purpose, perm in permutation.items():
        expected = [perm.permute(counter) for counter in range(3, len(ids))]
        assert [positions[cid][purpose] for cid in ids[3:]] == [(0, bit) for bit in expected]
        again = store.allocate(ids)  # already allocated: read back from the table, the same
        assert [again[cid][purpose] for cid in ids[3:]] == [(0, bit) for bit in expected]


def test_the_registry_is_signed_page_after_page_each_a_range_of_ids(tmp_path: Path) -> None:
    """``publish_registry`` signs the records missing, a page at a time. Each page must go on from
    the previous one's last id (a range of the primary key): starting each page from the first id
    read every row already recorded again, and a national session's 658,693 records slowed to a
    few hundred a second and falling."""
    import sqlalchemy

    from tests.issuer.test_archive import planned, record

    archive = open_archive(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    _OPEN.append(archive)
    store = StatusStore(archive.engine, secret=SECRET, origin=ORIGIN)
    info = record(archive, planned(7))
    store.allocate([cid for cid, _ in archive.pending(info.id, limit=10)])
    archive.store_signed([(cid, {**doc, "proof": {}}) for cid, doc in archive.pending(info.id, limit=10)], issued_at=NOW)
    signed: list[list[str]] = []
    statements: list[tuple[str, Any]] = []

    def seen(conn: object, cursor: object, statement: str, parameters: Any, context: object, executemany: bool) -> None:
        if "registry_records" in statement and statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    sqlalchemy.event.listen(archive.engine, "before_cursor_execute", seen)
    try:
        count = store.publish_registry(lambda records: signed.append([r["id"] for r in records]) or ["jws"] * len(records), issuer="did:web:x", now=lambda: NOW, batch=3)
    finally:
        sqlalchemy.event.remove(archive.engine, "before_cursor_execute", seen)
    assert count == 7 and [len(page) for page in signed] == [3, 3, 1]
    assert sorted(cid for page in signed for cid in page) == [f"urn:uuid:c-{i:05d}" for i in range(7)]
    assert store.publish_registry(lambda records: ["jws"] * len(records), issuer="did:web:x", now=lambda: NOW) == 0  # nothing left
    statement, parameters = statements[1]  # the second page
    with archive.engine.connect() as conn:
        plan = " | ".join(str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
    assert "(id>?)" in plan and "SCAN credentials" not in plan, plan
    assert signed[0][-1] in parameters, parameters  # it starts after the first page's last id
