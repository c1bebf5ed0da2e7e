"""Wallet delivery over DIDComm, against signing the same wallet copies directly, in one run.

A local ministry (its agent with DIDComm, did:web over HTTPS on loopback, SQLite archive) issues
``--candidates`` candidates; a holder agent (the cloud wallet) then claims every candidate's
documents, one invitation each (:class:`shahada.issuer.delivery.WalletDelivery` and
:class:`shahada.wallet.controller.Wallet`: out-of-band invitation, DID Exchange, issue-credential 2.0
``ld_proof``, the second document over the new connection). The baseline is the ministry's agent
signing the very same wallet copies (Ed25519Signature2020, bound to the wallet's DID) through
``/vc/credentials/issue``, with no DIDComm at all. Then ``--presentations`` university requests
(present-proof 2.0, DIF) are answered and checked by the project's verifier, against verifying the
same presentation locally only.

Sequential, one graduate after another: the figures are the latency of one claim and of one
presentation round trip (controllers polling every 50 ms), not the ministry's throughput, which
grows with concurrent wallets as the agent's signing does.

    .venv/bin/python bench/deliver.py [--candidates 20] [--presentations 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import sys
import tempfile
import time
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]  # run as a script, this directory would shadow packages

from examples.university.agent import University, university_agent_config
from examples.university.definition import DIPLOMA_DESCRIPTOR, baccalaureate_definition
from shahada.agent.process import AgentProcess
from shahada.config import load_settings
from shahada.issuer.archive.store import StoredCredential
from shahada.issuer.delivery import WALLET_PROOF_TYPE, WalletDelivery
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.ministry import LocalMinistry
from shahada.schemas.credential import wallet_profile
from shahada.schemas.reference import bundled_reference
from shahada.verifier.presentation import PresentationResult, verify_presentation
from shahada.wallet.agent import holder_agent_config
from shahada.wallet.controller import Wallet


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--presentations", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        settings = load_settings({"SHAHADA_HOME": str(work / "home"), "SHAHADA_OPERATOR": "bench"})
        with LocalMinistry(settings) as ministry:
            assert ministry.status is not None
            pv = work / "pv.csv"
            write_csv(generate_records(args.candidates, seed=7, reference=bundled_reference(), year=2025), pv)
            outcome = ministry.issue(pv, 2025)  # with status entries; publishes the lists
            by_massar: dict[str, list[StoredCredential]] = {}
            for stored in ministry.archive.credentials(import_id=outcome.info.id):
                by_massar.setdefault(stored.document["credentialSubject"]["massarCode"], []).append(stored)
            total = sum(len(v) for v in by_massar.values())

            assert ministry.tls is not None
            holder = AgentProcess(holder_agent_config(work / "wallet", secrets.token_urlsafe(24), ca_file=ministry.tls.ca_cert))
            uni = AgentProcess(university_agent_config(work / "university", secrets.token_urlsafe(24), ca_file=ministry.tls.ca_cert))
            holder.start()
            uni.start()
            try:
                wallet = Wallet(holder.client, timeout=60, poll=0.05)
                holder_did = wallet.holder_did()

                started = time.perf_counter()
                for stored_list in by_massar.values():
                    for stored in stored_list:
                        copy = wallet_profile(stored.document)
                        copy["credentialSubject"]["id"] = holder_did
                        ministry.client.issue_credential(copy, proof_type=WALLET_PROOF_TYPE, verification_method=ministry.identity.verification_method)
                direct_s = time.perf_counter() - started

                delivery = WalletDelivery(ministry.client, ministry.archive, verification_method=ministry.identity.verification_method)
                started = time.perf_counter()
                for massar, stored_list in by_massar.items():
                    invitation = delivery.invite(massar, stored_list)
                    accepted = wallet.accept(invitation.url)
                    if len(stored_list) > 1:
                        delivery.refresh(invitation.delivery_id)
                        wallet.receive(accepted.connection_id, count=len(stored_list) - 1)
                    assert delivery.refresh(invitation.delivery_id).state == "delivered"
                didcomm_s = time.perf_counter() - started

                verifier = ministry.verifier()

                def verify(vp: object, *, challenge: str, now: dt.datetime) -> PresentationResult:
                    return verify_presentation(
                        vp, document_loader=verifier.loader, resolver=verifier.resolver, trusted_issuers=verifier.trusted_issuers,
                        now=now, challenge=challenge, status=verifier.status,
                    )

                university = University(uni.client, verify=verify, timeout=60, poll=0.05)
                diplomas = [c for c in wallet.credentials() if "BaccalaureateDiploma" in c.types]
                rounds = min(args.presentations, len(diplomas))
                received = []
                started = time.perf_counter()
                for i in range(rounds):
                    ask = university.ask(baccalaureate_definition([ministry.identity.did]))
                    [request] = wallet.accept(ask.url).requests
                    wallet.present(request.pres_ex_id, record_ids={DIPLOMA_DESCRIPTOR: [diplomas[i].record_id]})
                    verdict = university.check(ask)
                    assert verdict.accepted, verdict.reasons
                    received.append((verdict.presentation, ask.challenge))
                present_s = time.perf_counter() - started
                started = time.perf_counter()
                for presentation, challenge in received:
                    assert verify(presentation, challenge=challenge, now=now()).verified
                local_s = time.perf_counter() - started
            finally:
                holder.stop()
                uni.stop()

    print(f"candidates {len(by_massar)}, credentials {total} (diplomas and transcripts)")
    print(f"{'':38} {'per second':>12} {'ms each':>9}")
    print(f"{'direct signing of wallet copies':38} {total / direct_s:12.1f} {1000 * direct_s / total:9.1f}   (baseline)")
    print(f"{'DIDComm delivery into the wallet':38} {total / didcomm_s:12.1f} {1000 * didcomm_s / total:9.1f}   ratio {didcomm_s / direct_s:.1f}x the baseline's time")
    if rounds:
        print(f"{'local verify of a DIF presentation':38} {rounds / local_s:12.1f} {1000 * local_s / rounds:9.1f}   (baseline)")
        print(f"{'DIDComm request, present and check':38} {rounds / present_s:12.1f} {1000 * present_s / rounds:9.1f}   ratio {present_s / local_s:.1f}x the baseline's time")


if __name__ == "__main__":
    main()
