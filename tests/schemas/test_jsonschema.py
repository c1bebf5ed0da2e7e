"""schemas/jsonschema.py and schemas/json/*.json: the credentials' JSON Schemas (draft 2020-12)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from shahada.schemas.credential import DIPLOMA_SCHEMA_ID, TRANSCRIPT_SCHEMA_ID
from shahada.schemas.jsonschema import CREDENTIAL_MAX_BYTES, NAME_MAX_LENGTH, SCHEMA_FILES, check_signable, schema, validate_credential
from shahada.schemas.loader import schemas_dir

PROOF = {
    "type": "Ed25519Signature2020",
    "created": "2025-07-15T10:00:00+00:00",
    "verificationMethod": "did:web:diplomes.men.gov.ma#key-1",
    "proofPurpose": "assertionMethod",
    "proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKods5D2UAUL5n2Brbx",
}
STATUS = {
    "id": "https://diplomes.men.gov.ma/status/2025/1#94567",
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": "94567",
    "statusListCredential": "https://diplomes.men.gov.ma/status/2025/1",
}


def test_schemas_are_valid_2020_12_and_bundled() -> None:
    assert {schema(t)["$id"] for t in SCHEMA_FILES} == {DIPLOMA_SCHEMA_ID, TRANSCRIPT_SCHEMA_ID}
    for credential_type, name in SCHEMA_FILES.items():
        raw = schema(credential_type)
        assert raw["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(raw)
        assert (schemas_dir() / "json" / name).is_file()
        subject = raw["properties"]["credentialSubject"]
        assert subject["additionalProperties"] is False
        assert raw["properties"]["credentialSchema"]["properties"]["id"]["const"] == raw["$id"]


def test_built_credentials_validate(case: Any) -> None:
    for document in case.credentials().values():
        assert validate_credential(document) == []


def test_signed_credentials_validate(case: Any) -> None:
    for document in case.credentials().values():
        assert validate_credential({**document, "proof": PROOF}) == []
        assert validate_credential({**document, "proof": [PROOF, PROOF | {"type": "DataIntegrityProof"}]}) == []
        assert validate_credential({**document, "credentialStatus": STATUS, "proof": PROOF}) == []


Mutation = Callable[[dict[str, Any]], None]


def setter(path: str, value: Any) -> Mutation:
    """A mutation setting ``value`` at a dotted path ("credentialSubject.result.0.mark")."""

    def mutate(document: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        node: Any = document
        for key in parents:
            node = node[key]
        if value is DELETE:
            del node[last]
        else:
            node[last] = value

    return mutate


DELETE = object()

TRANSCRIPT_TAMPERING: list[tuple[str, Mutation, str]] = [
    ("massar", setter("credentialSubject.massarCode", "R13004567"), '$.credentialSubject.massarCode: "R13004567" does not match ^[A-Z][0-9]{9}$'),
    ("mark 3 places", setter("credentialSubject.result.2.mark", "13.005"), "$.credentialSubject.result[2].mark: \"13.005\""),
    ("mark over 20", setter("credentialSubject.generalAverage", "20.50"), "$.credentialSubject.generalAverage: \"20.50\" does not match"),
    ("mark as number", setter("credentialSubject.nationalAverage", 15.42), "$.credentialSubject.nationalAverage: expected string, got number"),
    ("one decimal", setter("credentialSubject.regionalAverage", "14.2"), "$.credentialSubject.regionalAverage: \"14.2\" does not match"),
    ("coefficient", setter("credentialSubject.result.0.coefficient", "9"), "$.credentialSubject.result[0].coefficient: expected integer, got string"),
    ("exam", setter("credentialSubject.result.0.exam", "local"), '$.credentialSubject.result[0].exam: expected one of "national", "regional", got "local"'),
    ("nested subject", setter("credentialSubject.result.0.subjectName", {"name": "x"}), "$.credentialSubject.result[0].subjectName: expected array, got object"),
    ("cin added", setter("credentialSubject.cin", "AB123456"), "$.credentialSubject: Additional properties are not allowed ('cin' was unexpected)"),
    ("no name", setter("credentialSubject.familyName", DELETE), "$.credentialSubject: 'familyName' is a required property"),
    ("plain string name", setter("credentialSubject.givenName", "Yasmine"), "$.credentialSubject.givenName: expected array, got string"),
    ("ltr arabic", setter("credentialSubject.birthPlace.1.@direction", "ltr"), "$.credentialSubject.birthPlace[1]['@direction']: expected \"rtl\", got \"ltr\""),
    ("no direction", setter("credentialSubject.stream.name.1.@direction", DELETE), "$.credentialSubject.stream.name[1]: '@direction' is a required property"),
    ("wrong language", setter("name.0.@language", "en"), "$.name[0]['@language']: expected \"fr\", got \"en\""),
    ("typed value", setter("credentialSubject.academy.name.0.@type", "xsd:string"), "$.credentialSubject.academy.name[0]: Additional properties are not allowed ('@type' was unexpected)"),
    ("padded", setter("credentialSubject.familyName.0.@value", "Benali "), "$.credentialSubject.familyName[0]['@value']: \"Benali \" does not match"),
    ("third value", lambda d: d["credentialSubject"]["givenName"].append({"@value": "Y", "@language": "en"}), "$.credentialSubject.givenName: no further items are allowed"),
    ("birth date", setter("credentialSubject.birthDate", "2007-02-30"), "$.credentialSubject.birthDate: '2007-02-30' is not a 'date'"),
    ("valid from", setter("validFrom", "2025-07-15T10:00:00"), "$.validFrom: \"2025-07-15T10:00:00\" does not match"),
    ("valid until", setter("validUntil", "2030-01-01T00:00:00Z"), "$: Additional properties are not allowed ('validUntil' was unexpected)"),
    ("decision", setter("credentialSubject.decision.code", "admise"), '$.credentialSubject.decision.code: expected one of "admis", "ajourne", "rattrapage", got "admise"'),
    ("session year", setter("credentialSubject.session.year", "2025"), "$.credentialSubject.session.year: expected integer, got string"),
    ("number kind", setter("credentialSubject.documentNumber", "BAC-2025-D-0000-0000-0000"), "$.credentialSubject.documentNumber: \"BAC-2025-D-0000-0000-0000\" does not match"),
    ("number alphabet", setter("credentialSubject.documentNumber", "BAC-2025-T-OOOO-0000-0000"), "$.credentialSubject.documentNumber: \"BAC-2025-T-OOOO-0000-0000\" does not match"),
    ("schema id", setter("credentialSchema.id", DIPLOMA_SCHEMA_ID), f'$.credentialSchema.id: expected "{TRANSCRIPT_SCHEMA_ID}", got "{DIPLOMA_SCHEMA_ID}"'),
    ("first context", setter("@context.0", "https://www.w3.org/2018/credentials/v1"), "$['@context'][0]: expected \"https://www.w3.org/ns/credentials/v2\", got"),
    ("inline context", setter("@context.1", {"@vocab": "https://evil.example/#"}), "$['@context'][1]: expected string, got object"),
    ("our context missing", setter("@context.2", "https://example.org/ctx"), "$['@context']: must contain \"https://diplomes.men.gov.ma/contexts/baccalaureate/v1\" exactly once"),
    ("id", setter("id", "urn:uuid:6b2f7c1e-8c1d-4b8e-9a4f-2f0e6c1d3b5a"), '$.id: "urn:uuid:6b2f7c1e-8c1d-4b8e-9a4f-2f0e6c1d3b5a" does not match'),
    ("issuer string", setter("issuer", "did:web:diplomes.men.gov.ma"), "$.issuer: expected object, got string"),
    ("proof", setter("proof", {"proofValue": "z"}), "$.proof: 'type' is a required property"),
    ("status", setter("credentialStatus", STATUS | {"statusPurpose": "refresh"}), '$.credentialStatus.statusPurpose: expected one of "revocation", "suspension", got "refresh"'),
    ("too many results", setter("credentialSubject.result", []), "$.credentialSubject.result: minItems is 1, got 0"),
    ("duplicated result", lambda d: d["credentialSubject"]["result"].append(copy.deepcopy(d["credentialSubject"]["result"][0])), "$.credentialSubject.result: items must be unique"),
]


@pytest.mark.parametrize(("mutation", "expected"), [(m, e) for _, m, e in TRANSCRIPT_TAMPERING], ids=[n for n, _, _ in TRANSCRIPT_TAMPERING])
def test_tampered_transcripts_fail_at_the_right_path(cases: dict[str, Any], mutation: Mutation, expected: str) -> None:
    document = copy.deepcopy(cases["option-fr"].build("transcript"))
    mutation(document)
    errors = validate_credential(document)
    assert any(error.startswith(expected) for error in errors), errors


def test_conditional_rules(cases: dict[str, Any]) -> None:
    free = cases["free-candidate"].build("transcript")
    free["credentialSubject"]["continuousAverage"] = "12.00"
    assert validate_credential(free) == [
        "$.credentialSubject.continuousAverage: not allowed here: Free candidates have no continuous assessment; schooled candidates do."
    ]
    schooled = cases["option-fr"].build("transcript")
    del schooled["credentialSubject"]["continuousAverage"]
    assert validate_credential(schooled) == ["$.credentialSubject: 'continuousAverage' is a required property"]
    failed = cases["ajourne"].build("transcript")
    failed["credentialSubject"]["mention"] = cases["option-fr"].build("transcript")["credentialSubject"]["mention"]
    assert validate_credential(failed) == [
        "$.credentialSubject.mention: not allowed here: A mention is awarded to admitted candidates only, and always to them."
    ]
    admitted = cases["option-fr"].build("transcript")
    del admitted["credentialSubject"]["mention"]
    assert validate_credential(admitted) == ["$.credentialSubject: 'mention' is a required property"]


def test_diploma_specifics(cases: dict[str, Any]) -> None:
    diploma = cases["option-fr"].build("diploma")
    for field, value in [("result", []), ("decision", {"code": "admis"}), ("candidateType", "libre")]:
        tampered = copy.deepcopy(diploma)
        tampered["credentialSubject"][field] = value
        assert validate_credential(tampered) == [
            f"$.credentialSubject: Additional properties are not allowed ('{field}' was unexpected)"
        ]
    del diploma["credentialSubject"]["mention"]
    assert validate_credential(diploma) == ["$.credentialSubject: 'mention' is a required property"]


@pytest.mark.parametrize(
    ("types", "message"),
    [
        (["VerifiableCredential"], "$.type: expected exactly one of BaccalaureateDiploma or BaccalaureateTranscript"),
        ("BaccalaureateDiploma", None),
        (["VerifiableCredential", "BaccalaureateDiploma", "BaccalaureateTranscript"], "$.type: expected exactly one"),
        (None, "$.type: expected exactly one"),
    ],
)
def test_schema_is_chosen_by_type(cases: dict[str, Any], types: Any, message: str | None) -> None:
    document = cases["option-fr"].build("diploma")
    document["type"] = types
    errors = validate_credential(document)
    if message is None:  # chosen, then refused by the schema: type must be the full array
        assert errors == ["$.type: expected array, got string"]
    else:
        assert len(errors) == 1 and errors[0].startswith(message)


def test_a_diploma_is_not_a_transcript(cases: dict[str, Any]) -> None:
    diploma = cases["option-fr"].build("diploma")
    diploma["type"] = ["VerifiableCredential", "BaccalaureateTranscript"]
    errors = validate_credential(diploma)
    assert "$.credentialSubject: 'decision' is a required property" in errors
    assert f'$.credentialSchema.id: expected "{TRANSCRIPT_SCHEMA_ID}", got "{DIPLOMA_SCHEMA_ID}"' in errors


def test_not_an_object() -> None:
    assert validate_credential([]) == ["$: expected a JSON object, got array"]  # type: ignore[arg-type]


def test_messages_do_not_dump_documents(cases: dict[str, Any]) -> None:
    document = cases["fifteen-subjects"].build("transcript")
    document["credentialSubject"]["result"] = json.loads(json.dumps(document["credentialSubject"]["result"])) * 2
    document["credentialSubject"]["familyName"] = "x" * 5000
    errors = validate_credential(document)
    assert errors and all(len(error) < 300 for error in errors)


# --- the issuer's check before signing (check_signable) -----------------------------------------------


def test_names_and_places_are_capped_in_both_schemas_as_in_the_pv_rules() -> None:
    from shahada.issuer.pv.text import CELL_MAX_LENGTH

    for credential_type in SCHEMA_FILES:
        defs = schema(credential_type)["$defs"]
        subject = schema(credential_type)["properties"]["credentialSubject"]["properties"]
        assert subject["familyName"] == subject["givenName"] == {"$ref": "#/$defs/personName"}
        assert subject["birthPlace"] == {"$ref": "#/$defs/place"}
        for name in ("personName", "place"):
            limits = [item["properties"]["@value"]["maxLength"] for item in defs[name]["prefixItems"]]
            assert limits == [NAME_MAX_LENGTH, NAME_MAX_LENGTH]
    assert CELL_MAX_LENGTH == NAME_MAX_LENGTH


@pytest.mark.parametrize("path", ["credentialSubject.familyName.0.@value", "credentialSubject.birthPlace.1.@value"])
def test_a_name_or_place_over_the_limit_is_refused_by_the_verifiers_schema(cases: dict[str, Any], path: str) -> None:
    for kind in ("diploma", "transcript"):
        document = copy.deepcopy(cases["option-fr"].build(kind))
        setter(path, "ب" * NAME_MAX_LENGTH)(document)
        assert validate_credential(document) == [] and check_signable(document) == []
        setter(path, "ب" * (NAME_MAX_LENGTH + 1))(document)
        assert any("maxLength is 100, got 101" in e for e in validate_credential(document))
        assert check_signable(document) == validate_credential(document)


def test_check_signable_refuses_a_credential_over_the_size_limit(cases: dict[str, Any]) -> None:
    document = cases["option-fr"].build("transcript")
    document["@context"] += [f"https://example.org/contexts/{i:05d}/{'x' * 40}" for i in range(1200)]
    assert validate_credential(document) == []  # the schema alone lets it through
    (problem,) = check_signable(document)
    assert problem.startswith("$: the credential is ") and f"more than {CREDENTIAL_MAX_BYTES}" in problem


def test_the_compiled_schema_agrees_with_the_verifiers(cases: dict[str, Any]) -> None:
    """check_signable answers from jsonschema-rs and explains with jsonschema: on every built and
    every tampered credential, it finds a problem exactly when the verifier's validation does."""
    documents = [document for case in cases.values() for document in case.credentials().values()]
    for _, mutation, _ in TRANSCRIPT_TAMPERING:
        document = copy.deepcopy(cases["option-fr"].build("transcript"))
        mutation(document)
        documents.append(document)
    assert len(documents) > len(TRANSCRIPT_TAMPERING)
    for document in documents:
        assert check_signable(document) == validate_credential(document)


