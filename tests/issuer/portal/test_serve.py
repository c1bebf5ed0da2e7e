"""``shahada serve portal`` as an operator runs it: a session issued by ``shahada issue`` (in-process,
against the session's agent), then the command in its own process (using that agent, which speaks
DIDComm), a graduate signing in over HTTP with the code from the development outbox, a PDF sealed
by that agent, and SIGTERM stopping the service."""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.cli import run, session_agent, share_agent

pytestmark = pytest.mark.agent
SHAHADA = str(Path(sys.executable).with_name("shahada"))


def environment(home: Path, agent: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAHADA_")}
    env.update(SHAHADA_HOME=str(home), SHAHADA_OPERATOR="portal-test", **agent)
    return env


def test_serve_portal_until_sigterm(ministry: Any, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = environment(home, share_agent(ministry, home))
    pv = tmp_path / "pv.csv"
    with session_agent(ministry):
        generated = run(home, "pv", "generate", str(pv), "--rows", "3", "--seed", "31")
        assert generated.returncode == 0, generated.stderr
        issued = run(home, "issue", str(pv), "--session", "2025", "--out", str(tmp_path / "out"))
    assert issued.returncode == 0, issued.stderr
    transcript = json.loads(next((tmp_path / "out" / "credentials").glob("transcript-*.json")).read_text(encoding="utf-8"))
    massar, born = transcript["credentialSubject"]["massarCode"], transcript["credentialSubject"]["birthDate"]

    process = subprocess.Popen([SHAHADA, "serve", "portal", "--port", "0"], env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any(line.startswith("one-time codes:") for line in lines):
            line = process.stderr.readline() if process.stderr else ""
            if not line:
                break
            lines.append(line.strip())
        found = next((re.search(r"graduate portal: (http://127\.0\.0\.1:\d+)/", line) for line in lines if line.startswith("graduate portal:")), None)
        assert found, lines
        url = found.group(1)
        outbox = home / "portal" / "outbox.jsonl"
        assert f"one-time codes: {outbox}; add to wallet: on" in lines

        browser = requests.Session()
        browser.trust_env = False
        page = browser.get(url + "/", headers={"Accept-Language": "fr"}, timeout=30)
        assert page.status_code == 200 and "Portail des bacheliers" in page.text
        assert "HttpOnly" in page.headers["Set-Cookie"] and "Secure" not in page.headers["Set-Cookie"]
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert token
        step = browser.post(url + "/signin", data={"csrf": token.group(1), "massar": massar, "birth_date": born}, timeout=30)
        assert step.status_code == 200 and step.url.endswith("/signin/code")
        assert stat.S_IMODE(outbox.stat().st_mode) == 0o600
        code = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()][-1]
        assert code["massar"] == massar
        documents = browser.post(url + "/signin/code", data={"csrf": token.group(1), "code": code["code"]}, timeout=30)
        assert documents.status_code == 200 and documents.url.endswith("/documents")
        assert f'data-document="{transcript["credentialSubject"]["documentNumber"]}"' in documents.text
        pdf = browser.get(f'{url}/documents/{transcript["credentialSubject"]["documentNumber"]}.pdf', timeout=120)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
        assert (home / "secrets" / "portal_secret").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            _, rest = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert process.returncode == 0, rest
    assert "stopped; the agent is stopped." in rest
