"""The presentation definition a university sends (DIF Presentation Exchange 2.0).

One input descriptor per document. Each asks for a credential whose expanded type is the
ministry's ``BaccalaureateDiploma`` (or ``BaccalaureateTranscript``), whose ``issuer`` is one of
the trusted ministry DIDs, and whose subject is the presenter (``is_holder`` on
``credentialSubject.id``: the wallet must sign the presentation with the subject's key).

ACA-Py (the agents on both sides here) wants field ids that are UUID4s.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Final

VOCAB: Final = "https://diplomes.men.gov.ma/vocab#"
DIPLOMA_DESCRIPTOR: Final = "baccalaureate_diploma"
TRANSCRIPT_DESCRIPTOR: Final = "baccalaureate_transcript"


def _descriptor(descriptor_id: str, type_name: str, label: str, issuers: Sequence[str]) -> dict[str, Any]:
    issuer_field, subject_field = str(uuid.uuid4()), str(uuid.uuid4())
    return {
        "id": descriptor_id,
        "name": label,
        "schema": [{"uri": VOCAB + type_name}],
        "constraints": {
            "is_holder": [{"field_id": [subject_field], "directive": "required"}],
            "fields": [
                {
                    "id": issuer_field,
                    "path": ["$.issuer.id", "$.issuer"],
                    "purpose": "issued by the ministry of education",
                    "filter": {"type": "string", "enum": list(issuers)},
                },
                {"id": subject_field, "path": ["$.credentialSubject.id"], "purpose": "held by the presenter"},
            ],
        },
    }


def baccalaureate_definition(issuers: Sequence[str], *, transcript: bool = False, purpose: str = "admission") -> dict[str, Any]:
    """The definition for a diploma (and the transcript when ``transcript``) from ``issuers``.

    Raises:
        ValueError: no issuer given (a definition that trusts nobody cannot be answered).
    """
    if not issuers:
        raise ValueError("a presentation definition needs at least one trusted issuer")
    descriptors = [_descriptor(DIPLOMA_DESCRIPTOR, "BaccalaureateDiploma", "Baccalaureate diploma", issuers)]
    if transcript:
        descriptors.append(_descriptor(TRANSCRIPT_DESCRIPTOR, "BaccalaureateTranscript", "Baccalaureate transcript", issuers))
    return {
        "id": str(uuid.uuid4()),
        "name": "Baccalauréat (Maroc)",
        "purpose": purpose,
        # ACA-Py answers ldp_vp requests only; whatever is asked here, its holders sign DIF
        # presentations with Ed25519Signature2018 (and filter the credentials by 2018 if that is
        # listed), so the definition names the suite of the credentials, Ed25519Signature2020
        "format": {"ldp_vp": {"proof_type": ["Ed25519Signature2020"]}},
        "input_descriptors": descriptors,
    }
