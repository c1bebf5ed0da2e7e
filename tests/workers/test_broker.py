"""Work handed to a broker that cannot be reached is a domain error (``worker.broker_unavailable``),
not kombu's traceback: ``revoke --distributed`` and the coordinators then say what to do."""

from __future__ import annotations

import pytest

from shahada.workers.app import make_app
from shahada.workers.errors import BrokerUnavailableError
from shahada.workers.publication import enqueue_publication


def test_a_broker_that_cannot_be_reached_is_a_domain_error() -> None:
    app = make_app({"SHAHADA_BROKER_URL": "redis://127.0.0.1:1/0"})  # nothing listens on port 1
    with pytest.raises(BrokerUnavailableError) as caught:
        enqueue_publication(app, [("revocation", 0)])
    assert caught.value.code == "worker.broker_unavailable"
    assert "run the command again" in str(caught.value)
