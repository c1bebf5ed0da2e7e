"""What the verifier service does with a parsed request, without Flask: verify a credential, a
presentation, a seal, an upload or a share link, and report every check.

:class:`VerifierService` holds the explicit parts (settings, pinned loader, resolver, one-time
challenges, the ministry's records when reachable, the clock) and calls the pure verifiers:
:func:`verifier.verify_credential`, :func:`shahada.verifier.presentation.verify_presentation`,
:func:`shahada.verifier.seal.verify_seal` (and :func:`shahada.verifier.scan.read_qr_texts` for a PDF or photo),
:func:`shahada.verifier.share.verify_share` (the graduate portal's links, fetched from allowed origins only).
A failed check is a result (``verified: false``); input that is no credential, presentation or
seal raises a domain error with its code (422/413), rendered as problem+json or an error page.

Bounded work: each verification has a deadline (``request_timeout``); the work on foreign input
that can be made expensive — the ``signature`` check (JSON-LD, RDFC-1.0 with its limits, JCS) and
reading a PDF's or a photo's QR codes — runs in the service's worker processes
(:class:`~shahada.verifier.workers.VerifierWorkers`: memory, CPU and time limits, killed past them), so a hostile request costs one
worker for a bounded time and never a request thread's for ever (``work.timeout``,
``work.failed``, ``service.busy``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal
from urllib.parse import urlsplit

from shahada.common import jsontext
from shahada.common.isolation import Deadline
from shahada.common.shared import SharedStore, open_shared
from shahada.did.document import DIDDocument
from shahada.did.errors import DIDError
from shahada.did.resolve import DIDResolver
from shahada.did.web import did_web_to_url
from shahada.schemas.document import issuer_id
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.schemas.reference import Reference, bundled_reference
from shahada.schemas.seal.content import SealContent
from shahada.schemas.seal.errors import SealError
from shahada.schemas.seal.text import seal_payload
from shahada.verifier.checks import Resolver, SignatureCheck, check_signature
from shahada.verifier.presentation import PresentationResult, subject_ids, verify_presentation
from shahada.verifier.records import check_records
from shahada.verifier.registry import RegistryChecker
from shahada.verifier.result import SKIPPED, UNTRUSTED, Check, VerificationResult
from shahada.verifier.scan import kind_of, read_qr_texts
from shahada.verifier.seal import DECODE_CODES, ArchivedSeals, ArchiveLookup, SealArchiveLookup, SealStatus, StaticResolver, verify_seal, with_status
from shahada.verifier.seal_fields import signed_fields
from shahada.verifier.share import VISIT_PATTERN, ShareFetcher, ShareResult, VisitFetcher, verify_share
from shahada.verifier.status import StatusChecker, StatusListFetcher
from shahada.verifier.traffic import Traffic
from shahada.verifier.verdict import Verdict, verdict
from shahada.verifier.verify import DEFAULT_SUITES, verify_credential
from shahada.verifier.web.challenges import Challenge, ChallengeLimitError, ChallengeStore, Redemption, SharedChallengeStore
from shahada.verifier.web.counting import counted, upload_kind
from shahada.verifier.web.errors import PayloadTooLargeError, SettingsError, TooManyRequestsError, UnprocessableInputError
from shahada.verifier.web.settings import VerifierSettings
from shahada.verifier.workers import IsolatedSignatureCheck, VerifierWorkers, scan_task

__all__ = ["Records", "Report", "VerifierService", "Warning", "verdict_of"]

Kind = Literal["credential", "presentation", "seal", "share"]
_UTF8_BOM: Final = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Records:
    """The ministry's records (its archive of issued credentials), for one issuer's documents."""

    issuer: str
    lookup: ArchiveLookup
    seals: SealArchiveLookup | None = None  # with the holder bindings stored at issuance (the seal check)


@dataclass(frozen=True, slots=True)
class Warning:
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of one verification, for the API and the pages alike."""

    kind: Kind
    verified: bool  # every check passed, the issuer's trust included (what the pages call valid)
    checks: tuple[Check, ...]
    warnings: tuple[Warning, ...] = ()
    authentic: bool | None = None  # credentials and presentations: verified but for the issuer's trust
    credential: Mapping[str, Any] | None = None  # set only when its signature (and schema) passed
    seal: SealContent | None = None  # set only when its signature passed
    presentation: PresentationResult | None = None
    held: tuple[Mapping[str, Any], ...] = ()  # a presentation's (or share's) credentials whose signature and schema passed
    share: ShareResult | None = None
    signer: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def errors(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.outcome == "failed")

    @property
    def verdict(self) -> Verdict:
        """The one verdict (:func:`shahada.verifier.verdict.verdict`), the credentials inside a
        presentation or share link included."""
        inner: tuple[tuple[Check, ...], ...] = ()
        if self.presentation is not None:
            inner = tuple(r.checks for r in self.presentation.credentials)
        elif self.share is not None:
            inner = tuple(r.checks for r in self.share.credentials)
        return verdict(self.verified, self.checks, inner=inner)

    @property
    def since(self) -> str | None:
        """The date a revoked or suspended document changed status, when the registry said it."""
        return next((c.since for c in self.checks if c.since is not None), None)

    @property
    def api_verified(self) -> bool:
        """The VC API's ``verified``: for a credential or presentation, that it is authentic (the
        issuer's trust is reported on its own, as ``trusted`` and a warning); else ``verified``."""
        return self.verified if self.authentic is None else self.authentic

    def to_api(self) -> dict[str, Any]:
        """The VC API verification result: ``verified``, ``checks``, ``warnings``, ``errors``
        (each error a problem-details object naming its check and stable code). For credentials
        and presentations, ``trusted`` says whether every issuer is on the trust list; an untrusted
        but authentic one is a warning ``issuer.untrusted``, not an error."""
        trust_only = self.authentic is True
        errors = [c for c in self.errors if not (trust_only and c.code == UNTRUSTED)]
        warnings = [w.to_dict() for w in self.warnings]
        warnings += [{"code": c.code, "message": c.message} for c in self.errors if trust_only and c.code == UNTRUSTED]
        body: dict[str, Any] = {
            "verified": self.api_verified,
            "verdict": self.verdict,
            "checks": [c.to_dict() for c in self.checks],
            "warnings": warnings,
            "errors": [
                {"type": f"urn:shahada:problem:{c.code}", "title": f"{c.name} check failed", "detail": c.message, "code": c.code, "check": c.name}
                for c in errors
            ],
        }
        if self.authentic is not None:
            body["trusted"] = self.verified
        if self.presentation is not None:
            body["holder"] = self.presentation.holder
            body["credentialResults"] = [r.to_dict() for r in self.presentation.credentials]
        if self.share is not None:
            document = self.share.document
            body["recipient"] = document.recipient if document is not None else None
            body["expires"] = document.expires_text if document is not None else None
            body["credentialResults"] = [r.to_dict() for r in self.share.credentials]
        if self.signer is not None:
            body["signer"] = self.signer
        body.update(self.extra)
        return body


