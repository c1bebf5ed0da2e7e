"""The site's status routes: status list credentials and the public registry.

- ``GET /status/<purpose>/<n>`` — the signed ``BitstringStatusListCredential`` (W3C Bitstring Status
  List 1.0 §2.2), ``application/vc+ld+json``, with a strong ``ETag`` (a ``304`` on ``If-None-Match``)
  and ``Cache-Control: public, max-age=<ttl in seconds>`` so that caches and verifiers agree with the
  list's own ``ttl`` (§2.2);
- ``GET /registry/<credential id>`` — what the ministry's records say of one credential: its status
  and the digest of its record from the PV. Nothing personal: the digest is a SHA-256 of the
  JCS-canonical subject, useless without the credential itself.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from flask import Flask, Response, request

from shahada.status.lists import parse_list_path


class Published(Protocol):
    @property
    def body(self) -> str: ...

    @property
    def etag(self) -> str: ...

    @property
    def ttl_ms(self) -> int: ...


class StatusLists(Protocol):
    def published(self, purpose: str, number: int) -> Published | None: ...

    def registry_entry(self, credential_id: str) -> dict[str, Any] | None: ...


def register_status_routes(app: Flask, lists: StatusLists) -> None:
    """Add the status list and registry routes to the site ``app``."""

    @app.get("/status/<purpose>/<number>")
    def status_list(purpose: str, number: str) -> Response:
        parsed = parse_list_path(f"/status/{purpose}/{number}")
        found = lists.published(*parsed) if parsed else None
        if found is None:
            return _problem(404, "status.not_found", "no such status list")
        max_age = max(0, found.ttl_ms // 1000)
        headers = {
            "ETag": found.etag,
            "Cache-Control": f"public, max-age={max_age}",
            "Access-Control-Allow-Origin": "*",
        }
        if found.etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            return Response(status=304, headers=headers)
        return Response(found.body, mimetype="application/vc+ld+json", headers=headers)

    @app.get("/registry/<credential_id>")
    def registry(credential_id: str) -> Response:
        entry = lists.registry_entry(credential_id) if len(credential_id) <= 100 else None
        if entry is None:
            return _problem(404, "registry.unknown", "the ministry has no record of this credential")
        response = Response(json.dumps(entry, ensure_ascii=False), mimetype="application/json")
        response.headers["Cache-Control"] = "public, max-age=60"
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response


def _problem(status: int, code: str, detail: str) -> Response:
    body = {"type": "about:blank", "title": detail, "status": status, "detail": detail, "code": code}
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")
