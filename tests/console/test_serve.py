"""``shahada console add-user`` and ``shahada serve console`` as an operator runs them: the first
administrator and an operator created from the command line (password from the environment, TOTP
secret printed once; in this process, ``tests.support.cli.invoke``), then ``serve console`` in its own process over the test session's agent, an
operator signing in over HTTP and uploading a PV, SIGTERM stopping it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyotp
import pytest
import requests

from shahada.issuer.pv.synthetic import generate_records, write_csv
from shahada.schemas.reference import bundled_reference
from tests.support.cli import invoke

pytestmark = pytest.mark.agent
SHAHADA = str(Path(sys.executable).with_name("shahada"))
PASSWORD = "a long enough passphrase"


def environment(home: Path, ministry: Any) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAHADA_")}
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "tls").exists():
        (home / "tls").symlink_to(ministry.settings.tls_dir, target_is_directory=True)  # the agent trusts this CA
    env.update(
        SHAHADA_HOME=str(home), SHAHADA_OPERATOR="console-test", SHAHADA_CONSOLE_PASSWORD=PASSWORD, SHAHADA_CONSOLE_SECURE_COOKIES="false",
        SHAHADA_AGENT_ADMIN_URL=ministry.agent.admin_url, SHAHADA_AGENT_API_KEY=ministry.agent.api_key,
    )
    return env


def add_user(env: dict[str, str], *args: str) -> str:
    done = invoke(env, "console", "add-user", *args)
    assert done.returncode == 0, done.stderr
    found = re.search(r"TOTP secret \(shown once\): ([A-Z2-7]+)", done.stdout)
    assert found and "otpauth://totp/" in done.stdout, done.stdout
    return found.group(1)


def test_add_user_refuses_a_short_password_and_a_second_account_of_the_same_name(tmp_path: Path, ministry: Any) -> None:
    env = environment(tmp_path / "home", ministry)
    add_user(env, "root", "--role", "administrator")
    again = invoke(env, "console", "add-user", "root", "--role", "auditor")
    assert again.returncode == 1 and "error [form.account]" in again.stderr
    short = invoke({**env, "SHAHADA_CONSOLE_PASSWORD": "short"}, "console", "add-user", "omar", "--role", "auditor")
    assert short.returncode == 1 and "error [form.password]" in short.stderr
    academy = invoke(env, "console", "add-user", "amina", "--role", "academy_operator", "--academy", "zz")
    assert academy.returncode == 2 and "unknown academy" in academy.stderr


def test_serve_console_until_sigterm(tmp_path: Path, ministry: Any) -> None:
    env = environment(tmp_path / "home", ministry)
    add_user(env, "root", "--role", "administrator")
    secret = add_user(env, "nabil", "--role", "national_operator")
    process = subprocess.Popen([SHAHADA, "serve", "console", "--port", "0"], env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any(line.startswith("uploads and print batches:") for line in lines):
            line = process.stderr.readline() if process.stderr else ""
            if not line:
                break
            lines.append(line.strip())
        found = next((re.search(r"staff console: (http://127\.0\.0\.1:\d+)/", line) for line in lines if line.startswith("staff console:")), None)
        assert found, lines
        url = found.group(1)
        browser = requests.Session()
        browser.trust_env = False
        page = browser.get(url + "/signin", headers={"Accept-Language": "fr"}, timeout=30)
        assert page.status_code == 200 and "Console de gestion des diplômes" in page.text
        assert "HttpOnly" in page.headers["Set-Cookie"] and "SameSite=Strict" in page.headers["Set-Cookie"]
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert token
        signed = browser.post(url + "/signin", data={"csrf": token.group(1), "account": "nabil", "password": PASSWORD, "code": pyotp.TOTP(secret).now()}, timeout=30)
        assert signed.status_code == 200 and "Opérateur national" in signed.text, signed.text
        token = re.search(r'name="csrf" value="([^"]+)"', browser.get(url + "/sessions/", timeout=30).text)
        assert token
        pv = tmp_path / "pv.csv"
        write_csv(generate_records(3, seed=41, reference=bundled_reference(), year=2025, rattrapage_share=0), pv)
        with pv.open("rb") as file:
            report = browser.post(url + "/sessions/upload", data={"csrf": token.group(1), "year": "2025"}, files={"pv": ("pv.csv", file, "text/csv")}, timeout=120)
        assert report.status_code == 200 and 'data-state="valid"' in report.text and "data-summary" in report.text
        assert (tmp_path / "home" / "secrets" / "console_secret").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            _, rest = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert process.returncode == 0, rest
