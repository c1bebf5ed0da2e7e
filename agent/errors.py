"""Errors of the agent package: the ACA-Py agent could not do what was asked.

    AgentError                  agent.error
    ├── AgentStartError         agent.start         the process did not become ready (see its log)
    ├── AgentUnavailableError   agent.unavailable   connection refused / timeout
    └── AgentRequestError       agent.request       the admin API answered an error status
"""

from __future__ import annotations

from shahada.common.errors import ShahadaError


class AgentError(ShahadaError):
    code = "agent.error"
    http_status = 502


class AgentStartError(AgentError):
    code = "agent.start"


class AgentUnavailableError(AgentError):
    code = "agent.unavailable"
    http_status = 503


class AgentRequestError(AgentError):
    code = "agent.request"

    def __init__(self, message: str, *, status: int | None = None, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body = body
