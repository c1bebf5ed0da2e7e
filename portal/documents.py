"""A graduate's documents as the portal lists them, and their PDF.

The list is made from the archived, signed credentials only: kind, session, number, average,
mention or decision as the ministry signed them (French and Arabic values; English readers see
the French ones, as on the verifier's pages), and the status from the status store (W3C Bitstring
Status List 1.0 bits: revoked wins over suspended).

The PDF is the printed document of :mod:`printing`: the archived credential rendered by the
project's :class:`shahada.printing.pdf.Renderer`, with the QR code of its seal signed inside the agent
(:mod:`shahada.issuer.seal`), exactly as ``shahada print`` makes it. The rendering (Typst:
layout, fonts, images) runs in a worker process with CPU, memory and time limits
(:data:`RENDER_LIMITS`, :class:`shahada.common.isolation.WorkerPool`), so that requests for PDFs
cannot hold the portal's threads and memory: one past the limits, or waiting too long for the
worker, is ``print.busy`` (503) and the portal's pages stay served.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Literal, Protocol

from shahada.common.isolation import WorkerPool, WorkError, WorkLimits
from shahada.issuer.archive.store import ISSUED, Archive, StoredCredential
from shahada.issuer.seal import Sealer, seal_credentials
from shahada.printing.pdf import render_in_worker
from shahada.verifier.web.settings import Language

Status = Literal["valid", "revoked", "suspended"]
KIND_ORDER: Final = {"diploma": 0, "transcript": 1}


class StatusSource(Protocol):
    """What the portal needs of :class:`shahada.issuer.archive.status.StatusStore`."""

    def status_of(self, credential_id: str) -> dict[str, bool]: ...


class DocumentPrinter(Protocol):
    """Makes the printed PDF of a signed credential (``holder``: its seal's holder binding as the
    archive stored it; None: computed)."""

    def pdf(self, credential: Mapping[str, Any], *, holder: bytes | None = None) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Localized:
    text: str
    lang: str  # "ar", "fr" or "" (digits, codes)
    dir: str  # "rtl", "ltr"


@dataclass(frozen=True, slots=True)
class DocumentView:
    credential_id: str
    kind: str  # "diploma" | "transcript"
    number: str
    year: int | None
    session: Localized | None
    average: str  # "15,30" in French and Arabic, "15.30" in English
    mention: Localized | None
    decision: Localized | None
    status: Status


def status_from_bits(bits: Mapping[str, bool]) -> Status:
    if bits.get("revocation"):
        return "revoked"
    if bits.get("suspension"):
        return "suspended"
    return "valid"


def localized(values: Any, lang: Language) -> Localized | None:
    """The value in the reader's language of a list of JSON-LD language value objects (Arabic
    for Arabic readers, French otherwise, then whatever there is)."""
    if isinstance(values, Mapping):
        values = [values]
    if not isinstance(values, list):
        return None
    wanted = "ar" if lang == "ar" else "fr"
    options = [v for v in values if isinstance(v, Mapping) and isinstance(v.get("@value"), str)]
    chosen = next((v for v in options if v.get("@language") == wanted), options[0] if options else None)
    if chosen is None:
        return None
    tag = str(chosen.get("@language", ""))
    return Localized(str(chosen["@value"]), tag, "rtl" if tag == "ar" else "ltr")


def _average(value: Any, lang: Language) -> str:
    try:
        text = f"{Decimal(str(value)):.2f}"
    except (InvalidOperation, ValueError):
        return ""
    return text if lang == "en" else text.replace(".", ",")


def _named(value: Any, lang: Language) -> Localized | None:
    return localized(value.get("name"), lang) if isinstance(value, Mapping) else None


def document_view(stored: StoredCredential, status: Status, lang: Language) -> DocumentView:
    subject = stored.document.get("credentialSubject", {})
    session = subject.get("session", {}) if isinstance(subject.get("session"), Mapping) else {}
    year = session.get("year")
    return DocumentView(
        credential_id=stored.id,
        kind=stored.kind,
        number=stored.document_number,
        year=year if isinstance(year, int) else None,
        session=_named(session, lang),
        average=_average(subject.get("generalAverage"), lang),
        mention=_named(subject.get("mention"), lang),
        decision=_named(subject.get("decision"), lang),
        status=status,
    )


def graduate_credentials(archive: Archive, massar: str) -> list[StoredCredential]:
    """A graduate's issued credentials: the latest session first, the diploma before the transcript."""
    found = list(archive.credentials(massar=massar, status=ISSUED))

    def order(c: StoredCredential) -> tuple[int, int, str]:
        year = c.document.get("credentialSubject", {}).get("session", {}).get("year", 0)
        return (-int(year) if isinstance(year, int) else 0, KIND_ORDER.get(c.kind, 9), c.document_number)

    return sorted(found, key=order)


def statuses(credentials: Sequence[StoredCredential], source: StatusSource | None) -> dict[str, Status]:
    """Each credential's status; all valid when the installation keeps no status lists (did:key)."""
    return {c.id: status_from_bits(source.status_of(c.id)) if source is not None else "valid" for c in credentials}


# one worker (one Typst compiler renders one document at a time), 30 s of wall clock and CPU for a
# document that takes about 10 ms once the worker has loaded its fonts, 1 GiB; a request waits at most 10 s for the worker
RENDER_LIMITS: Final = WorkLimits(processes=1, timeout=30.0, cpu_seconds=30, memory_bytes=1 << 30, max_wait=10.0, nice=5)
class SealedPrinter:
    """The printed PDF, as ``shahada print`` makes it: sealed by ``sealer`` (the agent), the QR
    code pointing at ``base_url`` (the installation's ``verify_base_url``), rendered in a limited
    worker process (``limits``; started at the first PDF, stopped by :meth:`close`).
    """

    def __init__(self, sealer: Sealer, *, base_url: str, settings: Any = None, limits: WorkLimits = RENDER_LIMITS) -> None:
        self.sealer = sealer
        self.base_url = base_url
        self.settings = settings  # shahada.printing.settings.PrintSettings; None: the neutral emblem and signatory
        self.workers = WorkerPool(limits, preload=("shahada.printing.pdf",))

    def pdf(self, credential: Mapping[str, Any], *, holder: bytes | None = None) -> bytes:
        """``holder``: the seal's holder binding the archive stored at issuance (no scrypt); None:
        computed (~7 ms), for a document archived before its binding was stored.

        Raises:
        AgentError: the agent could not seal; PrintingError (print.*): the document cannot be printed;
        UnavailableError (print.busy, 503): the rendering went past its limits or found no free worker.
        """
        from shahada.portal.errors import UnavailableError

        holders = {str(credential.get("id")): holder} if holder is not None else None
        [seal] = seal_credentials([credential], self.sealer, base_url=self.base_url, holders=holders)
        try:
            return self.workers.run(render_in_worker, self.settings, dict(credential), seal, what="making the PDF")
        except WorkError as err:
            raise UnavailableError(f"the PDF cannot be made now ({err.message}); try again later", code="print.busy") from err

    def close(self) -> None:
        self.workers.close()
