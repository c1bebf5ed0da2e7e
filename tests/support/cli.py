"""The ``shahada`` CLI run in-process (click's runner) against the test session's agent.

A command given ``agent_admin_url`` (README, "Configuration") uses that running agent instead of
starting its own: each CLI test home points at the ``ministry`` fixture's agent, and shares its
local CA (the agent trusts that CA to resolve did:web over HTTPS), so a command costs what its
work costs, not an agent start. Each home keeps its own DID, archive and site.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

_agent: dict[str, str] = {}


@dataclass(frozen=True)
class Ran:
    """What a command did, as a process would report it."""

    returncode: int
    stdout: str
    stderr: str


@contextmanager
def session_agent(ministry: Any) -> Iterator[None]:
    """Within this block, :func:`run` uses the ministry fixture's agent and local CA."""
    assert ministry.agent is not None, "the ministry fixture starts its own agent"
    _agent.update(
        SHAHADA_AGENT_ADMIN_URL=ministry.agent.admin_url, SHAHADA_AGENT_API_KEY=ministry.agent.api_key, tls=str(ministry.settings.tls_dir)
    )
    try:
        yield
    finally:
        _agent.clear()


def share_agent(ministry: Any, home: Path) -> dict[str, str]:
    """The environment with which a ``shahada`` process in ``home`` uses the ministry fixture's
    agent instead of starting its own, and ``home`` trusts that agent's local CA."""
    assert ministry.agent is not None, "the ministry fixture starts its own agent"
    home.mkdir(parents=True, exist_ok=True)
    tls = home / "tls"
    if not tls.exists():
        tls.symlink_to(ministry.settings.tls_dir, target_is_directory=True)
    return {"SHAHADA_AGENT_ADMIN_URL": ministry.agent.admin_url, "SHAHADA_AGENT_API_KEY": ministry.agent.api_key}


def run(home: Path, *args: str, timeout: float = 300, input: str | None = None) -> Ran:
    """``shahada ARGS`` with ``SHAHADA_HOME=home``, in this process; ``input`` is its stdin (an
    operator's answers), none by default (a script's: a question is answered by end of file)."""
    from shahada.cli import main

    assert _agent, "use session_agent(ministry) (an autouse fixture of the module)"
    home.mkdir(parents=True, exist_ok=True)
    tls = home / "tls"
    if not tls.exists():
        tls.symlink_to(_agent["tls"], target_is_directory=True)
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("SHAHADA_")}
    env.update(SHAHADA_HOME=str(home), SHAHADA_OPERATOR="cli-test")
    env.update({k: v for k, v in _agent.items() if k.startswith("SHAHADA_")})
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False, input=input)
    return Ran(result.exit_code, result.stdout, result.stderr)


def invoke(env: Mapping[str, str], *args: str, input: str | None = None) -> Ran:
    """``shahada ARGS`` in this process with exactly the ``SHAHADA_*`` variables of ``env`` (the
    others this process has are unset for the call), as ``subprocess.run([shahada, *args], env=env)``
    would run it, without the cost of a new interpreter importing the project."""
    from shahada.cli import main

    environment: dict[str, str | None] = {k: None for k in os.environ if k.startswith("SHAHADA_")}
    environment.update({k: v for k, v in env.items() if k.startswith("SHAHADA_")})
    result = CliRunner().invoke(main, list(args), env=environment, catch_exceptions=False, input=input)
    return Ran(result.exit_code, result.stdout, result.stderr)
