"""The public names of shahada.console (httpx's tests/test_exported_members.py)."""

from __future__ import annotations

import shahada.console


def test_exported_members() -> None:
    exported = set(shahada.console.__all__)
    assert exported <= set(dir(shahada.console))  # every exported name exists
    assert exported == {
        "Accounts", "Actor", "CONSOLE_KEY", "Console", "ConsoleError", "ConsoleSettings", "ForbiddenError", "FormError", "Ministry", "NewAccount",
        "NotFoundError", "PrintSession", "ROLES", "RateLimitedError", "Role", "SECRET_ENV", "SettingsError", "SignInError", "StateError", "allowed",
        "create_app",
    }
