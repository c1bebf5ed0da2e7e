"""The verifier service counts each verification once, by kind, verdict and first failure code
(verifier/web/counting.py): through the real app and the real checks, over every entry point;
``GET /metrics/traffic`` answers them only to the holder of the metrics token."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Flask

from shahada.printing.qr import make_qr
from shahada.schemas.loader import PinnedDocumentLoader
from shahada.verifier.traffic import CountKey, Traffic
from shahada.verifier.web import SERVICE_KEY
from tests.support.local_sealer import LocalSealer
from tests.support.local_signer import LocalKey
from tests.verifier.web.conftest import make_app

DAY = dt.date(2026, 7, 14)
TOKEN = "metrics-token-for-the-test-0123456789"


def counts(app: Flask) -> dict[tuple[str, str, str], int]:
    traffic: Traffic = app.config[SERVICE_KEY].traffic
    assert all(k.day == DAY for k in traffic.totals())
    return {(k.kind, k.verdict, k.code): n for k, n in traffic.totals().items()}


def counting_app(issuer_key: LocalKey, sealer: LocalSealer, loader: PinnedDocumentLoader) -> Flask:
    app = make_app(issuer_key, sealer, loader)
    app.config[SERVICE_KEY].traffic = Traffic(today=lambda: DAY)
    return app


def test_each_verification_is_counted_once_by_kind_and_outcome(
    issuer_key: LocalKey, sealer: LocalSealer, loader: PinnedDocumentLoader, genuine: dict[str, Any], seal: str,
    present: Callable[..., dict[str, Any]],
) -> None:
    app = counting_app(issuer_key, sealer, loader)
    client = app.test_client()
    tampered = copy.deepcopy(genuine)
    tampered["credentialSubject"]["name"] = "Someone Else"
    client.post("/credentials/verify", json={"verifiableCredential": genuine})
    client.post("/credentials/verify", json={"verifiableCredential": tampered})
    client.post("/seals/verify", json={"seal": seal})
    client.post("/documents/verify", data=make_qr(seal).png(scale=4), content_type="image/png")  # a photo holding a seal: one photo
    client.post("/documents/verify", json={"verifiablePresentation": present([genuine])})  # a presentation holding a credential: one
    client.post("/documents/verify", data=b"hello", content_type="text/plain")
    client.post("/verify", data={"text": seal})  # the home page's form
    assert counts(app) == {
        ("credential", "valid", ""): 1,
        ("credential", "invalid", "signature.invalid"): 1,
        ("seal", "valid", ""): 2,
        ("photo", "valid", ""): 1,
        ("presentation", "valid", ""): 1,
        ("document", "error", "seal.malformed"): 1,  # text that is neither JSON nor a seal
    }


def test_metrics_answer_only_the_token_holder(issuer_key: LocalKey, sealer: LocalSealer, loader: PinnedDocumentLoader, seal: str) -> None:
    closed = make_app(issuer_key, sealer, loader)
    assert closed.test_client().get("/metrics/traffic").status_code == 404  # no token configured: no such path
    app = counting_app(issuer_key, sealer, loader)
    app.config["SHAHADA_VERIFIER_METRICS_TOKEN"] = TOKEN
    client = app.test_client()
    client.post("/seals/verify", json={"seal": seal})
    assert client.get("/metrics/traffic").status_code == 401
    assert client.get("/metrics/traffic", headers={"Authorization": "Bearer wrong"}).status_code == 401
    answer = client.get("/metrics/traffic", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert answer.get_json()["counts"] == [{"day": DAY.isoformat(), "kind": "seal", "verdict": "valid", "code": "", "count": 1}]
    assert CountKey(DAY, "seal", "valid", "") in app.config[SERVICE_KEY].traffic.totals()
