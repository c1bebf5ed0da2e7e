"""PV validation: the rules alone next to the rules plus every credential built and checked, same file, same run;
and the synthetic PV generator (``shahada pv generate``) next to the same baseline (the suite only
counts its work: tests/issuer/test_synthetic.py).

``shahada pv check`` builds each valid record's credentials (transcript, and diploma if admitted)
with the issuance builders and checks each against its JSON Schema and the size limit
(``shahada.issuer.pv.signable``). This measures what that costs over the row rules alone
(``read_pv(..., build=False)``, what issuance's planning calls before building the credentials
itself), and, as a reference, what the same JSON Schema check would cost with ``jsonschema``, the
verifier's validator, on a sample.

    .venv/bin/python bench/pv.py [--rows 20000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from jsonschema import Draft202012Validator

from shahada.issuer.pv.reader import read_pv
from shahada.issuer.pv.signable import CheckingProfile, build_credentials
from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.schemas.jsonschema import schema
from shahada.schemas.reference import bundled_reference

YEAR = 2025


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    reference = bundled_reference()
    with tempfile.TemporaryDirectory(prefix="shahada-bench-pv-") as tmp:
        pv = Path(tmp) / "pv.csv"
        start = time.perf_counter()
        write_csv(generate_records(args.rows, seed=5, reference=reference, year=YEAR), pv)
        generated = time.perf_counter() - start
        timings: dict[str, float] = {}
        for label, build in (("rules only (baseline)", False), ("rules + credentials", True), ("rules only, again", False)):
            start = time.perf_counter()
            records = read_pv(pv, reference=reference, year=YEAR, build=build)
            timings[label] = time.perf_counter() - start
            print(f"{label:24} {timings[label]:7.2f} s  {len(records) / timings[label]:9.0f} rows/s")
        baseline = min(timings["rules only (baseline)"], timings["rules only, again"])
        print(f"credentials cost {timings['rules + credentials'] / baseline:.1f}x the rules alone")
        print(f"{'generate + write CSV':24} {generated:7.2f} s  {args.rows / generated:9.0f} rows/s, {generated / baseline:.1f}x the rules alone")

        profile = CheckingProfile(reference, YEAR)
        sample = records[:200]
        documents = [d for r in sample for _, d in build_credentials(
            r, issuer=profile.issuer, year=YEAR, issued_at=profile.issued_at, secret=profile.secret, reference=reference)]  # fmt: skip
        validators = {t: Draft202012Validator(schema(t)) for t in ("BaccalaureateDiploma", "BaccalaureateTranscript")}
        start = time.perf_counter()
        for document in documents:
            validators[document["type"][1]].is_valid(document)
        per_row = (time.perf_counter() - start) / len(sample)
        print(f"jsonschema instead of jsonschema-rs: {per_row * 1e3:.2f} ms a row, {per_row * len(records):.0f} s for this PV")


if __name__ == "__main__":
    main()
