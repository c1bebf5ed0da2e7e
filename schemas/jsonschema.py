"""Validate a baccalaureate credential against its JSON Schema (JSON Schema draft 2020-12).

VC DM 2.0 "Data Schemas": a credential names its schema in ``credentialSchema`` (type
``JsonSchema``); the schemas are the bundled files ``schemas/json/baccalaureate-*-v1.json``, read
once. Which schema applies is decided by the credential's ``type``, never by the ``credentialSchema``
URL it carries (an attacker chooses that one; the schema then requires it to be the right one).

Errors come back as data, one line each: ``<JSON path>: <reason>``, e.g.
``$.credentialSubject.massarCode: 'R12' does not match ^[A-Z][0-9]{9}$``.

Both :func:`validate_credential` (the verifier's check) and :func:`check_signable` (the issuer's
check before signing: the schema and the size limit of an unsigned credential,
:data:`CREDENTIAL_MAX_BYTES`) answer a conforming credential from the schema compiled by
jsonschema-rs (~15 µs instead of ~2 ms, with this module's own ``date``/``date-time`` checks);
``jsonschema`` runs only on a credential jsonschema-rs refuses, to explain it (and it alone decides:
where the two differ, as on a trailing newline that Python's ``$`` lets through, its answer stands).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cache
from typing import Any, Final

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from shahada.schemas.errors import SchemaError
from shahada.schemas.loader import schemas_dir

__all__ = ["CREDENTIAL_MAX_BYTES", "NAME_MAX_LENGTH", "SCHEMA_FILES", "check_signable", "schema", "validate_credential"]

# Credential type → bundled schema file. A new version of a document gets a new file and $id.
SCHEMA_FILES: Final[dict[str, str]] = {
    "BaccalaureateDiploma": "baccalaureate-diploma-v1.json",
    "BaccalaureateTranscript": "baccalaureate-transcript-v1.json",
}
_DATE_TIME: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})"
)
_SHOWN: Final = 120  # characters of an offending value quoted in a message
# The longest name or place value (``$defs`` ``personName`` and ``place`` of both schemas; a test
# holds them equal): the PV rules refuse longer cells, so a PV that passes is one the verifier accepts.
NAME_MAX_LENGTH: Final = 100
# An unsigned credential as compact UTF-8 JSON. A transcript of the longest stream with names at
# their limit is under 10 KB; the agent's admin API takes requests of up to 1 MiB (ACA-Py's
# admin_client_max_request_size), which leaves room for the proof, status entries and the request.
CREDENTIAL_MAX_BYTES: Final = 64 * 1024


def _is_date_time(instance: object) -> bool:
    """RFC 3339 date-time (jsonschema only checks it with an optional package: we add none)."""
    if not isinstance(instance, str):
        return True
    return bool(_DATE_TIME.fullmatch(instance)) and datetime.fromisoformat(instance.replace("Z", "+00:00")) is not None


def _format_checker() -> FormatChecker:
    checker = FormatChecker()  # a private instance: the package-wide FORMAT_CHECKER stays untouched
    checker.checks("date-time", raises=ValueError)(_is_date_time)
    return checker


@cache
def _validator(credential_type: str) -> Draft202012Validator:
    raw = schema(credential_type)
    Draft202012Validator.check_schema(raw)
    return Draft202012Validator(raw, format_checker=_format_checker())


@cache
def _schema_text(credential_type: str) -> str:
    path = schemas_dir() / "json" / SCHEMA_FILES[credential_type]
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        raise SchemaError(f"cannot read the JSON Schema {path}: {err}") from err


def _format_check(name: str) -> Callable[[str], bool]:
    """The format check ``jsonschema`` runs (:func:`_format_checker`), for jsonschema-rs: its own
    ``date-time`` accepts a lowercase ``t``/``z`` and a leap second, which ours refuses."""
    checker = _format_checker()

    def check(instance: str) -> bool:
        return bool(checker.conforms(instance, name))

    return check


@cache
def _compiled(credential_type: str) -> jsonschema_rs.Validator:
    formats = {name: _format_check(name) for name in ("date", "date-time")}
    return jsonschema_rs.Draft202012Validator(schema(credential_type), validate_formats=True, formats=formats)


def _conforms(credential_type: str, credential: dict[str, Any]) -> bool:
    """Whether jsonschema-rs finds ``credential`` valid (~15 µs instead of ~2 ms); False also when it
    cannot read it (a value outside JSON's types): :func:`validate_credential` then decides."""
    try:
        return bool(_compiled(credential_type).is_valid(credential))
    except (ValueError, TypeError, OverflowError, RecursionError):
        return False


def check_signable(credential: dict[str, Any]) -> list[str]:
    """What stops ``credential`` from being signed and accepted: its size and its JSON Schema.

    The yes/no answer comes from the compiled schema; the reasons, when there are some, from
    :func:`validate_credential`, the verifier's own check (a test holds the two in agreement).

    Returns:
        Problems as ``"<JSON path>: <reason>"`` strings; empty when the credential may be signed.
    """
    problems: list[str] = []
    size = len(json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode())
    if size > CREDENTIAL_MAX_BYTES:
        problems.append(f"$: the credential is {size} bytes of JSON, more than {CREDENTIAL_MAX_BYTES}")
    types = credential.get("type")
    known = [name for name in SCHEMA_FILES if isinstance(types, list) and name in types]
    if len(known) != 1 or not _conforms(known[0], credential):
        problems += validate_credential(credential) or ["$: does not conform to its JSON Schema"]
    return problems


def schema(credential_type: str) -> dict[str, Any]:
    """A fresh copy of the JSON Schema for ``credential_type`` (e.g. to publish at its ``$id``)."""
    loaded: dict[str, Any] = json.loads(_schema_text(credential_type))
    return loaded


def validate_credential(credential: dict[str, Any]) -> list[str]:
    """Check a diploma or transcript, unsigned or signed, against the schema its ``type`` names.

    Args:
        credential: the parsed JSON document.

    Returns:
        Problems as ``"<JSON path>: <reason>"`` strings, sorted by path; empty when valid.

    Raises:
        SchemaError: ``schema.error`` if a bundled schema file cannot be read (our bug, not input).
    """
    if not isinstance(credential, dict):
        return [f"$: expected a JSON object, got {_json_type(credential)}"]
    types = credential.get("type")
    names = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    known = [name for name in SCHEMA_FILES if name in names]
    if len(known) != 1:
        expected = " or ".join(SCHEMA_FILES)
        return [f"$.type: expected exactly one of {expected} (with VerifiableCredential), got {_show(types)}"]
    if _conforms(known[0], credential):  # the common case; a test holds the two validators in agreement
        return []
    validator = _validator(known[0])
    errors = _leaves(validator.iter_errors(credential))
    return sorted({f"{error.json_path}: {_reason(error, validator.schema)}" for error in errors})


def _leaves(errors: Iterable[ValidationError]) -> Iterable[ValidationError]:
    """For anyOf/oneOf failures, report the sub-errors of the closest alternative, not the union."""
    for error in errors:
        if error.validator in ("anyOf", "oneOf") and error.context:
            deepest = max(len(e.absolute_path) for e in error.context)
            yield from _leaves(e for e in error.context if len(e.absolute_path) == deepest)
        else:
            yield error


def _reason(error: ValidationError, root: Any) -> str:
    """A short reason: the schema's keyword and the offending value, truncated (no document dumps)."""
    keyword, expected, value = error.validator, error.validator_value, error.instance
    match keyword:
        case "required" | "additionalProperties" | "dependentRequired" | "format":
            message = str(error.message)
            return message if len(message) <= 200 else message[:200] + "…"
        case "uniqueItems":
            return "items must be unique"
        case "type":
            return f"expected {expected}, got {_json_type(value)}"
        case "pattern":
            return f"{_show(value)} does not match {expected}"
        case "const":
            return f"expected {_show(expected)}, got {_show(value)}"
        case "enum" if isinstance(expected, list):
            return f"expected one of {', '.join(_show(v) for v in expected)}, got {_show(value)}"
        case "minItems" | "maxItems" | "minLength" | "maxLength" | "minimum" | "maximum":
            size = len(value) if isinstance(value, (list, str)) else value
            return f"{keyword} is {expected}, got {size}"
        case "contains" | "minContains" | "maxContains" if isinstance(error.schema, dict):
            return f"must contain {_show(error.schema.get('contains', {}).get('const'))} exactly once"
        case "items" | "prefixItems" if expected is False:
            return "no further items are allowed"
        case "not" if expected == {}:  # the schemas' way to forbid a property in one case
            return f"not allowed here: {_condition(root, error)}"
        case _:
            return f"fails {keyword}"


def _condition(root: Any, error: ValidationError) -> str:
    """The description of the if/then/else rule that failed (each such rule has one)."""
    found, node = "a conditional rule of the schema", root
    for key in error.absolute_schema_path:
        node = node[key]
        if isinstance(node, dict) and "if" in node and "description" in node:
            found = node["description"]
    return found


def _show(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _json_type(value: object) -> str:
    match value:
        case None:
            return "null"
        case bool():
            return "boolean"
        case int() | float():
            return "number"
        case str():
            return "string"
        case list():
            return "array"
        case dict():
            return "object"
        case _:
            return type(value).__name__
