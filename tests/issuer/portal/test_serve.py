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
import tomllib
from pathlib import Path
from typing import Any

import pytest
import requests

from shahada.common.ports import free_port
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
        opened = run(home, "session", "open-results", "2025")  # a new installation's portal waits for results day
    assert issued.returncode == 0, issued.stderr
    assert opened.returncode == 0 and "opened to graduates" in opened.stdout, opened.stderr
    transcript = json.loads(next((tmp_path / "out" / "credentials").glob("transcript-*.json")).read_text(encoding="utf-8"))
    massar, born = transcript["credentialSubject"]["massarCode"], transcript["credentialSubject"]["birthDate"]

    port = free_port()  # a port of its own, not [portal] public_url: links must work with the default configuration
    process = subprocess.Popen([SHAHADA, "serve", "portal", "--port", str(port)], env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
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

        # a share link, opened in a browser: sent to the installation's verifier (the local site this
        # command started, https://<did_web_host>), which trusts the link and shows the documents
        shares = browser.get(url + "/shares", timeout=30)
        documents_ids = re.findall(r'name="documents" value="([^"]+)"', shares.text)
        form_token = re.search(r'name="csrf" value="([^"]+)"', shares.text)
        assert form_token
        made = browser.post(url + "/shares", data={"csrf": form_token.group(1), "recipient": "Université Mohammed V", "days": "30", "documents": documents_ids}, timeout=30)
        link = re.search(r'value="([^"]+)" readonly dir="ltr" data-link="created"', made.text)
        assert link and link.group(1).startswith(f"http://127.0.0.1:{port}/s/"), made.text[-2000:]
        recipient = requests.Session()
        recipient.trust_env = False
        sent = recipient.get(link.group(1), headers={"Accept": "text/html,*/*;q=0.8"}, allow_redirects=False, timeout=30)
        site = "https://" + tomllib.loads((home / "config.toml").read_text(encoding="utf-8"))["did_web_host"]  # the default config's
        assert sent.status_code == 303 and sent.headers["Location"].startswith(f"{site}/shares?url="), sent.headers
        page = recipient.get(sent.headers["Location"], headers={"Accept-Language": "en"}, verify=str(home / "tls" / "ca.pem"), timeout=120)
        assert page.status_code == 200 and 'data-verdict="valid"' in page.text and 'data-check="origin" data-outcome="passed"' in page.text
        assert page.text.count("data-document") == len(documents_ids)
        log = browser.get(url + "/shares", timeout=30).text
        assert re.findall(r'<li data-access data-outcome="(\w+)" data-channel="(\w+)">', log) == [("served", "browser")]  # the visit, once
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            _, rest = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert process.returncode == 0, rest
    assert "stopped; the agent is stopped." in rest
