"""Adding documents to the wallet through the real app, with a stand-in for
``shahada.issuer.delivery.WalletDelivery`` (same interface): the invitation as a QR code served by the
portal and a deep link, the state the page polls, and only for the graduate it was made for."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from shahada.issuer.archive.status import StatusStore
from shahada.verifier.scan import read_qr_texts
from tests.issuer.portal.conftest import NOW, PUBLIC_URL, Candidate, Clock, FakeDelivery, html, post, sign_in


def offer(client: FlaskClient) -> str:
    response = post(client, "/wallet")
    assert response.status_code == 303, html(response)
    found = re.fullmatch(r"/wallet/([0-9a-f-]+)/offer", response.headers["Location"])
    assert found, response.headers["Location"]
    return found.group(1)


def test_the_invitation_page_shows_a_qr_code_of_the_invitation_and_the_deep_link(client: FlaskClient, graduate: Candidate, outbox: Path, delivery: FakeDelivery) -> None:
    sign_in(client, graduate, outbox)
    assert 'data-action="wallet"' in html(client.get("/documents"))
    delivery_id = offer(client)
    massar, offered = delivery.invited[delivery_id]
    assert massar == graduate.massar and sorted(offered) == sorted(c.id for c in graduate.credentials)
    page = html(client.get(f"/wallet/{delivery_id}/offer?lang=ar"))
    deep = re.search(r'href="([^"]+)" data-link="deep"', page)
    url = re.search(r'href="([^"]+)" dir="ltr" class="url" data-link="url"', page)
    short = re.search(r'href="([^"]+)" dir="ltr" class="url" data-link="short"', page)
    assert deep and deep.group(1).startswith("didcomm://invite?oob=") and url and "?oob=" in url.group(1) and short
    assert len(url.group(1)) > 3000  # more than a QR code holds: the QR code holds the short link
    assert f'src="/wallet/{delivery_id}/qr.png"' in page and 'dir="rtl"' in page
    qr = client.get(f"/wallet/{delivery_id}/qr.png")
    assert qr.status_code == 200 and qr.mimetype == "image/png"
    assert read_qr_texts(qr.data) == [short.group(1)]  # what a phone camera reads
    assert re.fullmatch(re.escape(PUBLIC_URL) + r"/i/[A-Za-z0-9_-]{30}", short.group(1))
    assert f'data-poll="/wallet/{delivery_id}"' in page and "/static/portal.js" in page


def test_the_short_link_gives_a_wallet_the_invitation(client: FlaskClient, graduate: Candidate, outbox: Path, delivery: FakeDelivery, clock: Clock) -> None:
    sign_in(client, graduate, outbox)
    delivery_id = offer(client)
    short = re.search(r'href="([^"]+)" dir="ltr" class="url" data-link="short"', html(client.get(f"/wallet/{delivery_id}/offer")))
    assert short
    path = short.group(1).removeprefix(PUBLIC_URL)
    wallet = FlaskClient(client.application)  # the wallet app: no session
    as_json = wallet.get(path, headers={"Accept": "application/json"})
    assert as_json.status_code == 200 and json.loads(as_json.data) == delivery.invite_documents[delivery_id]
    redirected = wallet.get(path)
    assert redirected.status_code == 302 and redirected.headers["Location"].startswith("http://127.0.0.1:8020?oob=")
    clock.advance(minutes=60)
    expired = wallet.get(path, headers={"Accept": "application/json"})
    assert expired.status_code == 410 and json.loads(expired.data)["code"] == "invitation.expired"
    unknown = wallet.get("/i/" + "A" * 30, headers={"Accept": "application/json"})
    assert unknown.status_code == 404 and json.loads(unknown.data)["code"] == "invitation.unknown"
    page = wallet.get("/i/" + "A" * 30, headers={"Accept-Language": "fr"})
    assert page.status_code == 404 and "Cette invitation de portefeuille n&#39;existe pas." in html(page)


def test_the_state_endpoint_follows_the_delivery(client: FlaskClient, graduate: Candidate, outbox: Path, delivery: FakeDelivery) -> None:
    sign_in(client, graduate, outbox)
    delivery_id = offer(client)
    response = client.get(f"/wallet/{delivery_id}")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert json.loads(response.data) == {"state": "invited", "holder_did": None}
    delivery.states[delivery_id] = ("delivered", "did:key:z6MkHolder")
    assert json.loads(client.get(f"/wallet/{delivery_id}").data) == {"state": "delivered", "holder_did": "did:key:z6MkHolder"}


def test_another_graduates_delivery_is_404(make_app: Callable[..., Flask], graduates: list[Candidate], outbox: Path) -> None:
    app = make_app()
    mine, theirs = app.test_client(), app.test_client()
    sign_in(mine, graduates[0], outbox)
    sign_in(theirs, graduates[1], outbox)
    delivery_id = offer(theirs)
    for path in (f"/wallet/{delivery_id}", f"/wallet/{delivery_id}/offer", f"/wallet/{delivery_id}/qr.png"):
        response = mine.get(path, headers={"Accept-Language": "fr"})
        assert response.status_code == 404, path
    problem = mine.get(f"/wallet/{delivery_id}")
    assert problem.mimetype == "application/problem+json" and json.loads(problem.data)["code"] == "delivery.unknown"
    assert 'data-code="delivery.unknown"' in html(mine.get(f"/wallet/{delivery_id}/offer"))
    assert json.loads(mine.get("/wallet/no-such-delivery").data)["code"] == "delivery.unknown"


def test_polling_without_a_sign_in_is_401(client: FlaskClient, graduate: Candidate, outbox: Path) -> None:
    sign_in(client, graduate, outbox)
    delivery_id = offer(client)
    anonymous = FlaskClient(client.application)
    response = anonymous.get(f"/wallet/{delivery_id}")
    assert response.status_code == 401 and json.loads(response.data)["code"] == "signin.required"
    assert anonymous.get(f"/wallet/{delivery_id}/offer").status_code == 303


def test_only_valid_documents_are_offered(client: FlaskClient, graduate: Candidate, outbox: Path, delivery: FakeDelivery, status: StatusStore) -> None:
    status.set_status(graduate.of_kind("transcript").id, "revocation", True, reason="test", at=NOW)
    sign_in(client, graduate, outbox)
    delivery_id = offer(client)
    assert delivery.invited[delivery_id][1] == [graduate.of_kind("diploma").id]
    status.set_status(graduate.of_kind("diploma").id, "suspension", True, reason="test", at=NOW)
    response = post(client, "/wallet", headers={"Accept-Language": "fr"})
    assert response.status_code == 422 and 'data-code="wallet.nothing"' in html(response)


def test_without_a_delivery_service_there_is_no_button_and_posting_is_503(make_app: Callable[..., Flask], graduate: Candidate, outbox: Path) -> None:
    client = make_app(delivery=None).test_client()
    sign_in(client, graduate, outbox)
    assert 'data-action="wallet"' not in html(client.get("/documents"))
    response = post(client, "/wallet", headers={"Accept-Language": "en"})
    assert response.status_code == 503 and "Sending to a wallet is not available at the moment." in html(response)


def test_offering_needs_the_form_token(client: FlaskClient, graduate: Candidate, outbox: Path, delivery: FakeDelivery) -> None:
    sign_in(client, graduate, outbox)
    response = client.post("/wallet", data={})
    assert response.status_code == 400 and 'data-code="form.csrf"' in html(response) and delivery.invited == {}


def test_a_failing_delivery_service_is_503(make_app: Callable[..., Flask], graduate: Candidate, outbox: Path) -> None:
    from shahada.agent.errors import AgentUnavailableError
    from shahada.issuer.delivery import DeliveryError

    class Refusing(FakeDelivery):
        def invite(self, massar: str, credentials: Any) -> Any:
            raise DeliveryError("the agent refused the wallet offer", code="delivery.agent")

        def refresh(self, delivery_id: str) -> Any:
            raise AgentUnavailableError("connection refused")

    client = make_app(delivery=Refusing()).test_client()
    sign_in(client, graduate, outbox)
    response = post(client, "/wallet", headers={"Accept-Language": "fr"})
    assert response.status_code == 503 and 'data-code="wallet.unavailable"' in html(response)
    working = FakeDelivery()
    client = make_app(delivery=working).test_client()
    sign_in(client, graduate, outbox)
    delivery_id = offer(client)
    working.refresh = Refusing().refresh  # type: ignore[method-assign]
    answer = client.get(f"/wallet/{delivery_id}")
    assert answer.status_code == 503 and json.loads(answer.data)["code"] == "wallet.unavailable"
