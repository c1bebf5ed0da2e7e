"""The university's agent and controller: ask for the baccalaureate, check what comes back.

Flow (Aries present-proof 2.0 with the ``dif`` format, RFC 0454 / RFC 0510):

1. :meth:`University.ask` gets a one-time challenge — from the university's verifier service
   (``POST /challenges``, a UUID4, the form ACA-Py requires in DIF requests) when one is
   configured, else a fresh UUID4 — creates a connectionless request holding the presentation
   definition and that challenge, and attaches it to an out-of-band invitation (with a DID
   Exchange handshake) that the graduate's wallet scans.
2. :meth:`University.wait` returns once the wallet's presentation has arrived.
3. :meth:`University.check` verifies it three ways, and accepts it only when all agree:
   - the university's own agent (``verify-presentation``: the signatures, as ACA-Py checks them);
   - the project's verifier (:func:`shahada.verifier.presentation.verify_presentation`): the
     presentation's proof and its challenge, the holder binding, and each credential's signature,
     trusted issuer, authorised key, dates, schema and status list entries;
   - the verifier service's VC API (``POST /presentations/verify``), which also redeems the
     challenge: the same presentation sent twice is refused the second time (``challenge.replayed``).

ACA-Py's holders sign DIF presentations without the requested ``domain``; the challenge, one-time
and bound to this request, is what protects against replay, so the domain is not required here.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import requests

from shahada.agent.admin import AdminClient
from shahada.agent.errors import AgentRequestError
from shahada.agent.process import AgentConfig, DIDComm
from shahada.common.errors import ShahadaError
from shahada.issuer.delivery import DIDEXCHANGE, encode_invitation
from shahada.verifier.presentation import PresentationResult

__all__ = ["PresentationAsk", "University", "UniversityError", "Verdict", "university_agent_config"]

UNIVERSITY_FLAGS: Final = ("--auto-accept-requests", "--preserve-exchange-records")


class UniversityError(ShahadaError):
    """Codes: ``examples.university.agent`` (its agent refused), ``university.timeout`` (no answer in
    time), ``university.abandoned`` (the wallet declined or failed), ``university.service`` (the
    verifier service could not be reached or answered an error)."""

    code = "university.error"


def university_agent_config(work_dir: Path, wallet_key: str, *, label: str = "university", ca_file: Path | None = None) -> AgentConfig:
    """The university's agent: accepts connections, keeps exchange records, answers nothing by itself."""
    return AgentConfig(
        work_dir=work_dir,
        wallet_name="university",
        wallet_key=wallet_key,
        label=label,
        extra_env={"SSL_CERT_FILE": str(ca_file)} if ca_file else {},
        didcomm=DIDComm(flags=UNIVERSITY_FLAGS),
    )


@dataclass(frozen=True, slots=True)
class PresentationAsk:
    pres_ex_id: str
    challenge: str
    domain: str | None
    invitation: dict[str, Any]
    url: str  # <endpoint>?oob=… for the wallet (a QR code on the admissions page)


@dataclass(frozen=True, slots=True)
class Verdict:
    accepted: bool
    reasons: tuple[str, ...]  # the failing codes, from all three checks (empty when accepted)
    agent_verified: bool
    result: PresentationResult
    service: Mapping[str, Any] | None
    presentation: dict[str, Any] = field(repr=False)


PresentationVerifier = Callable[..., PresentationResult]  # verify_presentation with loader, resolver, trust bound


