"""The role rules (pure): what each role may do, academy operators kept to their academy, four eyes."""

from __future__ import annotations

import pytest

from shahada.console.errors import ForbiddenError
from shahada.console.roles import PERMISSIONS, ROLES, Actor, academy_scope, allowed, require, require_other

ACADEMY_OP = Actor("amina", "academy_operator", "CS")
NATIONAL_OP = Actor("nabil", "national_operator")
APPROVER = Actor("aya", "approver")
AUDITOR = Actor("omar", "auditor")
ADMIN = Actor("root", "administrator")


def test_every_role_has_its_permissions() -> None:
    assert set(PERMISSIONS) == set(ROLES)


@pytest.mark.parametrize("actor", [NATIONAL_OP, APPROVER, AUDITOR, ADMIN, ACADEMY_OP])
def test_everyone_signed_in_may_view_their_scope(actor: Actor) -> None:
    assert allowed(actor, "view", academy=actor.academy)


def test_an_academy_operator_works_on_their_academy_only() -> None:
    assert allowed(ACADEMY_OP, "upload", academy="CS")
    assert not allowed(ACADEMY_OP, "upload", academy="RSK")
    assert not allowed(ACADEMY_OP, "view", academy=None)  # every academy at once: no
    with pytest.raises(ForbiddenError) as err:
        require(ACADEMY_OP, "suspend", academy="RSK")
    assert err.value.code == "role.academy"
    assert academy_scope(ACADEMY_OP) == "CS"
    assert academy_scope(NATIONAL_OP) is None


@pytest.mark.parametrize(
    ("actor", "action"),
    [(ACADEMY_OP, "approve"), (ACADEMY_OP, "print"), (ACADEMY_OP, "results_day"), (NATIONAL_OP, "approve"), (APPROVER, "upload"), (APPROVER, "suspend")],
)
def test_operators_do_not_approve_and_approvers_do_not_operate(actor: Actor, action: str) -> None:
    with pytest.raises(ForbiddenError) as err:
        require(actor, action, academy=actor.academy)  # type: ignore[arg-type]
    assert err.value.code == "role.forbidden"


@pytest.mark.parametrize("action", ["upload", "approve", "print", "suspend", "request_revocation", "results_day", "accounts"])
def test_the_auditor_reads_only(action: str) -> None:
    assert not allowed(AUDITOR, action)  # type: ignore[arg-type]
    assert allowed(AUDITOR, "audit")


@pytest.mark.parametrize("action", ["upload", "approve", "print", "suspend", "request_revocation", "results_day"])
def test_the_administrator_manages_accounts_not_documents(action: str) -> None:
    assert not allowed(ADMIN, action)  # type: ignore[arg-type]
    assert allowed(ADMIN, "accounts")


def test_an_approver_approves_only_what_someone_else_submitted() -> None:
    require_other(APPROVER, "nabil")
    with pytest.raises(ForbiddenError) as err:
        require_other(APPROVER, "aya")
    assert err.value.code == "role.four_eyes"


def test_only_approvers_open_results_day() -> None:
    assert [r for r in ROLES if "results_day" in PERMISSIONS[r]] == ["approver"]
