"""Wiring of credential status for this installation: the archive's status store, the verifier's
status checker, and publishing lists through the agent (W3C Bitstring Status List 1.0)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from shahada.config import Settings
from shahada.issuer.archive.status import StatusStore
from shahada.issuer.archive.store import Archive
from shahada.verifier.result import VerificationResult
from shahada.verifier.status import MemorySeenLists, SeenLists, StatusChecker, StatusListFetcher


def site_origin(settings: Settings) -> str:
    """``https://<did_web_host>``: where the ministry's site, and so its status lists, live."""
    return f"https://{settings.did_web_host}"


def status_store(settings: Settings, archive: Archive) -> StatusStore | None:
    """The status store when credentials get status entries (a did:web ministry, whose site serves
    the lists); None for a did:key development ministry, which has no site."""
    if settings.did_method != "web":
        return None
    return StatusStore(
        archive.engine, secret=settings.id_secret, origin=site_origin(settings), validity=dt.timedelta(seconds=settings.status_list_validity)
    )


def ministry_status_origins(settings: Settings, ministry_did: str | None) -> dict[str, frozenset[str]]:
    """A did:key ministry with a local site publishes the VC API issuer's status lists there
    (``shahada serve issuer``); a did:web ministry's lists are at its own origin already."""
    if ministry_did and ministry_did.startswith("did:key:") and settings.site_is_local:
        return {ministry_did: frozenset({site_origin(settings)})}
    return {}


def did_web_origin(did: str) -> str | None:
    """``https://host[:port]`` of a did:web DID (did:web method §3.2), else None."""
    if not did.startswith("did:web:"):
        return None
    return "https://" + unquote(did.split(":")[2])


def status_checker(
    trusted_issuers: frozenset[str],
    verify_list: Callable[[Mapping[str, Any]], VerificationResult],
    *,
    verify_tls: bool | str,
    extra_origins: Mapping[str, frozenset[str]] | None = None,
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    seen: SeenLists | None = None,
) -> StatusChecker:
    """A checker fetching each trusted did:web issuer's lists from its own origin only, and a
    trusted issuer's ``extra_origins`` (a did:key ministry's local site: :func:`ministry_status_origins`);
    ``seen`` remembers the newest list accepted per URL (in memory when not given)."""
    origins = {did: frozenset({origin}) for did in trusted_issuers if (origin := did_web_origin(did))}
    for did, extra in (extra_origins or {}).items():
        if did in trusted_issuers:
            origins[did] = origins.get(did, frozenset()) | extra

    def check_list(document: Mapping[str, Any]) -> tuple[bool, str]:
        result = verify_list(document)
        why = "; ".join(f"{c.name}: {c.code}: {c.message}" for c in result.errors)
        return result.verified, why

    return StatusChecker(
        fetcher=StatusListFetcher(verify_tls=verify_tls), trusted_origins=origins, verify_list=check_list, clock=clock,
        seen=seen if seen is not None else MemorySeenLists(),
    )


def seen_lists_file(settings: Settings) -> Path:
    """Where this installation's verifier (``shahada verify``) remembers the newest status list it
    accepted per URL, across runs: ``$SHAHADA_HOME/verifier/status-lists-seen.json`` (0600)."""
    return settings.home / "verifier" / "status-lists-seen.json"
