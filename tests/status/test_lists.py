"""Status entries and list credentials (W3C Bitstring Status List 1.0 §2.1, §2.2) and the
verifier's fetcher, without network: size limit, ttl cache."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shahada.status.bitstring import Bitstring
from shahada.status.lists import LIST_SIZE, list_credential, list_url, parse_list_path, status_entry
from shahada.verifier.status import StatusListFetcher


def test_entry_and_list_shapes() -> None:
    entry = status_entry("https://h", "revocation", 3, 42)
    assert entry == {
        "id": "https://h/status/revocation/3#42",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "42",
        "statusListCredential": "https://h/status/revocation/3",
    }
    bits = Bitstring(LIST_SIZE)
    bits.set(42, True)
    document = list_credential(url=list_url("https://h", "revocation", 3), issuer="did:web:h", purpose="revocation",
                               bits=bits, valid_from=dt.datetime(2025, 7, 1, tzinfo=dt.UTC))
    assert document["validFrom"] == "2025-07-01T00:00:00Z"
    assert document["credentialSubject"]["ttl"] == 300_000
    assert Bitstring.decode(document["credentialSubject"]["encodedList"]).get(42)
    with pytest.raises(ValueError):
        status_entry("https://h", "revocation", 0, LIST_SIZE)
    window = list_credential(url=list_url("https://h", "revocation", 3), issuer="did:web:h", purpose="revocation", bits=bits,
                             valid_from=dt.datetime(2025, 7, 1, 0, 0, 0, 250_000, tzinfo=dt.UTC),
                             valid_until=dt.datetime(2025, 7, 2, 0, 0, 0, 250_000, tzinfo=dt.UTC))
    assert (window["validFrom"], window["validUntil"]) == ("2025-07-01T00:00:00.250Z", "2025-07-02T00:00:00.250Z")
    with pytest.raises(ValueError):
        list_credential(url="https://h/status/revocation/0", issuer="did:web:h", purpose="revocation", bits=bits,
                        valid_from=dt.datetime(2025, 7, 1, tzinfo=dt.UTC), valid_until=dt.datetime(2025, 7, 1, tzinfo=dt.UTC))


def test_list_paths() -> None:
    assert parse_list_path("/status/suspension/12") == ("suspension", 12)
    for bad in ("/status/other/1", "/status/revocation/01", "/status/revocation/-1", "/status/revocation/1/x"):
        assert parse_list_path(bad) is None


class _Response:
    def __init__(self, body: bytes, status: int = 200) -> None:
        self.body, self.status_code = body, status

    def __enter__(self) -> _Response:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def iter_content(self, size: int) -> Any:
        for start in range(0, len(self.body), size):
            yield self.body[start : start + size]


class _Session:
    def __init__(self, body: bytes) -> None:
        self.body, self.calls, self.trust_env = body, 0, True

    def get(self, url: str, **kwargs: Any) -> _Response:
        self.calls += 1
        assert kwargs["allow_redirects"] is False and kwargs["timeout"] > 0
        return _Response(self.body)


def test_the_fetcher_caches_for_the_ttl_and_caps_the_size() -> None:
    now = [0.0]
    session = _Session(b'{"credentialSubject": {"ttl": 60000}}')
    fetcher = StatusListFetcher(session=session, clock=lambda: now[0])  # type: ignore[arg-type]
    assert session.trust_env is False
    fetcher.fetch("https://h/status/revocation/0")
    now[0] = 59.0
    fetcher.fetch("https://h/status/revocation/0")
    assert session.calls == 1
    now[0] = 61.0
    fetcher.fetch("https://h/status/revocation/0")
    assert session.calls == 2
    from shahada.verifier.status import StatusListUnavailable

    big = StatusListFetcher(session=_Session(b" " * 2048), max_bytes=1024)  # type: ignore[arg-type]
    with pytest.raises(StatusListUnavailable):
        big.fetch("https://h/status/revocation/0")
