"""verifier/share.py on its own: origins, the contract's document, the order of the checks. The
real HTTP side (a portal on loopback, credentials of the ministry's agent) is in
web/test_shares.py."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import pytest

from shahada.verifier.result import Check, VerificationResult
from shahada.verifier.share import SHARE_CHECKS, Answer, check_origin, origin_of, parse_answer, parse_share, verify_share

LINK = "https://portal.example/s/tok3n"
NOW = dt.datetime(2025, 7, 1, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://portal.example/s/x", "https://portal.example"),
        ("HTTPS://Portal.Example:443/s/x", "https://portal.example"),
        ("http://127.0.0.1:8090/s/x?y=1#z", "http://127.0.0.1:8090"),
        ("http://[::1]:80/s/x", "http://[::1]"),
        ("https://user@portal.example/s/x", None),
        ("https://portal.example:99999/s/x", None),
        ("ftp://portal.example/s/x", None),
        ("/s/x", None),
        ("https:///s/x", None),
        ("https://portal.example/s/x y", None),
        ("https://portal.example/\n", None),
        ("https://portal.example/" + "x" * 3000, None),
    ],
)
def test_origin_of(url: str, origin: str | None) -> None:
    assert origin_of(url) == origin


def test_an_origin_outside_the_list_is_untrusted() -> None:
    assert check_origin(LINK, frozenset({"https://portal.example"})).outcome == "passed"
    assert check_origin(LINK, frozenset({"https://portal.example:8443"})).code == "share.untrusted"
    assert check_origin(LINK, frozenset()).code == "share.untrusted"


def share(**changes: Any) -> dict[str, Any]:
    document = {"type": "ShahadaShare", "id": LINK, "recipient": " Université Hassan II ", "expires": "2025-07-08T12:00:00Z", "verifiableCredential": [{"id": "urn:1"}, {"id": "urn:2"}]}
    document.update(changes)
    return document


def test_the_contracts_document() -> None:
    check, document = parse_share(share(), LINK, max_credentials=8)
    assert check.outcome == "passed" and document is not None
    assert document.recipient == "Université Hassan II" and document.expires == dt.datetime(2025, 7, 8, 12, tzinfo=dt.UTC)
    assert [c["id"] for c in document.credentials] == ["urn:1", "urn:2"]


@pytest.mark.parametrize(
    "body",
    [
        [],
        share(type="VerifiablePresentation"),
        share(id="https://portal.example/s/another"),
        share(recipient=""),
        share(recipient="x" * 201),
        share(expires="2025-07-08T12:00:00+01:00"),
        share(expires="next week"),
        share(verifiableCredential=[]),
        share(verifiableCredential=["eyJ..."]),
        share(verifiableCredential=[{"id": str(i)} for i in range(9)]),
    ],
    ids=["not-object", "type", "id", "no-recipient", "long-recipient", "not-utc", "not-a-date", "empty", "enveloped", "too-many"],
)
def test_answers_that_are_no_share(body: Any) -> None:
    check, document = parse_share(body, LINK, max_credentials=8)
    assert check.code == "share.malformed" and document is None


class Portal:
    """Answers every link with ``answer``: a JSON value (200 application/json) or a check."""

    def __init__(self, answer: Any, media_type: str = "application/json") -> None:
        self.answer = answer if isinstance(answer, Check) else Answer(media_type, json.dumps(answer).encode())
        self.asked = 0

    def fetch(self, url: str) -> Answer | Check:
        self.asked += 1
        return self.answer


def genuine(credential: Mapping[str, Any]) -> VerificationResult:
    ok = credential["id"] != "urn:bad"
    return VerificationResult(ok, (Check("signature", "passed" if ok else "failed", "ok" if ok else "signature.invalid", ""),))


def run(fetcher: Any, now: dt.datetime = NOW, origins: frozenset[str] = frozenset({"https://portal.example"})) -> Any:
    return verify_share(LINK, allowed_origins=origins, fetcher=fetcher, verify_credential=genuine, now=now, max_credentials=8)


def test_every_check_in_order() -> None:
    result = run(Portal(share()))
    assert result.verified and [c.name for c in result.checks] == list(SHARE_CHECKS)
    assert len(result.credentials) == 2 and result.document is not None


def test_a_refused_link_skips_the_rest() -> None:
    fetcher = Portal(Check("link", "failed", "share.revoked", "revoked"))
    result = run(fetcher)
    assert [(c.name, c.outcome) for c in result.checks] == [("origin", "passed"), ("link", "failed"), ("share", "skipped"), ("expiry", "skipped"), ("credentials", "skipped")]
    untrusted = Portal(share())
    assert run(untrusted, origins=frozenset()).errors[0].code == "share.untrusted" and untrusted.asked == 0


def test_expiry_is_checked_by_the_verifier_too() -> None:
    fetcher = Portal(share(expires="2025-07-01T12:00:00Z"))
    assert run(fetcher, now=NOW - dt.timedelta(seconds=1)).verified
    expired = run(fetcher, now=NOW)  # from that instant on, as the portal holds it
    assert [e.code for e in expired.errors] == ["share.expired"] and expired.credentials == ()


def test_one_bad_credential_fails_the_link() -> None:
    result = run(Portal(share(verifiableCredential=[{"id": "urn:1"}, {"id": "urn:bad"}])))
    assert [e.code for e in result.errors] == ["credential.invalid"]
    assert "credential 1: signature.invalid" in result.check("credentials").message


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        run(Portal(share()), now=NOW.replace(tzinfo=None))


@pytest.mark.parametrize(
    ("answer", "reason"),
    [(Answer("text/html; charset=utf-8", b"<html>sign in</html>"), "text/html"), (Answer("", b"{}"), "no media type"), (Answer("application/json", b"{"), "not JSON")],
)
def test_answers_that_are_no_json(answer: Answer, reason: str) -> None:
    check, document = parse_answer(answer, LINK, max_credentials=8)
    assert check.code == "share.malformed" and reason in check.message and document is None
    assert parse_answer(Answer("application/json; charset=utf-8", json.dumps(share()).encode()), LINK, max_credentials=8)[0].outcome == "passed"
