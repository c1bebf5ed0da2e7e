"""The ministry's records of what the VC API issuer signs: every credential is archived (so that the
verifier's ``archive`` check finds it) and, for VC 2.0, carries a revocation and a suspension
``BitstringStatusListEntry`` (W3C Bitstring Status List 1.0 §2.1) on lists the ministry publishes
at its own origin, so that it can be revoked or suspended like a diploma (``shahada status …``).

Archive rows of the VC API: ``kind`` ``vc-api``, ``session_year`` 0 (no baccalaureate session: the
session commands never see them), no Code Massar nor academy, a ``document_number`` derived from
the id, and ``record_digest`` the SHA-256 of the JCS-canonical ``credentialSubject``. One
``pv_imports`` row per credential records who and when (operator ``vc-api``).

Ids: a credential without ``id`` gets a ``urn:uuid`` (the archive is keyed by it), at most 80
characters (``credential.id``, 422). Signing an id the VC API issued before replaces the archived
document (the older copy then fails the verifier's ``archive`` check as superseded) and keeps its
status entries; the id of a credential issued from a PV is refused (``credential.duplicate``, 422).

A VC 1.1 credential is archived without status entries: the VC 1.1 context does not define
``BitstringStatusListEntry`` (documented in docs/conformance.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import rfc8785

from shahada.issuer.api.errors import UnprocessableCredentialError
from shahada.issuer.archive.status import StatusStore
from shahada.issuer.archive.store import Archive, PlannedCredential
from shahada.schemas.document import version_of
from shahada.status.lists import PURPOSES, status_entry

KIND: Final = "vc-api"
MAX_ID_CHARS: Final = 80  # the archive's key column


@dataclass
class ArchiveRecords:
    """Archive and status lists for the VC API issuer.

    Args:
        archive: the ministry's archive.
        status: its status store (lists under the ministry's origin).
        publish: signs and stores every status list with pending changes (called after an
            allocation opened a new list, so that its entries resolve at once).
        clock: now, timezone-aware.
    """

    archive: Archive
    status: StatusStore
    publish: Callable[[], object]
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def prepare(self, credential: Mapping[str, Any]) -> dict[str, Any]:
        """``credential`` with an ``id`` and (VC 2.0) its status entries appended.

        Raises:
            UnprocessableCredentialError: ``credential.id`` (too long), ``credential.duplicate``.
            ArchiveError (archive.status): the database refused the allocation.
        """
        prepared = dict(credential)
        credential_id = prepared.setdefault("id", f"urn:uuid:{uuid.uuid4()}")
        if not isinstance(credential_id, str) or len(credential_id) > MAX_ID_CHARS:
            raise UnprocessableCredentialError(f"the credential id must be a URL of at most {MAX_ID_CHARS} characters", code="credential.id")
        known = self.archive.get(credential_id)
        if known is not None and known.kind != KIND:
            raise UnprocessableCredentialError(f"{credential_id} is a credential the ministry issued from a PV", code="credential.duplicate")
        if version_of(prepared) != "v2":
            return prepared
        positions = self.status.allocate([credential_id])[credential_id]
        entries = [status_entry(self.status.origin, purpose, *positions[purpose]) for purpose in PURPOSES]
        given = prepared.get("credentialStatus")
        prepared["credentialStatus"] = ([] if given is None else given if isinstance(given, list) else [given]) + entries
        if self.status.pending_lists():
            with self._lock:
                self.publish()
        return prepared

    def archive_signed(self, signed: Mapping[str, Any]) -> None:
        """Record the signed credential as issued (one transaction per step; see the module docstring).

        Raises:
            ArchiveError: the archive refused it.
        """
        credential_id = str(signed["id"])
        now = self.clock()
        if self.archive.replace_signed(credential_id, dict(signed), kind=KIND, issued_at=now):
            return
        digest = hashlib.sha256(credential_id.encode()).hexdigest()
        subject = rfc8785.dumps(signed.get("credentialSubject"))
        planned = PlannedCredential(
            id=credential_id,
            kind=KIND,
            session_kind=KIND,
            massar="",
            academy="",
            document_number=f"API-{digest[:40]}",
            record_digest=hashlib.sha256(subject).hexdigest(),
            document=dict(signed),
        )
        info = self.archive.record_import(
            session_year=0, filename=KIND, file_sha256=digest, operator=KIND, imported_at=now, record_count=1, credentials=[planned]
        )
        self.archive.store_signed([(credential_id, dict(signed))], issued_at=now)
        self.archive.complete_import(info.id, at=now)
