"""Agents sharing one wallet start together (the distributed workers): each makes sure the
ministry's did:web DID and its keys exist, and none fails because another created them first."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from shahada.issuer.identity import ensure_did_web

pytestmark = pytest.mark.agent


def test_processes_creating_the_did_at_once_all_get_the_same_identity(ministry: Any) -> None:
    did = f"did:web:race-{uuid.uuid4().hex[:8]}.example"
    with ThreadPoolExecutor(max_workers=4) as pool:
        identities = list(pool.map(lambda _: ensure_did_web(ministry.client, did), range(4)))
    assert {i.did for i in identities} == {did}
    assert len({i.public_key for i in identities}) == 1  # one key in the wallet, not one per caller
    assert len({i.vc_api_public_key for i in identities}) == 1


def test_callers_asking_for_one_named_key_at_once_get_one_key(ministry: Any) -> None:
    """``POST /shahada/keys`` claims the key id, creates the key and binds it in one wallet
    transaction: twelve callers at once get the same key, and the wallet holds one key under that id
    (two would make every later lookup fail with 'More than one key found')."""
    kid = f"did:web:race-{uuid.uuid4().hex[:8]}.example#vc-api-1"
    with ThreadPoolExecutor(max_workers=12) as pool:
        keys = list(pool.map(lambda _: ministry.client.ensure_key(kid), range(12)))
    assert {k.multikey for k in keys} == {keys[0].multikey}
    assert ministry.client.ensure_key(kid).multikey == keys[0].multikey
