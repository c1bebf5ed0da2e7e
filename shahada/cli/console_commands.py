"""``shahada console add-user NAME --role ROLE [--academy CODE]``: create a staff console account
(the first administrator included) without the console running. The password comes from
``SHAHADA_CONSOLE_PASSWORD``, ``--password-file`` or a prompt (never an argument); the account's
TOTP secret is printed once, with its ``otpauth://`` URI for an authenticator app.

``shahada console disable NAME`` / ``enable NAME``: lock an account out (its sign-ins end) or back in."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from shahada.cli.common import _fail, _settings, academy_code
from shahada.common.errors import ShahadaError

PASSWORD_ENV = "SHAHADA_CONSOLE_PASSWORD"
ROLE_NAMES = ("academy_operator", "national_operator", "approver", "auditor", "administrator")


@click.group("console")
def console_group() -> None:
    """Staff console accounts (``shahada serve console`` serves the console itself)."""


def _password(password_file: Path | None) -> str:
    if password_file is not None:
        return password_file.read_text(encoding="utf-8").rstrip("\r\n")
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    return str(click.prompt("password (12 characters or more)", hide_input=True, confirmation_prompt=True, err=True))


@console_group.command("add-user")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLE_NAMES))
@click.option("--academy", callback=academy_code, default=None, help="an academy operator's academy (code)")
@click.option("--password-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None, help="read the password from this file")
def add_user(name: str, role: str, academy: str | None, password_file: Path | None) -> None:
    """Create an account; prints its TOTP secret ONCE (enter it in an authenticator app)."""
    from shahada.console import Accounts
    from shahada.database import open_archive
    from shahada.schemas.reference import bundled_reference
    from shahada.services import console_settings

    try:
        settings = _settings()
        values = console_settings(settings, os.environ)
        password = _password(password_file)
        archive = open_archive(settings.archive_url)
        try:
            created = Accounts(archive.engine, values).create(
                name, role, password, academy=academy, by=f"cli:{settings.operator}", now=dt.datetime.now(dt.UTC),
                academies=frozenset(bundled_reference().academies),
            )
        finally:
            archive.close()
    except ShahadaError as err:
        _fail(err)
    click.echo(f"account {created.actor.name} ({created.actor.role}{', ' + academy if academy else ''}) created")
    click.echo(f"TOTP secret (shown once): {created.totp_secret}")
    click.echo(f"authenticator URI: {created.provisioning_uri}")


def _set_disabled(name: str, disabled: bool) -> None:
    from shahada.console import Accounts
    from shahada.database import open_archive
    from shahada.services import console_settings

    try:
        settings = _settings()
        archive = open_archive(settings.archive_url)
        try:
            Accounts(archive.engine, console_settings(settings, os.environ)).set_disabled(
                name, disabled, by=f"cli:{settings.operator}", now=dt.datetime.now(dt.UTC)
            )
        finally:
            archive.close()
    except ShahadaError as err:
        _fail(err)
    click.echo(f"account {name} {'disabled' if disabled else 'enabled'}")


@console_group.command("disable")
@click.argument("name")
def disable(name: str) -> None:
    """Disable an account (its sign-ins end at once)."""
    _set_disabled(name, True)


@console_group.command("enable")
@click.argument("name")
def enable(name: str) -> None:
    """Enable a disabled account."""
    _set_disabled(name, False)