class University:
    def __init__(
        self,
        client: AdminClient,
        *,
        verify: PresentationVerifier,
        service_url: str | None = None,
        timeout: float = 30.0,
        poll: float = 0.25,
        http: requests.Session | None = None,
    ) -> None:
        self.client = client
        self.verify = verify
        self.service_url = service_url.rstrip("/") if service_url else None
        self.timeout = timeout
        self.poll = poll
        self.http = http or requests.Session()

    def challenge(self) -> str:
        if self.service_url is None:
            return str(uuid.uuid4())
        answer = self._service("POST", "/challenges", {})
        return str(answer["challenge"])

    def ask(self, definition: Mapping[str, Any], *, domain: str | None = None, challenge: str | None = None) -> PresentationAsk:
        """A present-proof 2.0 request for ``definition``, inside an out-of-band invitation.

        Raises:
            UniversityError: ``examples.university.agent``, ``university.service``.
        """
        challenge = challenge or self.challenge()
        options: dict[str, Any] = {"challenge": challenge}
        if domain:
            options["domain"] = domain
        try:
            record = self.client.request_json(
                "POST",
                "/present-proof-2.0/create-request",
                {
                    "auto_verify": False,
                    "auto_remove": False,
                    "comment": str(definition.get("purpose", "")),
                    "presentation_request": {"dif": {"options": options, "presentation_definition": dict(definition)}},
                },
            )
            created = self.client.request_json(
                "POST",
                "/out-of-band/create-invitation",
                {
                    "handshake_protocols": [DIDEXCHANGE],
                    "attachments": [{"id": record["pres_ex_id"], "type": "present-proof"}],
                    "goal_code": "aries.vc.verify",
                    "goal": "Baccalaureate for admission",
                },
            )
        except AgentRequestError as err:
            raise UniversityError(f"the university's agent refused the request: {err}", code="examples.university.agent") from err
        invitation = dict(created["invitation"])
        base = str(created.get("invitation_url", "")).split("?", 1)[0]
        return PresentationAsk(
            pres_ex_id=str(record["pres_ex_id"]),
            challenge=challenge,
            domain=domain,
            invitation=invitation,
            url=f"{base}?oob={encode_invitation(invitation)}",
        )

    def wait(self, pres_ex_id: str) -> dict[str, Any]:
        """The presentation received for a request (waits for the wallet).

        Raises:
            UniversityError: ``university.timeout``, ``university.abandoned``.
        """
        deadline = time.monotonic() + self.timeout
        while True:
            record = self.client.request_json("GET", f"/present-proof-2.0/records/{pres_ex_id}")
            state = record.get("state")
            if state in ("presentation-received", "done"):
                presentation = ((record.get("by_format") or {}).get("pres") or {}).get("dif")
                if isinstance(presentation, dict):
                    return presentation
            if state == "abandoned":
                raise UniversityError(f"the wallet did not present: {record.get('error_msg')}", code="university.abandoned")
            if time.monotonic() > deadline:
                raise UniversityError(f"no presentation after {self.timeout:.0f}s (state {state})", code="university.timeout")
            time.sleep(self.poll)

    def check(self, ask: PresentationAsk, presentation: Mapping[str, Any] | None = None) -> Verdict:
        """Verify the presentation received for ``ask`` (or the one given) three ways."""
        received = dict(presentation) if presentation is not None else self.wait(ask.pres_ex_id)
        agent_verified = self._agent_verifies(ask.pres_ex_id) if presentation is None else False
        result = self.verify(received, challenge=ask.challenge, now=dt.datetime.now(dt.UTC))
        service = self.verify_with_service(received, ask.challenge) if self.service_url else None
        reasons = [c.code for c in result.checks if c.outcome == "failed" and c.code]
        for inner in result.credentials:
            reasons += [c.code for c in inner.checks if c.outcome == "failed" and c.code]
        if service is not None and not service.get("verified"):
            reasons += [str(e.get("code")) for e in service.get("errors", []) if isinstance(e, Mapping)]
        if presentation is None and not agent_verified:
            reasons.append("agent.unverified")
        unique = tuple(dict.fromkeys(reasons))
        return Verdict(
            accepted=not unique and result.verified and (service is None or bool(service.get("verified"))),
            reasons=unique,
            agent_verified=agent_verified,
            result=result,
            service=service,
            presentation=received,
        )

    def verify_with_service(self, presentation: Mapping[str, Any], challenge: str) -> dict[str, Any]:
        """The verifier service's VC API verdict (``POST /presentations/verify``)."""
        return self._service(
            "POST", "/presentations/verify", {"verifiablePresentation": dict(presentation), "options": {"challenge": challenge}}
        )

    def _agent_verifies(self, pres_ex_id: str) -> bool:
        try:
            record = self.client.request_json("POST", f"/present-proof-2.0/records/{pres_ex_id}/verify-presentation", {})
        except AgentRequestError:
            return False
        return str(record.get("verified")).lower() == "true"

    def _service(self, method: str, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        assert self.service_url is not None
        try:
            response = self.http.request(method, self.service_url + path, json=dict(body), timeout=(3, 30))
        except requests.RequestException as err:
            raise UniversityError(f"the verifier service is unreachable: {err}", code="university.service") from err
        # a presentation that does not verify is a 400 carrying the result (application/json);
        # a problem (application/problem+json) or any other status is the service failing
        verdict = response.status_code == 400 and response.headers.get("Content-Type", "").startswith("application/json")
        if response.status_code != 200 and not verdict:
            raise UniversityError(f"the verifier service answered {response.status_code}: {response.text[:300]}", code="university.service")
        answer: dict[str, Any] = response.json()
        return answer
