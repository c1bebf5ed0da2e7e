"""Compares pyld's canonical N-Quads with the eddsa-rdfc-2022 reference (canonize.mjs).

Usage: <python with pyld> test/pyld_equivalence.py   (SHAHADA_ROOT as for the node tests)
Prints one line per document and exits 1 on any difference.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

from pyld import jsonld

HERE = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("SHAHADA_ROOT", HERE.parent.parent))
V1, V2 = "https://www.w3.org/2018/credentials/v1", "https://www.w3.org/ns/credentials/v2"
BAC = "https://diplomes.men.gov.ma/contexts/baccalaureate/v1"
DI = "https://w3id.org/security/data-integrity/v2"


def contexts():
    manifest = json.loads((ROOT / "schemas/manifest.json").read_text())
    out = {url: json.loads((ROOT / "schemas" / e["file"]).read_text()) for url, e in manifest["contexts"].items()}
    out["https://www.w3.org/ns/credentials/examples/v2"] = json.loads(
        (ROOT / "tests/verifier/data/credentials-examples-v2.jsonld").read_text())
    return out


CONTEXTS = contexts()


def loader(url, options=None):
    if url not in CONTEXTS:
        raise jsonld.JsonLdError(f"offline: {url}", "jsonld.LoadDocumentError")
    return {"contextUrl": None, "documentUrl": url, "document": CONTEXTS[url]}


def subject(**extra):
    return {"familyName": {"@value": "العلوي", "@language": "ar", "@direction": "rtl"},
            "givenName": "Amina", "year": 2024, **extra}


def vc2(subj, ctx=(V2, BAC)):
    return {"@context": list(ctx), "id": "urn:uuid:3f0e6c1e-7d1c-4c39-9a55-0a4f3c1a9b11",
            "type": ["VerifiableCredential", "BaccalaureateDiploma"], "issuer": "did:example:ministry",
            "validFrom": "2024-07-01T00:00:00Z", "credentialSubject": subj}


DOCS = {
    "ar rtl": vc2(subject()),
    "ar-MA (mixed case) rtl": vc2(subject(familyName={"@value": "العلوي", "@language": "ar-MA", "@direction": "rtl"})),
    "direction without language": vc2(subject(givenName={"@value": "Amina", "@direction": "ltr"})),
    "term with @language/@direction in context": vc2(
        {"nameAr": "أمينة"},
        ctx=(V2, BAC, {"nameAr": {"@id": "https://diplomes.men.gov.ma/vocab#nameAr", "@language": "ar", "@direction": "rtl"}})),
    "VC 1.1 with direction": {**{k: v for k, v in vc2(subject(), ctx=(V1, BAC)).items() if k != "validFrom"},
                              "issuanceDate": "2024-07-01T00:00:00Z"},
    "W3C vc-di-eddsa unsigned": json.loads((ROOT / "tests/cases/vc-di-eddsa/unsigned.json").read_text()),
    "proof configuration": {"@context": [V2, BAC], "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
                            "created": "2025-01-01T00:00:00Z", "proofPurpose": "assertionMethod",
                            "verificationMethod": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"},
}


def pyld_canon(doc, **extra):
    return jsonld.normalize(doc, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                  "rdfDirection": "i18n-datatype", "documentLoader": loader, **extra})


def main():
    request = {"documents": list(DOCS.values()), "contexts": CONTEXTS}
    out = subprocess.run(["node", str(HERE.parent / "canonize.mjs")], input=json.dumps(request),
                         capture_output=True, text=True, check=True).stdout
    reference = json.loads(out)
    failed = 0
    for (name, doc), ref in zip(DOCS.items(), reference, strict=True):
        got = pyld_canon(doc)
        same = got == ref
        failed += not same
        print(f"{'same' if same else 'DIFFERENT'}: {name} ({len(got.encode())} bytes)")
        if not same:
            print("  reference:", json.dumps(ref, ensure_ascii=False))
            print("  pyld     :", json.dumps(got, ensure_ascii=False))
    # control: without rdfDirection pyld falls back to rdf:langString and loses the direction
    control = jsonld.normalize(DOCS["ar rtl"], {"algorithm": "URDNA2015", "format": "application/n-quads",
                                                "documentLoader": loader})
    print("control without rdfDirection differs:", control != reference[0])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