def verdict_of(verified: bool, errors: Sequence[Check]) -> Verdict:
    """The verdict on one result's failed checks (:func:`shahada.verifier.verdict.verdict`)."""
    return verdict(verified, errors)


def _static_documents(documents: Mapping[str, Mapping[str, Any]]) -> dict[str, DIDDocument]:
    parsed: dict[str, DIDDocument] = {}
    for did, raw in documents.items():
        try:
            document = DIDDocument.from_dict(raw)
        except DIDError as err:
            raise SettingsError(f"the DID document given for {did} is not valid: {err.message}") from err
        if document.id != did:
            raise SettingsError(f"the DID document given for {did} is the document of {document.id}")
        parsed[did] = document
    return parsed


class VerifierService:
    """The verifier service's parts and operations (see the module docstring).

    Args:
        settings: the service's configuration.
        resolver: resolves DIDs; by default the settings' DID documents, then a
            :class:`did.DIDResolver` that fetches did:web documents of trusted issuers only.
        records: the ministry's records, when reachable from this service.
        clock: the verification time (timezone-aware).
        loader: the pinned JSON-LD loader (one per process: it parses the contexts once).
        reference: the reference data that labels a seal's codes.
        workers: the worker processes for expensive work; by default a pool of the settings'
            ``work_*`` sizes, started at the first task and stopped by :meth:`close`
            (``work_processes = 0``: none, the work runs in the caller's thread).
        registry: the printed seals' status (revoked, suspended…); by default each trusted
            issuer's registry on its own origin (``/registry/<id>``).
    """

    def __init__(
        self,
        settings: VerifierSettings,
        *,
        resolver: Resolver | None = None,
        records: Records | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        loader: PinnedDocumentLoader | None = None,
        reference: Reference | None = None,
        workers: VerifierWorkers | None = None,
        registry: SealStatus | None = None,
        traffic: Traffic | None = None,
    ) -> None:
        self.settings = settings
        self.traffic = traffic or Traffic()  # verification counts (verifier/web/counting.py)
        self.loader = loader or PinnedDocumentLoader()
        self._own_workers = workers is None and settings.work_processes > 0
        if self._own_workers:
            workers = VerifierWorkers.create(
                self.loader,
                processes=settings.work_processes,
                scan_processes=settings.scan_processes,
                timeout=settings.work_timeout,
                memory_mib=settings.work_memory,
            )
        self.workers = workers
        self.network_resolver: DIDResolver | None = None
        if resolver is None:
            self.network_resolver = DIDResolver(
                trusted_dids=settings.trusted_issuers,
                timeout=settings.did_timeout,
                max_bytes=settings.did_max_bytes,
                cache_ttl=settings.did_cache_ttl,
                cache_entries=settings.did_cache_entries,
                verify_tls=settings.did_verify_tls,
            )
            resolver = StaticResolver(_static_documents(settings.did_documents), fallback=self.network_resolver)
        self.resolver: Resolver = resolver
        self.records = records
        self.archived_seals = ArchivedSeals()  # seal content of credentials archived without their binding, once each (scrypt)
        self.clock = clock
        self.reference = reference or bundled_reference()
        self.shared: SharedStore = open_shared(settings.redis_url, prefix=settings.redis_prefix)  # challenges, look-up windows
        self.challenges: ChallengeStore | SharedChallengeStore = (
            SharedChallengeStore(self.shared, ttl=settings.challenge_ttl, per_client=settings.challenges_per_client)
            if settings.redis_url
            else ChallengeStore(ttl=settings.challenge_ttl, max_entries=settings.challenge_entries, per_client=settings.challenges_per_client)
        )
        self.shares = ShareFetcher(timeout=settings.share_timeout, max_bytes=settings.share_max_bytes, verify_tls=settings.did_verify_tls)
        self.suites: frozenset[str] = DEFAULT_SUITES
        # W3C Bitstring Status List 1.0 §3.2: a trusted did:web issuer's lists come from its own origin only
        self.status = StatusChecker(
            fetcher=StatusListFetcher(verify_tls=settings.did_verify_tls),
            trusted_origins=_status_origins(settings),
            verify_list=self._check_list,
            clock=self._now,  # the newest list seen per URL is remembered in memory, for this process
        )
        # a printed seal's status: the signer's registry, on its own origin (docs/seal.md §6)
        self.registry: SealStatus = registry or RegistryChecker(
            self.status.trusted_origins, self.resolver, self.status, verify_tls=settings.did_verify_tls, timeout=settings.did_timeout
        )

    def close(self) -> None:
        if self._own_workers and self.workers is not None:
            self.workers.close()
        self.shares.close()
        self.traffic.close()  # the last counts written
        close_shared = getattr(self.shared, "close", None)
        if callable(close_shared):
            close_shared()
        if self.network_resolver is not None:
            self.network_resolver.close()

    # --- credentials -------------------------------------------------------------------------

    def deadline(self) -> Deadline:
        """The deadline of a verification starting now (``request_timeout``)."""
        return Deadline.after(self.settings.request_timeout)

    def _signatures(self, deadline: Deadline) -> SignatureCheck:
        return check_signature if self.workers is None else IsolatedSignatureCheck(self.workers.signatures, deadline)

    @counted("credential")
    def verify_credential(self, credential: Any, *, warnings: Sequence[str] = (), deadline: Deadline | None = None) -> Report:
        """Every check of :func:`verifier.verify_credential`, then the ministry's records.

        Raises:
            UnprocessableInputError: ``credential.malformed``, not a credential at all (422).
            WorkError: ``work.timeout``, ``work.failed`` (422), ``service.busy`` (503).
        """
        result = self._full_result(credential, deadline or self.deadline())
        structure = result.check("structure")
        if structure.outcome == "failed":
            raise UnprocessableInputError(structure.message, code=structure.code)
        return Report(
            kind="credential",
            verified=result.verified,
            authentic=result.authentic,
            checks=result.checks,
            warnings=tuple(Warning("options.checks", w) for w in warnings),
            credential=credential if _signed(result) else None,
        )

    def _full_result(self, credential: Any, deadline: Deadline) -> VerificationResult:
        """Every check of :func:`verifier.verify_credential` with status, then the records."""
        result = verify_credential(
            credential,
            document_loader=self.loader,
            resolver=self.resolver,
            trusted_issuers=self.settings.trusted_issuers,
            now=self._now(),
            allowed_suites=self.suites,
            status=self.status,
            embedded_contexts=True,
            signature_check=self._signatures(deadline),
        )
        if result.check("structure").outcome == "failed":
            return result
        records = self._records_check(credential)
        return VerificationResult(
            result.verified and records.outcome != "failed", (*result.checks, records), authentic=result.authentic and records.outcome != "failed"
        )

    def _check_list(self, document: Mapping[str, Any]) -> tuple[bool, str]:
        """A status list credential: every check but its own status."""
        result = verify_credential(
            document,
            document_loader=self.loader,
            resolver=self.resolver,
            trusted_issuers=self.settings.trusted_issuers,
            now=self._now(),
            allowed_suites=self.suites,
            embedded_contexts=True,
            signature_check=self._signatures(self.deadline()),
        )
        return result.verified, "; ".join(f"{c.name}: {c.code}: {c.message}" for c in result.errors)

    def _records_check(self, credential: Mapping[str, Any]) -> Check:
        if self.records is None:
            return Check("archive", "skipped", SKIPPED, "the ministry's records are not reachable from this verifier")
        if issuer_id(credential) != self.records.issuer:
            return Check("archive", "skipped", SKIPPED, "this verifier holds the records of another issuer")
        return check_records(credential, self.records.lookup)

    # --- presentations -----------------------------------------------------------------------

    def issue_challenge(self, client: str = "") -> Challenge:
        """A one-time challenge for ``client`` (its address).

        Raises:
            TooManyRequestsError (challenge.rate_limited, 429, Retry-After): the client asked for too many.
            SharedUnavailableError (shared.unavailable, 503): the shared store (Redis) cannot be reached.
        """
        try:
            return self.challenges.issue(client)
        except ChallengeLimitError as err:
            raise TooManyRequestsError(err.message, retry_after=err.retry_after, code="challenge.rate_limited") from err

    @counted("presentation")
    def verify_presentation(
        self, presentation: Any, *, challenge: str | None, domain: str | None, warnings: Sequence[str] = (), deadline: Deadline | None = None
    ) -> Report:
        """The presentation's proof, challenge (one-time, issued here), domain, holder binding and
        every credential inside.

        Raises:
            UnprocessableInputError: ``presentation.malformed``, not a presentation at all (422).
        """
        result = verify_presentation(
            presentation,
            document_loader=self.loader,
            resolver=self.resolver,
            trusted_issuers=self.settings.trusted_issuers,
            now=self._now(),
            challenge=challenge,
            domain=domain,
            allowed_suites=self.suites,
            max_credentials=self.settings.max_credentials,
            status=self.status,
            embedded_contexts=True,
            signature_check=self._signatures(deadline or self.deadline()),
        )
        structure = result.check("structure")
        if structure.outcome == "failed":  # before any redemption: a malformed request uses no challenge
            raise UnprocessableInputError(structure.message, code=structure.code)
        redemption = self._redemption(challenge, result)
        # a challenge issued here (POST /challenges) is accepted once; any other is the caller's
        # own (VC API "Verify Presentation": options.challenge), which the proof must carry
        if redemption is not None and redemption not in ("ok", "challenge.unknown"):
            meaning = {
                "challenge.expired": "has expired; ask for a new one (POST /challenges)",
                "challenge.replayed": "was already used once: a presentation is accepted once per challenge",
            }[redemption]
            result = result.with_check(Check("challenge", "failed", redemption, f"the challenge {meaning}"))
        notes = [Warning("options.checks", w) for w in warnings]
        if challenge is None:
            notes.append(Warning("challenge.absent", "no challenge was given: this presentation could be a replay (ask POST /challenges for one)"))
        inside = presentation.get("verifiableCredential")
        inside = inside if isinstance(inside, list) else [inside]
        unbound = [i for i, c in enumerate(inside) if isinstance(c, Mapping) and not subject_ids(c)]
        if unbound:
            which = ", ".join(str(i) for i in unbound)
            notes.append(
                Warning(
                    "holder.unbound",
                    f"credential(s) {which}: this credential is not bound to a holder: the presenter may not be its subject",
                )
            )
        held = tuple(c for c, r in zip(inside, result.credentials, strict=False) if _signed(r))
        return Report(
            kind="presentation",
            verified=result.verified,
            authentic=result.authentic,
            checks=result.checks,
            warnings=tuple(notes),
            presentation=result,
            held=held,
        )

    def _redemption(self, challenge: str | None, result: PresentationResult) -> Redemption | None:
        """Use the challenge up only for a presentation whose holder proof carries it and verifies:
        a presentation that anyone could forge (bad signature, no proof, the wrong challenge) must
        not burn a challenge issued to someone else; its outcome is only looked at (issue 17)."""
        if challenge is None:
            return None
        answered = result.check("signature").outcome == "passed" and result.check("challenge").outcome == "passed"
        return self.challenges.redeem(challenge) if answered else self.challenges.peek(challenge)

    # --- share links -------------------------------------------------------------------------

    @counted("share")
    def verify_share(self, url: str, *, deadline: Deadline | None = None, visit: str | None = None) -> Report:
        """A graduate portal's share link: fetched only from an allowed origin
        (``share_origins``), then every credential in it, with status and the ministry's records.
        ``visit``: the portal's token for the browser it sent here, passed back on the fetch
        (ignored unless well formed). Never raises for what the link or the portal do: each
        outcome is a check."""
        visiting = visit is not None and VISIT_PATTERN.fullmatch(visit) is not None
        result = verify_share(
            url,
            allowed_origins=self.settings.share_origins,
            fetcher=VisitFetcher(self.shares, visit) if visiting and visit else self.shares,
            verify_credential=lambda credential: self._full_result(credential, deadline or self.deadline()),
            now=self._now(),
            max_credentials=self.settings.max_credentials,
        )
        inside = result.document.credentials if result.document is not None else ()
        held = tuple(c for c, r in zip(inside, result.credentials, strict=False) if _signed(r))
        return Report(kind="share", verified=result.verified, checks=result.checks, share=result, held=held)

    # --- seals -------------------------------------------------------------------------------

    @counted("seal")
    def verify_seal(self, text: str, *, massar: str | None = None) -> Report:
        """A printed document's seal (its QR code's text or URL), offline, then against the
        ministry's records when they are reachable (``docs/seal.md`` §6).

        Raises:
            UnprocessableInputError: ``seal.malformed``, ``seal.truncated``, ``seal.version`` (422).
            PayloadTooLargeError: ``seal.oversized`` (413).
        """
        result = verify_seal(
            text,
            trusted_issuers=self.settings.trusted_issuers,
            resolver=self.resolver,
            archive=(self.records.seals or self.records.lookup) if self.records is not None else None,
            massar=massar,
            archived_seals=self.archived_seals,
        )
        decode = result.check("decode")
        if decode.outcome == "failed" and decode.code in DECODE_CODES:
            error = PayloadTooLargeError if decode.code == "seal.oversized" else UnprocessableInputError
            raise error(decode.message, code=decode.code)
        result = with_status(result, self.registry)  # revoked? suspended? (on every path: QR page, upload, API)
        signed = result.check("signature").outcome == "passed"
        extra: dict[str, Any] = {}
        if signed and result.content is not None:
            extra["fields"] = [f.to_dict() for f in signed_fields(result.content, self.reference)]
        return Report(
            kind="seal",
            verified=result.verified,
            checks=result.checks,
            seal=result.content if signed else None,
            signer=result.signer,
            extra=extra,
        )

    # --- uploads and pasted text ---------------------------------------------------------------

    @counted(upload_kind)
    def verify_upload(self, data: bytes, *, deadline: Deadline | None = None) -> Report:
        """A PDF or photo (its QR code's seal), a credential or presentation file (JSON), or a
        text file holding a seal.

        Raises:
            PayloadTooLargeError: ``request.too_large`` past ``max_upload_bytes``; ``scan.too_large``.
            ScanError: ``scan.unreadable``, ``scan.no_code`` (422).
            WorkError: ``work.timeout``, ``work.failed`` (422), ``service.busy`` (503): the
                file needed more time or memory than a worker has.
            UnprocessableInputError: ``input.unrecognized``, or the codes of the verify methods.
        """
        if len(data) > self.settings.max_upload_bytes:
            raise PayloadTooLargeError(f"the file is {len(data)} bytes; at most {self.settings.max_upload_bytes} are read")
        deadline = deadline or self.deadline()
        if kind_of(data) is not None:
            if self.workers is None:
                texts = read_qr_texts(data)
            else:
                texts = self.workers.scans.run(scan_task, data, deadline=deadline, what="reading the file's QR code")
            return self.verify_seal(_seal_text(texts))
        if len(data) > self.settings.max_json_bytes:
            raise PayloadTooLargeError(f"a credential or text file of {len(data)} bytes; at most {self.settings.max_json_bytes} are verified")
        try:
            decoded = data.removeprefix(_UTF8_BOM).decode("utf-8")
        except UnicodeDecodeError as err:
            raise UnprocessableInputError("the file is not a PDF, a PNG or JPEG image, nor a JSON or text file") from err
        return self.verify_text(decoded, deadline=deadline)

    @counted()
    def verify_text(self, text: str, *, deadline: Deadline | None = None) -> Report:
        """Pasted text: a credential or presentation (JSON), or a seal (QR text or URL).

        Raises:
            UnprocessableInputError: ``input.unrecognized`` (neither), ``request.json`` style
                reasons for broken JSON, or the codes of the verify methods.
        """
        stripped = text.strip()
        if stripped.startswith(("{", "[")):
            try:
                value = jsontext.loads(stripped)
            except (ValueError, RecursionError) as err:
                raise UnprocessableInputError(f"the text looks like JSON but is not: {str(err)[:200]}") from err
            return self.verify_json(value, deadline=deadline)
        try:
            seal_payload(stripped)
        except SealError as err:
            if err.code == "seal.oversized":
                raise PayloadTooLargeError(err.message, code=err.code) from err
            raise UnprocessableInputError("this is neither a credential (JSON) nor the text or link of a QR code") from err
        return self.verify_seal(stripped)

    @counted()
    def verify_json(self, value: Any, *, deadline: Deadline | None = None) -> Report:
        """A credential or a presentation, bare or in a VC API request body."""
        if isinstance(value, Mapping):
            if isinstance(value.get("verifiablePresentation"), Mapping):
                value = value["verifiablePresentation"]
            elif isinstance(value.get("verifiableCredential"), Mapping):
                value = value["verifiableCredential"]
            types = value.get("type")
            if types == "VerifiablePresentation" or (isinstance(types, list) and "VerifiablePresentation" in types):
                return self.verify_presentation(value, challenge=None, domain=None, deadline=deadline)
        if not isinstance(value, Mapping):
            raise UnprocessableInputError("the JSON is not a credential: it must be an object", code="credential.malformed")
        return self.verify_credential(value, deadline=deadline)

    def _now(self) -> dt.datetime:
        return self.clock()


def _signed(result: VerificationResult) -> bool:
    """Whether a credential's content may be shown: its signature and schema checks passed."""
    outcomes = {c.name: c.outcome for c in result.checks}
    return outcomes.get("signature") == outcomes.get("schema") == "passed"


def _status_origins(settings: VerifierSettings) -> dict[str, frozenset[str]]:
    """Where each trusted issuer's status lists may come from: a did:web issuer's own origin, and
    the configured ``status_origins`` of a trusted issuer (never of an untrusted one)."""
    origins = {did: frozenset({origin}) for did in settings.trusted_issuers if (origin := _web_origin(did))}
    for did, extra in settings.status_origins.items():
        if did in settings.trusted_issuers:
            origins[did] = origins.get(did, frozenset()) | extra
    return origins


def _web_origin(did: str) -> str | None:
    """``https://host[:port]`` of a did:web DID, the only origin its status lists may come from."""
    try:
        parts = urlsplit(did_web_to_url(did))
    except DIDError:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def _seal_text(texts: Sequence[str]) -> str:
    """The QR text that is a seal, among those found (a document may carry other QR codes)."""
    for candidate in texts:
        try:
            seal_payload(candidate)
        except SealError:
            continue
        return candidate
    return texts[0]
