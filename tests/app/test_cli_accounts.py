"""``langnghe account …`` and the demo accounts, in process on a SQLite file under LANGNGHE_HOME."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main
from app.cli_accounts import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    ensure_demo_accounts,
    load_demo_accounts,
)
from app.container import Container
from app.settings import Settings
from core.accounts import Role
from core.errors import InvalidInput
from tests.api.auth_support import fast_accounts

PASSWORD = "mat-khau-du-dai"


def _run(args: list[str], stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, args, input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def container(home: Path) -> Iterator[Container]:
    c = Container(Settings())
    c.db.migrate()
    fast_accounts(c)  # the commands under test build their own container, with real argon2
    yield c
    c.close()


def test_create_list_and_disable(home: Path, container: Container) -> None:
    code, out, err = _run(["account", "create", "Lan", "--role", "department", "--department",
                           "ubnd_hiep_binh", "--password-stdin"], PASSWORD + "\n")  # fmt: skip
    assert code == 0, err
    assert out.strip() == "created lan\tdepartment ubnd_hiep_binh"
    code, out, _ = _run(
        ["account", "create", "an", "--role", "triage"], f"{PASSWORD}\n{PASSWORD}\n"
    )  # fmt: skip
    assert code == 0
    assert container.accounts.login("an", PASSWORD).account.role is Role.TRIAGE
    assert _run(["account", "list"])[1].splitlines() == [
        "an\ttriage", "lan\tdepartment ubnd_hiep_binh"]  # fmt: skip
    assert _run(["account", "list", "--role", "triage"])[1].splitlines() == ["an\ttriage"]
    assert _run(["account", "disable", "AN"])[0] == 0
    assert _run(["account", "list", "--role", "triage"])[1].strip() == "an\ttriage (disabled)"


def test_bad_input_fails_with_one_clear_line(home: Path) -> None:
    code, _, err = _run(["account", "create", "lan", "--role", "triage", "--password-stdin"],
                        "short\n")  # fmt: skip
    assert code == 1 and "account.password_too_short" in err and "Traceback" not in err
    code, _, err = _run(["account", "create", "lan", "--role", "api", "--password-stdin"], "x")
    assert code == 2  # not a choice: API clients are made with api-key
    assert _run(["account", "disable", "nobody"])[0] == 1


def test_api_key_is_printed_once_and_works(home: Path, container: Container) -> None:
    code, out, err = _run(["account", "api-key", "Cong-Dich-Vu"])
    assert code == 0 and "not shown again" in err
    key = out.strip()
    principal = container.accounts.api_key_principal(key)
    assert principal is not None and principal.label == "api:cong-dich-vu"
    assert _run(["account", "api-key", "cong-dich-vu"])[0] == 1  # the name is taken


def test_link_code_for_an_official(home: Path, container: Container) -> None:
    _run(["account", "create", "lanhdao", "--role", "official", "--password-stdin"], PASSWORD)
    code, out, err = _run(["account", "link-code", "lanhdao"])
    assert code == 0 and "/lienket" in err
    assert container.accounts.link_chat("telegram", "42", out.strip()).username == "lanhdao"
    _run(["account", "create", "canbo", "--role", "triage", "--password-stdin"], PASSWORD)
    assert _run(["account", "link-code", "canbo"])[0] == 1


def test_demo_accounts_are_idempotent_and_refused_in_production(container: Container) -> None:
    made = ensure_demo_accounts(container.accounts, environment="development")
    again = ensure_demo_accounts(container.accounts, environment="development")
    assert [a.username for a in made] == list(DEMO_ACCOUNTS) and again == made
    assert {a.username: (a.role, a.department) for a in made} == DEMO_ACCOUNTS
    assert container.accounts.login("phuong", DEMO_PASSWORD).account.department == (
        "ubnd_hiep_binh")  # fmt: skip
    with pytest.raises(InvalidInput):
        ensure_demo_accounts(container.accounts, environment="production")


def test_the_demo_step_says_how_to_log_in(
    container: Container, capsys: pytest.CaptureFixture[str]
) -> None:
    load_demo_accounts(container)
    err = capsys.readouterr().err
    assert "phuong (department)" in err and DEMO_PASSWORD in err
    assert len(container.accounts.accounts()) == 4


def test_no_demo_account_without_the_demo(home: Path, container: Container) -> None:
    _run(["account", "list"])
    assert container.accounts.accounts() == []
