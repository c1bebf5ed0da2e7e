"""The OpenAPI 3.1 description of the verifier service (served at ``GET /openapi.json``).

Request and response shapes follow the W3C CCG VC API's ``verifier.yml`` (``VerifyCredentialRequest``,
``VerifyPresentationRequest``, ``CreateChallengeResponse``, a verification result of ``verified``,
``checks``, ``warnings``, ``errors``); errors are RFC 9457 problem details with the service's stable
``code``. Pure data: the public URL and the seals' path are the only inputs.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

__all__ = ["openapi_document"]

_PROBLEM = {"$ref": "#/components/schemas/Problem"}


def _problem(description: str, codes: list[str]) -> dict[str, Any]:
    return {
        "description": f"{description} Codes: {', '.join(codes)}.",
        "content": {"application/problem+json": {"schema": _PROBLEM}},
    }


def _failed(description: str, codes: list[str], schema: str = "VerificationResult") -> dict[str, Any]:
    """A 400: the verification result (application/json) or a problem (application/problem+json)."""
    return {
        "description": f"{description} (problem codes: {', '.join(codes)}).",
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}},
            "application/problem+json": {"schema": _PROBLEM},
        },
    }


def _result(description: str, schema: str = "VerificationResult") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


_REQUEST_CODES = ["request.json", "request.invalid", "request.option_unknown", "request.option_invalid"]
_TOO_LARGE = _problem("The body is larger than the service accepts.", ["request.too_large", "scan.too_large", "seal.oversized"])


def _json_body(schema: str, example: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}, "example": example}}}


def openapi_document(*, public_url: str = "", seal_base_url: str = "") -> dict[str, Any]:
    """The OpenAPI document; ``public_url`` becomes the ``servers`` entry when set."""
    seal_path = urlsplit(seal_base_url).path if seal_base_url else "/V/"
    check = {
        "type": "object",
        "required": ["name", "outcome", "code", "message"],
        "properties": {
            "name": {"type": "string", "description": "structure, context, issuer, proof, key, signature, schema, validity, status, archive (credentials); decode, key, signature, holder, archive (seals); structure, context, proof, key, challenge, domain, signature, holder, credentials (presentations); origin, link, share, expiry, credentials (share links)"},
            "outcome": {"enum": ["passed", "failed", "skipped"]},
            "code": {"type": "string", "description": "ok when passed, skipped when skipped, else the stable failure code"},
            "message": {"type": "string"},
        },
    }
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "Shahada verifier (W3C CCG VC API)",
            "version": "1.0.0",
            "description": "Verifies the baccalaureate diplomas and transcripts of the Moroccan ministry of education: "
            "W3C Verifiable Credentials 2.0 (Data Integrity eddsa-rdfc-2022 / eddsa-jcs-2022, Ed25519Signature2020) and their "
            "VC 1.1 wallet copies, Verifiable Presentations (VC 2.0, or VC 1.1 as DIDComm wallets send them: DIF "
            "PresentationSubmission, Ed25519Signature2018) with one-time challenges, the seals printed in QR codes "
            "(docs/seal.md), and the graduate portal's share links. "
            "A credential or presentation that does not verify is a 400 carrying the verification result (verified false); "
            "a seal, document or share link that does not verify is a 200 with verified false; an untrusted but authentic "
            "issuer is reported as trusted false and a warning issuer.untrusted. Other errors are RFC 9457 problem details "
            "with a stable code.",
        },
        "paths": {
            "/credentials/verify": {
                "post": {
                    "operationId": "verifyCredential",
                    "summary": "Verify a Verifiable Credential (every check, then the ministry's records when reachable)",
                    "requestBody": _json_body("VerifyCredentialRequest", {"verifiableCredential": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "issuer": "did:web:diplomes.men.gov.ma", "credentialSubject": {}, "proof": {}}, "options": {}}),
                    "responses": {
                        "200": _result("The credential verified (trusted says whether its issuer is on the trust list)."),
                        "400": _failed("The credential does not verify (the result), or the request is malformed", [*_REQUEST_CODES, "request.credential_missing"]),
                        "413": _TOO_LARGE,
                        "422": _problem("The body is JSON but not a credential.", ["credential.malformed"]),
                    },
                }
            },
            "/presentations/verify": {
                "post": {
                    "operationId": "verifyPresentation",
                    "summary": "Verify a Verifiable Presentation: its authentication proof, challenge, domain, holder binding and every credential",
                    "requestBody": _json_body("VerifyPresentationRequest", {"verifiablePresentation": {}, "options": {"challenge": "from POST /challenges", "domain": "admissions.example.ca"}}),
                    "responses": {
                        "200": _result("The presentation verified.", "PresentationVerificationResult"),
                        "400": _failed("The presentation does not verify (the result), or the request is malformed", [*_REQUEST_CODES, "request.presentation_missing"], "PresentationVerificationResult"),
                        "413": _TOO_LARGE,
                        "422": _problem(
                            "The body is JSON but not a presentation, or a VC 1.1 presentation holding a VC 2.0 credential.",
                            ["presentation.malformed", "presentation.version_mismatch"],
                        ),
                    },
                }
            },
            "/challenges": {
                "post": {
                    "operationId": "createChallenge",
                    "summary": "A one-time challenge (a UUID version 4, as DIDComm present-proof requests need) for options.challenge of "
                    "/presentations/verify (it expires; a second use is refused as challenge.replayed)",
                    "requestBody": {"required": False, "content": {"application/json": {"schema": {"type": "object", "maxProperties": 0}}}},
                    "responses": {
                        "200": {"description": "A new challenge.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreateChallengeResponse"}}}},
                        "400": _problem("The body is not empty.", ["request.json", "request.invalid"]),
                    },
                }
            },
            "/seals/verify": {
                "post": {
                    "operationId": "verifySeal",
                    "summary": "Verify the seal of a printed document: the text or URL of its QR code",
                    "requestBody": _json_body("VerifySealRequest", {"seal": "HTTPS://DIPLOMES.MEN.GOV.MA/V/2KCE3IQB…", "options": {"massar": "R130045678"}}),
                    "responses": {
                        "200": _result("Verification ran; signed fields are in fields when the signature holds.", "SealVerificationResult"),
                        "400": _problem("The request is malformed.", [*_REQUEST_CODES, "request.seal_missing"]),
                        "413": _TOO_LARGE,
                        "422": _problem("The text is no seal.", ["seal.malformed", "seal.truncated", "seal.version"]),
                    },
                }
            },
            "/shares/verify": {
                "post": {
                    "operationId": "verifyShare",
                    "summary": "Verify a graduate portal's share link: fetched only when its origin is in share_origins (else "
                    "share.untrusted, and no request is made), then every credential it holds. The portal's 410 and 404 "
                    "answers, or its being unreachable, are results with verified false.",
                    "requestBody": _json_body("VerifyShareRequest", {"url": "https://portal.example/s/3b1f…"}),
                    "responses": {
                        "200": _result(
                            "Verification ran. Codes: share.untrusted, share.unavailable, share.expired, share.revoked, "
                            "share.unknown, share.malformed, credential.invalid.",
                            "ShareVerificationResult",
                        ),
                        "400": _problem("The request is malformed.", ["request.json", "request.invalid", "request.url_missing"]),
                        "413": _problem("The body is larger than the service accepts.", ["request.too_large"]),
                    },
                }
            },
            "/shares": {
                "get": {
                    "operationId": "sharePage",
                    "summary": "The page of a share link: the verdict, the recipient, the expiry and each credential (HTML, in Arabic, French or English)",
                    "parameters": [
                        {"name": "url", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 2048}},
                        {"name": "lang", "in": "query", "required": False, "schema": {"enum": ["ar", "fr", "en"]}},
                    ],
                    "responses": {"200": {"description": "The result page.", "content": {"text/html": {}}}, "400": {"description": "No link: an error page.", "content": {"text/html": {}}}},
                }
            },
            "/documents/verify": {
                "post": {
                    "operationId": "verifyDocument",
                    "summary": "Verify an uploaded document: a PDF or photo of a printed document (its QR code), a credential or presentation (JSON), or a seal text",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                            "image/png": {"schema": {"type": "string", "format": "binary"}},
                            "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                            "application/json": {"schema": {"type": "object"}},
                            "multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}, "required": ["file"]}},
                        },
                    },
                    "responses": {
                        "200": _result("Verification ran; kind says what was found.", "DocumentVerificationResult"),
                        "400": _problem("The request is empty or malformed.", ["request.invalid"]),
                        "413": _TOO_LARGE,
                        "422": _problem(
                            "Nothing verifiable was found.",
                            ["input.unrecognized", "scan.unreadable", "scan.no_code", "seal.malformed", "seal.truncated", "seal.version", "credential.malformed", "presentation.malformed"],
                        ),
                    },
                }
            },
            seal_path + "{seal}": {
                "get": {
                    "operationId": "sealPage",
                    "summary": "The page a phone opens from a printed QR code: the seal verified at once (HTML, in Arabic, French or English)",
                    "parameters": [
                        {"name": "seal", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[A-Za-z2-7]+$"}},
                        {"name": "lang", "in": "query", "required": False, "schema": {"enum": ["ar", "fr", "en"]}},
                        {"name": "massar", "in": "query", "required": False, "schema": {"type": "string"}},
                    ],
                    "responses": {"200": {"description": "The result page.", "content": {"text/html": {}}}, "422": {"description": "No seal: an error page.", "content": {"text/html": {}}}},
                }
            },
            "/openapi.json": {"get": {"operationId": "openapi", "summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}}}},
            "/healthz": {"get": {"operationId": "health", "summary": "Liveness", "responses": {"200": {"description": "ok", "content": {"application/json": {}}}}}},
        },
        "components": {
            "schemas": {
                "VerifyCredentialRequest": {
                    "type": "object",
                    "required": ["verifiableCredential"],
                    "additionalProperties": False,
                    "properties": {
                        "verifiableCredential": {"type": "object", "description": "A W3C Verifiable Credential with an embedded proof"},
                        "options": {"type": "object", "additionalProperties": False, "properties": {"checks": {"type": "array", "items": {"type": "string"}, "description": "accepted; every check always runs"}}},
                    },
                },
                "VerifyPresentationRequest": {
                    "type": "object",
                    "required": ["verifiablePresentation"],
                    "additionalProperties": False,
                    "properties": {
                        "verifiablePresentation": {"type": "object"},
                        "options": {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {
                                "challenge": {"type": "string", "maxLength": 256, "description": "from POST /challenges; accepted once"},
                                "domain": {"type": "string", "maxLength": 256},
                                "checks": {"type": "array", "items": {"type": "string"}},
                            },
                        },
                    },
                },
                "VerifySealRequest": {
                    "type": "object",
                    "required": ["seal"],
                    "additionalProperties": False,
                    "properties": {
                        "seal": {"type": "string", "description": "the QR code's text or URL (docs/seal.md §1)"},
                        "options": {"type": "object", "additionalProperties": False, "properties": {"massar": {"type": "string", "pattern": "^[A-Za-z0-9]{6,20}$"}}},
                    },
                },
                "VerifyShareRequest": {
                    "type": "object",
                    "required": ["url"],
                    "additionalProperties": False,
                    "properties": {"url": {"type": "string", "maxLength": 2048, "description": "the share link the graduate gave (https://<portal>/s/<token>)"}},
                },
                "CreateChallengeResponse": {
                    "type": "object",
                    "required": ["challenge"],
                    "properties": {"challenge": {"type": "string", "format": "uuid", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"}},
                },
                "Check": check,
                "Warning": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}},
                "Error": {
                    "type": "object",
                    "required": ["type", "code", "check", "detail"],
                    "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "detail": {"type": "string"}, "code": {"type": "string"}, "check": {"type": "string"}},
                },
                "VerificationResult": {
                    "type": "object",
                    "required": ["verified", "checks", "warnings", "errors"],
                    "properties": {
                        "verified": {"type": "boolean"},
                        "trusted": {"type": "boolean", "description": "credentials and presentations: every issuer is on the trust list"},
                        "checks": {"type": "array", "items": {"$ref": "#/components/schemas/Check"}},
                        "warnings": {"type": "array", "items": {"$ref": "#/components/schemas/Warning"}},
                        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/Error"}},
                    },
                },
                "PresentationVerificationResult": {
                    "allOf": [
                        {"$ref": "#/components/schemas/VerificationResult"},
                        {"type": "object", "properties": {"holder": {"type": ["string", "null"]}, "credentialResults": {"type": "array", "items": {"type": "object"}}}},
                    ]
                },
                "SealVerificationResult": {
                    "allOf": [
                        {"$ref": "#/components/schemas/VerificationResult"},
                        {"type": "object", "properties": {"signer": {"type": "string"}, "fields": {"type": "array", "items": {"type": "object", "properties": {"label_fr": {"type": "string"}, "label_ar": {"type": "string"}, "fr": {"type": "string"}, "ar": {"type": "string"}}}}}},
                    ]
                },
                "ShareVerificationResult": {
                    "allOf": [
                        {"$ref": "#/components/schemas/VerificationResult"},
                        {
                            "type": "object",
                            "required": ["recipient", "expires", "credentialResults"],
                            "properties": {
                                "recipient": {"type": ["string", "null"], "description": "the name the graduate typed when sharing (not signed)"},
                                "expires": {"type": ["string", "null"], "description": "the link's expiry, ISO 8601 UTC, as the portal gave it"},
                                "credentialResults": {"type": "array", "items": {"type": "object"}, "description": "each credential's verified, checks and errors"},
                            },
                        },
                    ]
                },
                "DocumentVerificationResult": {
                    "allOf": [
                        {"$ref": "#/components/schemas/VerificationResult"},
                        {"type": "object", "required": ["kind"], "properties": {"kind": {"enum": ["credential", "presentation", "seal"]}}},
                    ]
                },
                "Problem": {
                    "type": "object",
                    "required": ["type", "title", "status", "detail", "code"],
                    "properties": {
                        "type": {"type": "string", "description": "urn:shahada:problem:<code>"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                        "code": {"type": "string", "description": "stable machine code"},
                    },
                },
            }
        },
    }
    if public_url:
        document["servers"] = [{"url": public_url.rstrip("/")}]
    return document
