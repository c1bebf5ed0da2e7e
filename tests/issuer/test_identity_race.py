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
