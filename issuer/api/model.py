"""Data model checks the VC API issuer makes before signing (VC Data Model 2.0), each refused with
its own stable code (422):

=============================  ============================================================================
``credential.date``            ``validFrom`` / ``validUntil`` not an XML Schema 1.1 ``dateTimeStamp`` (§4.9:
                               a date-time *with* its time zone offset)
``credential.type_missing``    a ``credentialStatus``, ``credentialSchema``, ``refreshService``,
                               ``termsOfUse`` or ``evidence`` object without a ``type`` (§4.5 "Types":
                               each MUST specify one), or a ``type`` that is not terms or URLs
``credential.id``              an ``id`` of those objects, or of ``credentialSchema`` (required there, §4.11),
                               that is not one URL (§4.4 "Identifiers")
``credential.related_resource``  ``relatedResource`` not objects each with a unique URL ``id`` and a
                               ``digestSRI`` or ``digestMultibase`` (§5.3 "Integrity of Related Resources")
=============================  ============================================================================

Pure; what the structure check (``shahada.schemas.document.structure_problem``) already covers
(``@context``, ``type``, ``issuer``, ``credentialSubject``) is not repeated here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

# XML Schema 1.1 Part 2 §3.4.28 dateTimeStamp: dateTime with a required timezone
_DATE_TIME_STAMP: Final = re.compile(
    r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})$"
)
_URL: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")  # an absolute IRI: a scheme, then no blanks
TYPED: Final = ("credentialStatus", "credentialSchema", "refreshService", "termsOfUse", "evidence")


def is_date_time_stamp(value: Any) -> bool:
    if not isinstance(value, str) or not _DATE_TIME_STAMP.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False  # e.g. month 13 or hour 25
    return True


def is_url(value: Any) -> bool:
    return isinstance(value, str) and bool(_URL.match(value))


def _objects(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def model_problem(credential: Mapping[str, Any]) -> tuple[str, str] | None:
    """(code, message) of the first data model rule ``credential`` breaks, or None."""
    for key in ("validFrom", "validUntil"):
        if key in credential and not is_date_time_stamp(credential[key]):
            return "credential.date", f"{key} {credential[key]!r} is not an XML Schema dateTimeStamp (e.g. 2025-07-01T00:00:00Z)"
    for key in TYPED:
        if key not in credential:
            continue
        for item in _objects(credential[key]):
            if not isinstance(item, Mapping):
                return "credential.type_missing", f"each {key} must be an object with a type"
            types = item.get("type")
            names = types if isinstance(types, list) else [types]
            if types is None or not names or not all(isinstance(t, str) and t for t in names):
                return "credential.type_missing", f"each {key} object must have a type (terms or URLs)"
            if ("id" in item or key == "credentialSchema") and not is_url(item.get("id")):
                return "credential.id", f"the id of a {key} object must be one URL"
    if "relatedResource" in credential:
        seen: set[str] = set()
        for item in _objects(credential["relatedResource"]):
            if not isinstance(item, Mapping) or not is_url(item.get("id")):
                return "credential.related_resource", "each relatedResource must be an object with a URL id"
            if item["id"] in seen:
                return "credential.related_resource", f"relatedResource {item['id']} is listed twice"
            seen.add(item["id"])
            if not any(isinstance(item.get(k), (str, list)) and item.get(k) for k in ("digestSRI", "digestMultibase")):
                return "credential.related_resource", f"relatedResource {item['id']} has neither digestSRI nor digestMultibase"
    return None
