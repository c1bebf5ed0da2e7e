"""Who may do what in the console: pure rules, no I/O (unit-tested in tests/console/test_roles.py).

Five roles. An **academy operator** works on their own academy only: uploads its PV, reads its
reports, suspends its documents and asks for their revocation, downloads its print batches. A
**national operator** does the same for every academy and starts printing. An **approver**
approves what someone else submitted (a PV, a revocation) and opens results day; an approver
never approves their own submission (four eyes). An **auditor** reads everything, the audit
trail included, and changes nothing. An **administrator** manages accounts and reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from shahada.console.errors import ForbiddenError

Role = Literal["academy_operator", "national_operator", "approver", "auditor", "administrator"]
ROLES: Final[tuple[Role, ...]] = ("academy_operator", "national_operator", "approver", "auditor", "administrator")

Action = Literal[
    "view",  # the dashboard, sessions, documents
    "upload",  # a PV, and submitting it for approval
    "approve",  # a PV (then issuance runs) or a revocation
    "print",  # run the printing of an academy's batch
    "download",  # an academy's print batch
    "suspend",  # suspend or lift a suspension (reversible, one pair of eyes)
    "request_revocation",  # ask for a revocation (a second person approves)
    "results_day",  # open a session's results to graduates
    "audit",  # read the audit trail
    "accounts",  # create, unlock and reset accounts
]

PERMISSIONS: Final[dict[Role, frozenset[Action]]] = {
    "academy_operator": frozenset({"view", "upload", "download", "suspend", "request_revocation"}),
    "national_operator": frozenset({"view", "upload", "print", "download", "suspend", "request_revocation"}),
    "approver": frozenset({"view", "approve", "download", "request_revocation", "results_day"}),
    "auditor": frozenset({"view", "download", "audit"}),
    "administrator": frozenset({"view", "accounts", "audit"}),
}


@dataclass(frozen=True, slots=True)
class Actor:
    """A signed-in account as the rules see it."""

    name: str
    role: Role
    academy: str | None = None  # an academy operator's academy; None for every other role


def allowed(actor: Actor, action: Action, *, academy: str | None = None) -> bool:
    """Whether ``actor`` may do ``action`` (on ``academy``'s data, when it concerns one academy;
    ``academy=None`` with an academy operator means data of every academy, which they may not see
    unless it is only their own)."""
    if action not in PERMISSIONS[actor.role]:
        return False
    if actor.role == "academy_operator":
        return academy is not None and academy == actor.academy
    return True


def require(actor: Actor, action: Action, *, academy: str | None = None) -> None:
    """Raises:
    ForbiddenError: ``role.forbidden`` (not this role's action) or ``role.academy`` (another academy's data).
    """
    if action not in PERMISSIONS[actor.role]:
        raise ForbiddenError(f"a {actor.role} may not {action}", code="role.forbidden")
    if not allowed(actor, action, academy=academy):
        raise ForbiddenError(f"{actor.name} works on academy {actor.academy} only", code="role.academy")


def require_other(actor: Actor, submitter: str) -> None:
    """Four eyes: the approver is not who submitted.

    Raises:
        ForbiddenError (role.four_eyes).
    """
    if actor.name == submitter:
        raise ForbiddenError("a second person must approve what you submitted", code="role.four_eyes")


def academy_scope(actor: Actor) -> str | None:
    """The academy the actor's lists are narrowed to (None: every academy)."""
    return actor.academy if actor.role == "academy_operator" else None
