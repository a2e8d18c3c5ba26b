"""AccountService on a real SQLite file, a cheap argon2 and a hand-moved clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from core.accounts import SYSTEM, Principal, Role
from core.errors import Conflict, Forbidden, InvalidInput, NotFound, Throttled, Unauthenticated
from core.reference import ReferenceData
from services.accounts import AccountService
from stores.sql.account_store import SqlAccountStore
from stores.sql.audit_store import SqlAuditLog
from stores.sql.db import Database

PASSWORD = "mật khẩu đủ dài"
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def audit(sqlite_db: Database) -> SqlAuditLog:
    return SqlAuditLog(sqlite_db)


@pytest.fixture
def service(sqlite_db: Database, audit: SqlAuditLog, reference: ReferenceData, clock: Clock
            ) -> AccountService:  # fmt: skip
    return AccountService(SqlAccountStore(sqlite_db), audit, reference, hasher=FAST, clock=clock)


def _actions(audit: SqlAuditLog) -> list[str]:
    return [e.action for e in reversed(audit.recent())]


def test_create_normalises_hashes_with_argon2id_and_audits(
    service: AccountService, sqlite_db: Database, audit: SqlAuditLog
) -> None:
    account = service.create_account(SYSTEM, "  Lan.Nguyen ", PASSWORD, Role.TRIAGE)
    shown = (account.username, account.display_name, account.active)
    assert shown == ("lan.nguyen", "lan.nguyen", True)
    record = SqlAccountStore(sqlite_db).password_record("lan.nguyen")
    assert record is not None and record.password_hash.startswith("$argon2id$")
    assert PASSWORD not in record.password_hash
    [entry] = audit.recent()
    assert entry.actor == "system:langnghe"
    assert (entry.action, entry.target) == ("account.created", "lan.nguyen")
    with pytest.raises(Conflict):
        service.create_account(SYSTEM, "LAN.NGUYEN", PASSWORD, Role.ADMIN)


@pytest.mark.parametrize(
    ("username", "password", "role", "department", "code"),
    [
        ("lan", "ngắn quá", Role.TRIAGE, None, "account.password_too_short"),
        ("l", PASSWORD, Role.TRIAGE, None, "account.bad_username"),
        ("lan nguyen", PASSWORD, Role.TRIAGE, None, "account.bad_username"),
        ("lan", PASSWORD, Role.DEPARTMENT, None, "account.department_required"),
        ("lan", PASSWORD, Role.TRIAGE, "ubnd_hiep_binh", "account.department_required"),
        ("lan", PASSWORD, Role.DEPARTMENT, "ubnd_ben_nghe", "reference.unknown_department"),
        ("lan", PASSWORD, Role.API, None, "account.bad_role"),
    ],
)
def test_bad_accounts_are_refused(
    service: AccountService, username: str, password: str, role: Role, department: str | None,
    code: str,
) -> None:  # fmt: skip
    with pytest.raises(InvalidInput) as err:
        service.create_account(SYSTEM, username, password, role, department)
    if code.startswith("account."):
        assert err.value.code == code
    assert service.accounts() == []


def test_only_admins_manage_accounts(service: AccountService) -> None:
    triage = Principal("account", 1, "lan", Role.TRIAGE)
    with pytest.raises(Forbidden):
        service.create_account(triage, "an", PASSWORD, Role.ADMIN)
    with pytest.raises(Forbidden):
        service.create_api_key(triage, "portal")
    with pytest.raises(Forbidden):
        service.audit_log(triage)


def test_ensure_account_is_idempotent_and_keeps_the_password(service: AccountService) -> None:
    first = service.ensure_account(SYSTEM, "phuong", PASSWORD, Role.DEPARTMENT, "ubnd_hiep_binh")
    again = service.ensure_account(SYSTEM, "phuong", "another password", Role.ADMIN)
    assert again == first and again.role is Role.DEPARTMENT
    service.login("phuong", PASSWORD)
    assert [a.username for a in service.accounts(department="ubnd_hiep_binh")] == ["phuong"]


def test_login_session_slides_and_logout_ends_it(service: AccountService, clock: Clock) -> None:
    service.create_account(SYSTEM, "lan", PASSWORD, Role.TRIAGE)
    session = service.login("LAN", PASSWORD, ip="10.0.0.7")
    assert len(session.token) >= 43 and session.csrf_token != session.token
    assert session.expires_at == clock.now + timedelta(hours=8)
    info = service.session_principal(session.token)
    assert info is not None and info.principal.label == "staff:lan"
    assert info.csrf_token == session.csrf_token
    clock.advance(hours=7)
    info = service.session_principal(session.token)  # used within the idle time: slides
    assert info is not None and info.expires_at == clock.now + timedelta(hours=8)
    clock.advance(hours=7, minutes=59)
    assert service.session_principal(session.token) is not None
    clock.advance(hours=8, minutes=1)
    assert service.session_principal(session.token) is None
    other = service.login("lan", PASSWORD)
    service.logout(other.token)
    assert service.session_principal(other.token) is None
    assert service.session_principal("") is None and service.session_principal("x" * 500) is None


def test_session_tokens_are_stored_only_as_hashes(service: AccountService, sqlite_db: Database
                                                  ) -> None:  # fmt: skip
    service.create_account(SYSTEM, "lan", PASSWORD, Role.TRIAGE)
    session = service.login("lan", PASSWORD)
    with sqlite_db.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT token_hash FROM web_session").scalar_one()
    assert stored != session.token and len(stored) == 64


def test_wrong_name_and_wrong_password_look_the_same(
    sqlite_db: Database, audit: SqlAuditLog, reference: ReferenceData
) -> None:
    slow = AccountService(SqlAccountStore(sqlite_db), audit, reference)  # real argon2 parameters
    slow.create_account(SYSTEM, "lan", PASSWORD, Role.TRIAGE)
    errors, best = set(), {}
    for name in ("lan", "khong-co"):
        for _ in range(3):
            start = time.perf_counter()
            with pytest.raises(Unauthenticated) as err:
                slow.login(name, "sai mật khẩu rồi", ip="10.0.0.7")
            took = time.perf_counter() - start
            best[name] = min(best.get(name, took), took)
            errors.add((err.value.code, err.value.message))
    assert errors == {("auth.bad_credentials", "wrong username or password")}
    assert min(best.values()) > 0.5 * max(best.values())  # both check an argon2 hash
    failed = [e for e in audit.recent() if e.action == "auth.login_failed"]
    assert [e.target for e in failed] == ["khong-co"] * 3 + ["lan"] * 3
    assert failed[0].ip == "10.0.0.7"
    assert all("sai" not in str(e) for e in audit.recent())


def test_disabled_accounts_cannot_log_in_and_lose_their_sessions(service: AccountService) -> None:
    service.create_account(SYSTEM, "lan", PASSWORD, Role.TRIAGE)
    session = service.login("lan", PASSWORD)
    disabled = service.disable_account(SYSTEM, "lan")
    assert not disabled.active
    assert service.session_principal(session.token) is None
    with pytest.raises(Unauthenticated):
        service.login("lan", PASSWORD)
    with pytest.raises(NotFound):
        service.disable_account(SYSTEM, "nobody")


def test_logins_are_throttled_per_username_and_a_success_clears(
    service: AccountService, clock: Clock
) -> None:
    service.create_account(SYSTEM, "lan", PASSWORD, Role.TRIAGE)
    for _ in range(4):
        with pytest.raises(Unauthenticated):
            service.login("lan", "wrong password", ip="1.1.1.1")
    service.login("lan", PASSWORD, ip="1.1.1.1")  # clears the username's failures
    for minute in range(5):
        clock.advance(minutes=1)
        with pytest.raises(Unauthenticated):
            service.login("lan", "wrong password", ip=f"2.2.2.{minute}")
    with pytest.raises(Throttled) as err:
        service.login("lan", PASSWORD, ip="3.3.3.3")  # even the right password waits
    assert err.value.retry_after == 11 * 60  # the oldest failure leaves the window then
    clock.advance(minutes=11)
    service.login("lan", PASSWORD, ip="3.3.3.3")


def test_logins_are_throttled_per_address(service: AccountService) -> None:
    service.create_account(SYSTEM, "lan", PASSWORD, Role.TRIAGE)
    for n in range(20):
        with pytest.raises(Unauthenticated):
            service.login(f"user{n}", "wrong password", ip="6.6.6.6")
    with pytest.raises(Throttled):
        service.login("lan", PASSWORD, ip="6.6.6.6")
    service.login("lan", PASSWORD, ip="7.7.7.7")


def test_password_hashes_are_upgraded_at_login(
    service: AccountService, sqlite_db: Database, audit: SqlAuditLog, reference: ReferenceData
) -> None:
    service.create_account(SYSTEM, "lan", PASSWORD, Role.TRIAGE)
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    upgraded = AccountService(SqlAccountStore(sqlite_db), audit, reference, hasher=stronger)
    upgraded.login("lan", PASSWORD)
    record = SqlAccountStore(sqlite_db).password_record("lan")
    assert record is not None and "m=16,t=2" in record.password_hash
    upgraded.login("lan", PASSWORD)


def test_api_keys_authenticate_until_revoked(
    service: AccountService, sqlite_db: Database, audit: SqlAuditLog, clock: Clock
) -> None:
    client, key = service.create_api_key(SYSTEM, "Portal")
    assert key.startswith(f"lng_{client.key_prefix}_") and client.name == "portal"
    principal = service.api_key_principal(key)
    assert principal is not None and (principal.label, principal.role) == ("api:portal", Role.API)
    record = SqlAccountStore(sqlite_db).key_record(client.key_prefix)
    assert record is not None and record.last_used_at == clock.now
    assert key not in record.key_hash
    for wrong in (key[:-1] + ("A" if key[-1] != "A" else "B"), "lng_x_y", "", "Bearer " + key):
        assert service.api_key_principal(wrong) is None
    with pytest.raises(Conflict):
        service.create_api_key(SYSTEM, "portal")
    with pytest.raises(InvalidInput):
        service.create_api_key(SYSTEM, "boss", Role.ADMIN)
    service.revoke_api_key(SYSTEM, "portal")
    assert service.api_key_principal(key) is None
    with pytest.raises(NotFound):
        service.revoke_api_key(SYSTEM, "portal")
    assert _actions(audit) == ["api_key.created", "api_key.revoked"]


def test_link_codes_link_a_chat_once(service: AccountService, audit: SqlAuditLog, clock: Clock
                                     ) -> None:  # fmt: skip
    boss = service.create_account(SYSTEM, "lanhdao", PASSWORD, Role.OFFICIAL)
    code = service.new_link_code(boss.id)
    assert code.isdigit() and len(code) == 6
    assert not service.is_linked_official("telegram", "42")
    assert service.link_chat("telegram", "42", f" {code[:3]} {code[3:]}") == boss
    assert service.is_linked_official("telegram", "42")
    assert service.official_chats() == [("telegram", "42")]
    with pytest.raises(InvalidInput) as err:
        service.link_chat("zalo", "77", code)  # used already
    assert err.value.code == "link.code_invalid"
    late = service.new_link_code(boss.id)
    clock.advance(minutes=10)
    with pytest.raises(InvalidInput):
        service.link_chat("zalo", "77", late)
    assert "chat.linked" in _actions(audit)


def test_only_officials_and_admins_get_link_codes(service: AccountService) -> None:
    triage = service.create_account(SYSTEM, "lan", PASSWORD, Role.TRIAGE)
    with pytest.raises(Forbidden):
        service.new_link_code(triage.id)
    with pytest.raises(NotFound):
        service.new_link_code(9999)


def test_disabled_officials_stop_counting(service: AccountService) -> None:
    boss = service.create_account(SYSTEM, "lanhdao", PASSWORD, Role.OFFICIAL)
    service.link_chat("zalo", "77", service.new_link_code(boss.id))
    service.disable_account(SYSTEM, "lanhdao")
    assert not service.is_linked_official("zalo", "77")
    assert service.official_chats() == []


def test_wrong_link_codes_are_throttled(service: AccountService, clock: Clock) -> None:
    boss = service.create_account(SYSTEM, "lanhdao", PASSWORD, Role.OFFICIAL)
    code = service.new_link_code(boss.id)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for attempt in (wrong, "12345", "abcdef", wrong, wrong):
        with pytest.raises(InvalidInput):
            service.link_chat("telegram", "42", attempt)
    with pytest.raises(Throttled):
        service.link_chat("telegram", "42", code)
    assert service.link_chat("telegram", "43", code) == boss  # another chat is not throttled
