"""verifier/seal.py ArchivedSeals: the archived credentials' seal content (and its scrypt holder
binding) computed once, remembered by what the archive holds, never by what a request says."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from shahada.verifier.seal import ArchivedSeals, verify_seal
from tests.printing.conftest import documents, seal_of
from tests.support.local_sealer import MINISTRY_DID, LocalSealer


def _verify(seal: str, sealer: LocalSealer, archive: dict[str, Any], seals: ArchivedSeals | None) -> dict[str, str]:
    result = verify_seal(seal, trusted_issuers=frozenset({MINISTRY_DID}), resolver=sealer.resolver(), archive=archive.get, archived_seals=seals)
    return {c.name: c.code for c in result.checks}


def test_the_archived_content_is_computed_once_per_archived_document(scrypts: list[str]) -> None:
    sealer = LocalSealer()
    credentials = list(documents().values())
    seal_texts = [seal_of(c, sealer) for c in credentials]
    archive = {c["id"]: c for c in credentials}
    seals = ArchivedSeals()
    scrypts.clear()
    for _ in range(3):
        for seal in seal_texts:
            assert _verify(seal, sealer, archive, seals)["archive"] == "ok"
    assert sorted(scrypts) == sorted(archive) and len(seals) == len(archive)
    scrypts.clear()
    for seal in seal_texts:  # without the service's memory: once per check, as before
        assert _verify(seal, sealer, archive, None)["archive"] == "ok"
    assert len(scrypts) == len(archive)


def test_a_changed_archived_document_is_compared_afresh(scrypts: list[str]) -> None:
    sealer = LocalSealer()
    credential = documents()["diploma-long-names"]
    seal = seal_of(credential, sealer)
    archive = {credential["id"]: credential}
    seals = ArchivedSeals()
    assert _verify(seal, sealer, archive, seals)["archive"] == "ok"
    changed = copy.deepcopy(credential)
    changed["credentialSubject"]["massarCode"] = "Z999999999"
    archive[credential["id"]] = changed
    codes = _verify(seal, sealer, archive, seals)
    assert codes["archive"] == "archive.mismatch" and codes["signature"] == "ok"
    assert len(seals) == 2


def test_a_forged_seal_adds_nothing_to_remember(scrypts: list[str]) -> None:
    """A seal naming a credential the archive does not hold costs no scrypt and no entry."""
    sealer = LocalSealer()
    credential = documents()["diploma-diacritics"]
    seal = seal_of(credential, sealer)
    seals = ArchivedSeals()
    scrypts.clear()
    assert _verify(seal, sealer, {}, seals)["archive"] == "archive.unknown"
    assert scrypts == [] and len(seals) == 0


def test_the_least_recently_used_content_is_forgotten_first(scrypts: list[str]) -> None:
    credentials = list(documents().values())[:3]
    seals = ArchivedSeals(max_entries=2)
    for credential in credentials:
        seals.content(credential)
    assert len(seals) == 2
    scrypts.clear()
    seals.content(credentials[2])
    assert scrypts == []
    seals.content(credentials[0])
    assert scrypts == [credentials[0]["id"]]
    with pytest.raises(ValueError):
        ArchivedSeals(max_entries=0)
