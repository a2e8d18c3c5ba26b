"""Accounts, sessions, failures, API clients and chat links on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.account_ports import NewAccount
from core.accounts import Role
from core.errors import Conflict
from stores.sql.account_store import SqlAccountStore
from stores.sql.db import Database

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture
def store(database: Database) -> SqlAccountStore:
    return SqlAccountStore(database)


def _add(store: SqlAccountStore, name: str, role: Role = Role.TRIAGE, dept: str | None = None
         ) -> int:  # fmt: skip
    return store.add_account(NewAccount(name, name.title(), f"hash-{name}", role, dept, NOW)).id


def test_accounts_round_trip_and_names_are_unique(store: SqlAccountStore) -> None:
    lan = store.add_account(NewAccount("lan", "Chị Lan", "h1", Role.TRIAGE, None, NOW))
    assert (lan.username, lan.display_name, lan.role, lan.active) == ("lan", "Chị Lan",
                                                                     Role.TRIAGE, True)  # fmt: skip
    assert lan.created_at == NOW and lan.created_at.tzinfo is not None
    with pytest.raises(Conflict):
        store.add_account(NewAccount("lan", "Other", "h2", Role.ADMIN, None, NOW))
    record = store.password_record("lan")
    assert record is not None and record.password_hash == "h1" and record.account == lan
    assert store.password_record("nobody") is None
    assert store.account(lan.id) == lan and store.account(9999) is None


def test_listing_filters_and_updates(store: SqlAccountStore) -> None:
    a, _ = _add(store, "binh", Role.DEPARTMENT, "ubnd_hiep_binh"), _add(store, "an")
    _add(store, "cuong", Role.DEPARTMENT, "ubnd_an_khanh")
    assert [x.username for x in store.accounts()] == ["an", "binh", "cuong"]
    assert [x.username for x in store.accounts(role=Role.DEPARTMENT)] == ["binh", "cuong"]
    assert [x.username for x in store.accounts(department="ubnd_hiep_binh")] == ["binh"]
    store.set_active(a, False)
    store.set_password_hash(a, "new-hash", NOW + HOUR)
    record = store.password_record("binh")
    assert record is not None and not record.account.active and record.password_hash == "new-hash"


def test_sessions_slide_and_are_deleted(store: SqlAccountStore) -> None:
    lan, an = _add(store, "lan"), _add(store, "an")
    store.add_session("t1", lan, "csrf1", NOW, NOW + HOUR, "10.0.0.7")
    store.add_session("t2", lan, "csrf2", NOW, NOW + 2 * HOUR, None)
    store.add_session("t3", an, "csrf3", NOW, NOW + 3 * HOUR, "x" * 100)
    s = store.session("t1")
    assert s is not None and s.account.username == "lan" and s.csrf_token == "csrf1"
    assert (s.expires_at, s.last_seen_at) == (NOW + HOUR, NOW)
    store.touch_session("t1", NOW + HOUR / 2, NOW + 5 * HOUR)
    s = store.session("t1")
    assert s is not None and (s.expires_at, s.last_seen_at) == (NOW + 5 * HOUR, NOW + HOUR / 2)
    assert store.delete_sessions(expired_by=NOW + 2 * HOUR) == 1  # t2
    assert store.session("t2") is None
    store.delete_session("t3")
    assert store.session("t3") is None
    assert store.delete_sessions(account_id=lan) == 1
    assert store.session("t1") is None and store.session("unknown") is None


def test_failures_are_counted_by_username_and_by_address(store: SqlAccountStore) -> None:
    for minutes, user, ip in [(1, "lan", "1.1.1.1"), (2, "lan", "2.2.2.2"), (3, "an", "1.1.1.1")]:
        store.add_failure(user, ip, NOW + timedelta(minutes=minutes))
    since = NOW + timedelta(seconds=90)
    assert store.failures_since(NOW, username="lan") == [NOW + timedelta(minutes=m) for m in (1, 2)]
    assert store.failures_since(since, username="lan") == [NOW + timedelta(minutes=2)]
    assert store.failures_since(NOW, ip="1.1.1.1") == [NOW + timedelta(minutes=m) for m in (1, 3)]
    store.clear_failures("lan")
    assert store.failures_since(NOW, username="lan") == []
    assert len(store.failures_since(NOW, ip="1.1.1.1")) == 1
    assert store.forget_failures(NOW + timedelta(minutes=3)) == 0
    assert store.forget_failures(NOW + timedelta(minutes=4)) == 1
    assert store.failures_since(NOW, ip="1.1.1.1") == []


def test_api_clients_are_found_by_prefix_and_revoked_once(store: SqlAccountStore) -> None:
    client = store.add_api_client("portal", "ab12cd34", "keyhash", Role.API, NOW)
    assert (client.name, client.key_prefix, client.role, client.revoked_at) == (
        "portal", "ab12cd34", Role.API, None)  # fmt: skip
    with pytest.raises(Conflict):
        store.add_api_client("portal", "ffff0000", "other", Role.API, NOW)
    record = store.key_record("ab12cd34")
    assert record is not None and record.key_hash == "keyhash" and record.last_used_at is None
    store.touch_api_client(client.id, NOW + HOUR)
    record = store.key_record("ab12cd34")
    assert record is not None and record.last_used_at == NOW + HOUR
    revoked = store.revoke_api_client("portal", NOW + 2 * HOUR)
    assert revoked is not None and revoked.revoked_at == NOW + 2 * HOUR
    assert store.revoke_api_client("portal", NOW + 3 * HOUR) is None
    assert store.revoke_api_client("nobody", NOW) is None
    assert [c.name for c in store.api_clients()] == ["portal"]


def test_link_codes_are_used_once_and_expire(store: SqlAccountStore) -> None:
    lan = _add(store, "lan", Role.OFFICIAL)
    store.add_link_code("c1", lan, NOW, NOW + HOUR)
    with pytest.raises(Conflict):
        store.add_link_code("c1", lan, NOW, NOW + HOUR)
    store.add_link_code("c2", lan, NOW, NOW + HOUR)
    assert store.use_link_code("c1", NOW + HOUR / 2) == lan
    assert store.use_link_code("c1", NOW + HOUR / 2) is None  # once
    assert store.use_link_code("c2", NOW + HOUR) is None  # expired
    assert store.use_link_code("nope", NOW) is None
    store.add_link_code("c2", lan, NOW + 2 * HOUR, NOW + 3 * HOUR)  # the expired one is purged
    assert store.use_link_code("c2", NOW + 2 * HOUR) == lan


def test_chat_links_relink_and_list_active_officials(store: SqlAccountStore) -> None:
    lan, an = _add(store, "lan", Role.OFFICIAL), _add(store, "an", Role.TRIAGE)
    boss = _add(store, "boss", Role.ADMIN)
    store.link_chat("telegram", "42", an, NOW)
    store.link_chat("telegram", "42", lan, NOW + HOUR)  # the same chat, re-linked
    store.link_chat("zalo", "8413027765", boss, NOW)
    store.link_chat("zalo", "77", an, NOW)
    linked = store.linked_account("telegram", "42")
    assert linked is not None and linked.username == "lan"
    assert store.linked_account("telegram", "43") is None
    officials = frozenset({Role.OFFICIAL, Role.ADMIN})
    assert store.linked_chats(officials) == [("telegram", "42"), ("zalo", "8413027765")]
    store.set_active(boss, False)
    assert store.linked_chats(officials) == [("telegram", "42")]
