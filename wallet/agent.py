"""The holder agent profile: ACA-Py as a cloud wallet for graduates (and for tests).

The holder accepts out-of-band invitations and connection requests by itself, stores the
credentials it receives after checking them, and keeps its exchange records; it does NOT answer
credential offers nor presentation requests by itself: the controller (:mod:`shahada.wallet.controller`)
does, so that it binds the credentials to the wallet's own ``did:key`` and chooses what to present.

It loads the project's plugin (pinned JSON-LD contexts, nothing fetched) and trusts the CA
given in ``ca_file`` for did:web resolution over HTTPS (the ministry's DID document).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from shahada.agent.process import AgentConfig, DIDComm, PostgresWallet

HOLDER_FLAGS: Final = (
    "--auto-accept-invites",
    "--auto-accept-requests",
    "--auto-store-credential",
    "--preserve-exchange-records",
)


def holder_agent_config(
    work_dir: Path,
    wallet_key: str,
    *,
    label: str = "graduate wallet",
    wallet_name: str = "wallet",
    ca_file: Path | None = None,
    didcomm_port: int = 0,
    endpoint: str | None = None,
    postgres: PostgresWallet | None = None,
) -> AgentConfig:
    """An :class:`shahada.agent.process.AgentConfig` for a holder agent (start it with ``AgentProcess``)."""
    env = {"SSL_CERT_FILE": str(ca_file)} if ca_file else {}
    return AgentConfig(
        work_dir=work_dir,
        wallet_name=wallet_name,
        wallet_key=wallet_key,
        label=label,
        postgres=postgres,
        extra_env=env,
        didcomm=DIDComm(port=didcomm_port, endpoint=endpoint, flags=HOLDER_FLAGS),
    )
