"""Feedback ↔ chat user links and the Zalo token row, on SQLite and on the local PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from core.chat import ChatChannel
from core.errors import InvalidInput, NotFound
from stores.sql.chat_link_store import SqlChatLinkStore
from stores.sql.db import Database
from stores.sql.feedback_store import SqlFeedbackStore
from stores.sql.zalo_token_store import SqlZaloTokenStore
from tests.factories import feedback_in

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
APP = "1839204716253"


@pytest.fixture
def links(database: Database) -> SqlChatLinkStore:
    return SqlChatLinkStore(database)


@pytest.fixture
def tokens(database: Database) -> Iterator[SqlZaloTokenStore]:
    with database.engine.begin() as conn:  # the PostgreSQL database is shared by the session
        conn.exec_driver_sql("DELETE FROM zalo_token")
    yield SqlZaloTokenStore(database)


def _feedback(database: Database, message_id: str) -> int:
    text = "Rác thải ùn ứ trước chợ Thủ Đức, bốc mùi hôi thối"
    return SqlFeedbackStore(database).add(feedback_in(message_id, text=text)).feedback.id


@pytest.mark.parametrize(
    ("channel", "user_id"),
    [(ChatChannel.ZALO, "8413027765421"), (ChatChannel.TELEGRAM, "605144218")],
)
def test_a_link_is_kept_once_however_often_it_is_written(
    database: Database, links: SqlChatLinkStore, channel: ChatChannel, user_id: str
) -> None:
    fid = _feedback(database, f"{channel}-1")
    links.link(fid, channel, user_id)
    links.link(fid, channel, user_id)  # the platform redelivered the message
    assert links.subscribers(fid) == [(channel, user_id)]


def test_subscribers_are_per_feedback(database: Database, links: SqlChatLinkStore) -> None:
    first, second = _feedback(database, "a"), _feedback(database, "b")
    links.link(first, ChatChannel.ZALO, "z-1")
    links.link(first, ChatChannel.TELEGRAM, "t-1")
    links.link(second, ChatChannel.ZALO, "z-2")
    assert set(links.subscribers(first)) == {(ChatChannel.ZALO, "z-1"),
                                             (ChatChannel.TELEGRAM, "t-1")}  # fmt: skip
    assert links.subscribers(second) == [(ChatChannel.ZALO, "z-2")]
    assert links.subscribers(second + 1000) == []


def test_linking_an_unknown_feedback_is_not_found(links: SqlChatLinkStore) -> None:
    with pytest.raises(NotFound) as err:
        links.link(987_654, ChatChannel.ZALO, "z-1")
    assert err.value.code == "feedback.not_found"


def test_a_link_needs_a_user(database: Database, links: SqlChatLinkStore) -> None:
    with pytest.raises(InvalidInput):
        links.link(_feedback(database, "c"), ChatChannel.ZALO, "  ")


# -- the Zalo token row ----------------------------------------------------------------------


def test_seeding_never_overwrites_a_rotated_token(tokens: SqlZaloTokenStore) -> None:
    tokens.seed(APP, "rt-from-settings", NOW)
    tokens.rotate(APP, "at-1", "rt-1", NOW + timedelta(hours=25), NOW)
    tokens.seed(APP, "rt-from-settings", NOW)  # a restart with the same settings
    row = tokens.load(APP)
    assert row is not None
    assert (row.access_token, row.refresh_token, row.rotated_at) == ("at-1", "rt-1", NOW)
    assert row.expires_at == NOW + timedelta(hours=25)


def test_only_one_claim_wins_a_version(tokens: SqlZaloTokenStore) -> None:
    tokens.seed(APP, "rt-0", NOW)
    lease = NOW + timedelta(seconds=30)
    assert tokens.claim(APP, 0, lease, NOW) is True
    assert tokens.claim(APP, 0, lease, NOW) is False  # the same version: already taken
    assert tokens.claim(APP, 1, lease, NOW) is False  # the lease is live
    row = tokens.load(APP)
    assert row is not None and (row.version, row.lease_until) == (1, lease)


def test_an_expired_lease_can_be_claimed_again(tokens: SqlZaloTokenStore) -> None:
    """A refresher that died mid-way does not block the account for ever."""
    tokens.seed(APP, "rt-0", NOW)
    assert tokens.claim(APP, 0, NOW + timedelta(seconds=30), NOW)
    later = NOW + timedelta(seconds=31)
    assert tokens.claim(APP, 1, later + timedelta(seconds=30), later) is True


def test_rotating_ends_the_lease_and_moves_the_version(tokens: SqlZaloTokenStore) -> None:
    tokens.seed(APP, "rt-0", NOW)
    assert tokens.claim(APP, 0, NOW + timedelta(seconds=30), NOW)
    tokens.rotate(APP, "at-1", "rt-1", NOW + timedelta(hours=25), NOW)
    row = tokens.load(APP)
    assert row is not None and (row.version, row.lease_until) == (2, None)
    assert tokens.claim(APP, 1, NOW + timedelta(seconds=30), NOW) is False  # stale version


def test_releasing_a_claim_lets_the_next_caller_in(tokens: SqlZaloTokenStore) -> None:
    tokens.seed(APP, "rt-0", NOW)
    assert tokens.claim(APP, 0, NOW + timedelta(seconds=30), NOW)
    tokens.release(APP, 1)
    assert tokens.claim(APP, 1, NOW + timedelta(seconds=30), NOW) is True


def test_no_row_before_seeding(tokens: SqlZaloTokenStore) -> None:
    assert tokens.load(APP) is None
    assert tokens.claim(APP, 0, NOW + timedelta(seconds=30), NOW) is False
