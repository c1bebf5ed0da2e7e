"""The VC API issuer service: ``POST /credentials/issue`` (W3C CCG Verifiable Credentials API,
"Issue Credential"), signing through the ministry's agent, behind a bearer token.

``create_app(service)`` is the application factory (``shahada.issuer.api.service.IssuerService`` holds
everything explicit: the signer, the ministry's DID and key, the pinned loader, the token, the
suites); the blueprint is in ``routes.py``; one error handler renders every error as RFC 9457
problem+json with a stable ``code`` (``problems.py``). ``server.py`` runs it with waitress;
``shahada serve issuer`` is the command.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from shahada.common.problems import render_error
from shahada.issuer.api.errors import BadRequestError, IssuerAPIError, UnauthorizedError, UnprocessableCredentialError
from shahada.issuer.api.routes import SERVICE_KEY, bp
from shahada.issuer.api.service import AgentCredentialSigner, IssuerService

LOGGER = logging.getLogger(__name__)
MAX_BODY_BYTES = 1 << 20  # a baccalaureate transcript is ~10 KiB


def create_app(service: IssuerService, *, max_body_bytes: int = MAX_BODY_BYTES) -> Flask:
    """The VC API issuer application for ``service``."""
    app = Flask("shahada.issuer.api")
    app.config[SERVICE_KEY] = service
    app.config["MAX_CONTENT_LENGTH"] = max_body_bytes
    app.register_blueprint(bp)
    app.register_error_handler(Exception, _render)
    return app


def _render(err: Exception) -> Any:
    """The one error handler (:func:`shahada.common.problems.render_error`): domain errors with their
    code and status, HTTP errors (404, 405, 413) with ``http.<status>``, anything else a 500 that
    is our bug; a 401 says which scheme to use."""
    headers = {"WWW-Authenticate": 'Bearer realm="shahada-issuer"'} if isinstance(err, UnauthorizedError) else None
    return render_error(err, logger=LOGGER, headers=headers)


__all__ = [
    "AgentCredentialSigner",
    "BadRequestError",
    "IssuerAPIError",
    "IssuerService",
    "UnauthorizedError",
    "UnprocessableCredentialError",
    "create_app",
]