# --- the verifier's fast answer (jsonschema-rs) never changes what validate_credential says ------------

EDGE_VALUES: list[tuple[str, Any]] = [
    ("validFrom", "2025-07-15t10:00:00z"),  # jsonschema-rs' own date-time takes a lowercase t and z
    ("validFrom", "2016-12-31T23:59:60Z"),  # and a leap second
    ("validFrom", "2025-07-15T10:00:00Z\n"),
    ("credentialSubject.birthDate", "2007-02-30"),
    ("credentialSubject.birthDate", "20070203"),
    ("credentialSubject.birthDate", "٢٠٠٧-٠٢-٠٣"),  # Arabic-Indic digits: Python's \\d would take them
    ("credentialSubject.massarCode", "R123456789\n"),  # Python's $ matches before a final newline
    ("credentialSubject.massarCode", "R١٢٣٤٥٦٧٨٩"),
    ("credentialSubject.generalAverage", "15.50\n"),
    ("credentialSubject.result.0.coefficient", True),
    ("credentialSubject.result.0.coefficient", 4.0),
    ("credentialSubject.result.0.coefficient", 10**30),
    ("credentialSubject.result.0.mark", float("nan")),
    ("credentialSubject.familyName.0.@value", " Alami"),
    ("credentialSubject.familyName.0.@value", "Alami\n"),
    ("credentialSubject.familyName.0.@value", "Al\nami"),
]


def test_the_fast_answer_is_the_python_validators(cases: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """validate_credential answers a conforming credential from jsonschema-rs: on every built,
    tampered and edge-case credential (values where the two libraries' regular expressions and
    formats differ), it says exactly what jsonschema alone says."""
    import shahada.schemas.jsonschema as module

    documents = [document for case in cases.values() for document in case.credentials().values()]
    for _, mutation, _ in TRANSCRIPT_TAMPERING:
        document = copy.deepcopy(cases["option-fr"].build("transcript"))
        mutation(document)
        documents.append(document)
    for path, value in EDGE_VALUES:
        document = copy.deepcopy(cases["option-fr"].build("transcript"))
        setter(path, value)(document)
        documents.append(document)
    fast = [validate_credential(document) for document in documents]
    assert sum(1 for problems in fast if problems) > len(TRANSCRIPT_TAMPERING)
    monkeypatch.setattr(module, "_conforms", lambda credential_type, credential: False)
    assert [validate_credential(document) for document in documents] == fast
