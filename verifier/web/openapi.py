"""The OpenAPI 3.1 description of the verifier service (served at ``GET /openapi.json``).

The document is ``openapi.json``, shipped as package data. Request and response shapes follow the
W3C CCG VC API's ``verifier.yml`` (``VerifyCredentialRequest``, ``VerifyPresentationRequest``,
``CreateChallengeResponse``, a verification result of ``verified``, ``checks``, ``warnings``,
``errors``); errors are RFC 9457 problem details with the service's stable ``code``. The public URL
and the seals' path are the only inputs.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

__all__ = ["openapi_document"]

SEAL_PATH = "/V/"  # the seals' path in openapi.json; replaced by the installation's


@cache
def _bundled() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((resources.files(__package__) / "openapi.json").read_text(encoding="utf-8"))
    return document


def openapi_document(*, public_url: str = "", seal_base_url: str = "") -> dict[str, Any]:
    """The OpenAPI document; ``public_url`` becomes the ``servers`` entry when set."""
    document = copy.deepcopy(_bundled())
    seal_path = urlsplit(seal_base_url).path if seal_base_url else SEAL_PATH
    document["paths"] = {(seal_path + key.removeprefix(SEAL_PATH) if key.startswith(SEAL_PATH) else key): value for key, value in document["paths"].items()}
    if public_url:
        document["servers"] = [{"url": public_url.rstrip("/")}]
    return document
