"""``langnghe account``: staff accounts, API keys and chat link codes from the shell.

The shell is the administrator's own door (whoever runs it can read the database anyway), so
these commands act as ``SYSTEM`` and are audited under that name.

    $ echo 'mật-khẩu-đủ-dài' | langnghe account create lan --role triage --password-stdin
    $ langnghe account api-key cong-dich-vu-cong          # prints the key, once
    $ langnghe account link-code lanhdao                  # a 6-digit code for the bot
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from app.cli_support import load_settings, setup_logging
from core.accounts import SYSTEM, Account, Role
from core.errors import InvalidInput, LangngheError

if TYPE_CHECKING:
    from app.container import Container
    from services.accounts import AccountService

DEMO_PASSWORD = "langnghe-demo"
#: username → (role, department); the department must exist in core/refdata/departments.json.
DEMO_ACCOUNTS: dict[str, tuple[Role, str | None]] = {
    "admin": (Role.ADMIN, None),
    "canbo": (Role.TRIAGE, None),
    "phuong": (Role.DEPARTMENT, "ubnd_hiep_binh"),
    "lanhdao": (Role.OFFICIAL, None),
}
_ROLES = click.Choice([r.value for r in Role if r is not Role.API])


@contextmanager
def _accounts() -> Iterator[AccountService]:
    """The account service on the configured database (migrated; no model is loaded)."""
    from app.container import Container

    settings = load_settings()
    setup_logging(settings)
    container = Container(settings)
    try:
        container.db.migrate()
        yield container.accounts
    except LangngheError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        container.close()


@click.group(name="account")
def account() -> None:
    """Staff accounts, API keys and chat link codes."""


@account.command("create")
@click.argument("username")
@click.option("--role", type=_ROLES, required=True)
@click.option("--department", default=None, help="Department code (role department only).")
@click.option("--display-name", default="", help="The name shown to colleagues.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin's first line.")
def create(
    username: str, role: str, department: str | None, display_name: str, password_stdin: bool
) -> None:
    """Create an account (the password is asked for, twice, unless --password-stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _accounts() as accounts:
        made = accounts.create_account(SYSTEM, username, password, Role(role), department,
                                       display_name)  # fmt: skip
    click.echo(f"created {_describe(made)}")


@account.command("list")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=None)
def list_accounts(role: str | None) -> None:
    """Accounts by username: name, role, department, active or not."""
    with _accounts() as accounts:
        for a in accounts.accounts(Role(role) if role else None):
            click.echo(_describe(a))


@account.command("disable")
@click.argument("username")
def disable(username: str) -> None:
    """Deactivate an account and end its sessions."""
    with _accounts() as accounts:
        click.echo(f"disabled {_describe(accounts.disable_account(SYSTEM, username))}")


@account.command("api-key")
@click.argument("name")
@click.option("--role", type=click.Choice(["api", "triage", "official"]), default="api",
              show_default=True)  # fmt: skip
def api_key(name: str, role: str) -> None:
    """Create an API client; its key goes to stdout, once (it is stored only as a hash)."""
    with _accounts() as accounts:
        client, key = accounts.create_api_key(SYSTEM, name, Role(role))
    click.echo(f"API client {client.name} ({client.role}); keep this key, it is not shown again:",
               err=True)  # fmt: skip
    click.echo(key)


@account.command("link-code")
@click.argument("username")
def link_code(username: str) -> None:
    """A one-time code (10 minutes) the official writes to the bot: /lienket CODE."""
    with _accounts() as accounts:
        code = accounts.new_link_code(accounts.account_named(username).id)
    click.echo(f'write "/lienket {code}" to the bot within 10 minutes:', err=True)
    click.echo(code)


def ensure_demo_accounts(accounts: AccountService, *, environment: str) -> list[Account]:
    """The demo's four accounts (password ``langnghe-demo``), created if missing.

    Called only where the demo is asked for (``langnghe demo``, ``serve --demo``), and
    refused in production: the password is printed in the README.
    """
    if environment == "production":
        raise InvalidInput("demo accounts have a public password: not in production",
                           code="account.demo_in_production")  # fmt: skip
    return [
        accounts.ensure_account(SYSTEM, name, DEMO_PASSWORD, role, department)
        for name, (role, department) in DEMO_ACCOUNTS.items()
    ]


def load_demo_accounts(container: Container) -> None:
    """``_load_demo``'s step: the demo accounts, and how to log in with them."""
    made = ensure_demo_accounts(container.accounts, environment=container.settings.environment)
    names = ", ".join(f"{a.username} ({a.role})" for a in made)
    click.echo(f"demo accounts: {names}; password {DEMO_PASSWORD}", err=True)


def _describe(a: Account) -> str:
    department = f" {a.department}" if a.department else ""
    state = "" if a.active else " (disabled)"
    return f"{a.username}\t{a.role}{department}{state}"
