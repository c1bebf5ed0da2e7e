"""``shahada print`` and ``shahada verify`` on paper, run in-process against the session's agent (tests.support.cli)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import cbor2
import pytest
from weasyprint import HTML

from shahada.schemas.seal.content import SealContent
from shahada.schemas.seal.cose import decode_sign1, encode_sign1
from shahada.schemas.seal.names import name_codes
from shahada.schemas.seal.text import seal_bytes, seal_text
from tests.support.attacks import draw_op_bomb_pdf, poison_graph
from tests.support.cli import run, session_agent
from tests.support.local_sealer import LocalSealer

pytestmark = pytest.mark.agent
SHAHADA = str(Path(sys.executable).with_name("shahada"))
SAMPLE = Path(str(resources.files("shahada") / "data" / "sample-pv.csv"))


@pytest.fixture(autouse=True, scope="module")
def _session_agent(ministry: Any) -> Iterator[None]:
    with session_agent(ministry):
        yield


@pytest.fixture(scope="module")
def printed_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("paper-home")
    issued = run(home, "issue", str(SAMPLE), "--session", "2025", "--out", str(home / "out"))
    assert issued.returncode == 0, issued.stderr
    printed = run(home, "print", "--session", "2025", "--out", str(home / "print"), "--academy", "DT", "--batch-pdf", "--jobs", "1")
    assert printed.returncode == 0, printed.stderr
    assert "4 documents; rendered now: 4" in printed.stdout and "batch PDFs written: 2" in printed.stdout
    return home


def pdfs(home: Path, kind: str) -> list[Path]:
    return sorted((home / "print" / kind / "DT").glob("*.pdf"))


def test_print_is_resumable(printed_home: Path) -> None:
    again = run(printed_home, "print", "--session", "2025", "--out", str(printed_home / "print"), "--academy", "DT", "--batch-pdf", "--jobs", "1")
    assert again.returncode == 0 and "rendered now: 0" in again.stdout and "already printed: 4" in again.stdout
    unknown = run(printed_home, "print", "--session", "2025", "--out", str(printed_home / "x"), "--academy", "XX")
    assert unknown.returncode == 2 and "unknown academy" in unknown.stderr


def test_verify_a_pdf_a_scan_and_the_qr_text(printed_home: Path, tmp_path: Path) -> None:
    pdf = pdfs(printed_home, "transcript")[0]
    result = run(printed_home, "verify", str(pdf))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("VALID SEAL") and "matches the archived credential" in result.stdout
    assert pdf.stem in result.stdout  # the document number, among the signed fields to compare

    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / "scan")], check=True)
    as_json = json.loads(run(printed_home, "verify", "--json", str(tmp_path / "scan.png")).stdout)
    assert as_json["verified"] is True
    fields = {f["label_fr"]: f for f in as_json["fields"]}
    credential = json.loads(next((printed_home / "out" / "credentials").glob(f"*{pdf.stem}.json")).read_text(encoding="utf-8"))
    assert fields["Nom"]["ar"] == credential["credentialSubject"]["familyName"][1]["@value"]
    assert fields["Numéro"]["fr"] == pdf.stem

    text = _qr_text(pdf)
    assert run(printed_home, "verify", text).returncode == 0
    massar = credential["credentialSubject"]["massarCode"]
    assert run(printed_home, "verify", "--massar", massar, text).returncode == 0
    wrong = run(printed_home, "verify", "--massar", "Z999999999", text)
    assert wrong.returncode == 1 and "holder.mismatch" in wrong.stdout


def _qr_text(pdf: Path) -> str:
    from shahada.verifier.scan import read_qr_texts

    return read_qr_texts(pdf.read_bytes())[0]


def test_forged_and_foreign_seals_are_invalid(printed_home: Path) -> None:
    text = _qr_text(pdfs(printed_home, "diploma")[0])
    sign1 = decode_sign1(seal_bytes(text))
    content = cbor2.loads(sign1.payload)
    latin = name_codes()["latin"]
    family = latin.decode(content[5][0])
    content[5] = [latin.encode(family[:-1] + ("x" if family[-1] != "x" else "y")), content[5][1]]
    base = text[: text.rindex("/") + 1]
    forged = seal_text(encode_sign1(sign1.protected, cbor2.dumps(content), sign1.signature), base)
    result = run(printed_home, "verify", forged)
    assert result.returncode == 1
    assert "signature.invalid" in result.stdout and "archive.mismatch" in result.stdout and "family_name" in result.stdout

    foreign = seal_text(LocalSealer().seal([SealContent.from_cbor(sign1.payload)])[0], base)
    result = run(printed_home, "verify", foreign)
    assert result.returncode == 1 and "seal.untrusted" in result.stdout


def test_unusable_paper_exits_2_with_a_clear_error(printed_home: Path, tmp_path: Path) -> None:
    text = _qr_text(pdfs(printed_home, "diploma")[0])
    garbage = tmp_path / "photo.jpg"
    garbage.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(2000))
    no_qr = tmp_path / "letter.pdf"
    HTML(string="<p>Une lettre sans code QR.</p>").write_pdf(no_qr)
    cases = {
        "garbage image": (str(garbage), "scan.unreadable"),
        "PDF without a QR code": (str(no_qr), "scan.no_code"),
        "truncated": (text[:-40], "seal.truncated"),
        "oversized": (text + "A" * 4000, "seal.oversized"),
        "not a seal": ("https://diplomes.men.gov.ma/v/AAAAAAAAAAAAAAAAAAAA", "seal.malformed"),
    }
    for label, (source, code) in cases.items():
        result = run(printed_home, "verify", source)
        assert result.returncode == 2, (label, result.stdout, result.stderr)
        assert code in result.stdout + result.stderr, (label, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr, label


def test_a_pdf_draw_op_bomb_is_stopped_in_its_worker(printed_home: Path, tmp_path: Path) -> None:
    """Issue 17: reading a file's QR code runs in a limited worker process; a page painted 20,000
    times (tens of seconds of PDFium) is stopped at --work-timeout and reported as unusable input."""
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(draw_op_bomb_pdf(20_000, pages=10))
    result = run(printed_home, "verify", "--work-timeout", "1", str(bomb))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "unusable input [work.timeout]" in result.stderr and "reading the file's QR code" in result.stderr


def test_a_poison_graph_credential_is_refused_by_the_isolated_signature_check(printed_home: Path, tmp_path: Path) -> None:
    """The credential's signature is checked in a limited worker too: a genuine credential still
    verifies, a poison graph (a clique of blank nodes, its proof now bogus) is refused by the RDFC
    limits there, and a check past --work-timeout is unusable input."""
    genuine_file = sorted((printed_home / "out" / "credentials").glob("diploma-*.json"))[0]
    assert run(printed_home, "verify", str(genuine_file)).returncode == 0
    poisoned = tmp_path / "poisoned.json"
    poisoned.write_text(json.dumps(poison_graph(json.loads(genuine_file.read_text(encoding="utf-8")))), encoding="utf-8")
    result = run(printed_home, "verify", "--json", str(poisoned))
    assert result.returncode == 1, result.stdout + result.stderr
    assert {c["name"]: c["code"] for c in json.loads(result.stdout)["checks"]}["signature"] == "jsonld.too_complex"
