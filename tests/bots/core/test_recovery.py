"""Updates accepted (stored, acknowledged with 200) and never answered are answered after a
restart: the real engine on its own SQLite chat database, a "crash" being an engine that
accepted updates and was then thrown away."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from bots.core.dialogue import DialogueEngine
from bots.core.messages_vi import say
from bots.core.recovery import Claims
from core.chat import ChatChannel, Incoming, IncomingKind, Reply
from core.chat_ports import ChatStore, MessagingWindowClosed
from core.errors import ExternalServiceError
from stores.sql.chat_store import SqlChatStore
from stores.sql.db import Database
from tests.bots.support import now, text_of

_ids = itertools.count(1)


def update(
    text: str,
    channel: ChatChannel = ChatChannel.TELEGRAM,
    *,
    minutes_ago: float = 5,
    kind: IncomingKind = IncomingKind.TEXT,
) -> Incoming:
    n = next(_ids)
    return Incoming(channel=channel, user_id=f"rec-user-{n}", update_id=f"rec-{n}", kind=kind,
                    received_at=now() - timedelta(minutes=minutes_ago), text=text)  # fmt: skip


@dataclass
class Sender:
    """The per-channel send function a restarted server passes to ``recover``."""

    error: Exception | None = None
    sent: list[tuple[Incoming, list[Reply]]] = field(default_factory=list)

    def __call__(self, incoming: Incoming, replies: list[Reply]) -> None:
        if self.error is not None:
            raise self.error
        self.sent.append((incoming, replies))


class HookedStore:
    """The real store; ``hooks[name]()`` runs before that method does (raise to fail it)."""

    def __init__(self, inner: ChatStore, **hooks: Callable[[], object]) -> None:
        self.inner, self.hooks = inner, hooks

    def __getattr__(self, name: str) -> Any:
        method, hook = getattr(self.inner, name), self.hooks.get(name)
        if hook is None:
            return method

        def hooked(*args: object, **kwargs: object) -> Any:
            hook()
            return method(*args, **kwargs)

        return hooked


def raising(error: Exception) -> Callable[[], None]:
    def fail() -> None:
        raise error

    return fail


@pytest.fixture
def store(sqlite_db: Database) -> SqlChatStore:
    return SqlChatStore(sqlite_db)


@pytest.fixture
def start(
    new_engine: Callable[..., DialogueEngine], sqlite_db: Database
) -> Callable[..., DialogueEngine]:
    """A server (re)started on the same chat database: a new engine, nothing in memory."""

    def engine(**options: object) -> DialogueEngine:
        options.setdefault("chat_store", SqlChatStore(sqlite_db))
        return new_engine(**options)

    return engine


def test_what_a_crash_left_unanswered_is_answered_after_the_restart(
    start: Callable[..., DialogueEngine], store: SqlChatStore
) -> None:
    left = [
        update("/start", kind=IncomingKind.FOLLOW, minutes_ago=9),
        update("xin chào", ChatChannel.ZALO, minutes_ago=7),
        update("xin chao", ChatChannel.WEB, minutes_ago=3),
    ]
    crashed = start()
    assert all(crashed.accept(incoming) for incoming in left)
    send = Sender()
    restarted = start()
    assert restarted.recover(send) == 3
    assert [incoming for incoming, _ in send.sent] == left  # oldest first, as received
    assert [text_of(replies) for _, replies in send.sent] == [say("greeting")] * 3
    assert store.unanswered(now()) == []
    web_retry = start().handle(left[2])  # the page asks again: the stored answer
    assert text_of(web_retry) == say("greeting")
    assert start().recover(send) == 0 and len(send.sent) == 3


@pytest.mark.parametrize(
    "minutes_ago",
    [pytest.param(0.1, id="being-answered-now"), pytest.param(60 * 25, id="older-than-a-day")],
)
def test_updates_being_answered_now_or_too_old_are_left_alone(
    start: Callable[..., DialogueEngine], store: SqlChatStore, minutes_ago: float
) -> None:
    incoming = update("Đường Lê Văn Việt ngập", minutes_ago=minutes_ago)
    assert start().accept(incoming)
    send = Sender()
    assert start().recover(send) == 0
    assert send.sent == []
    assert store.unanswered(now() + timedelta(minutes=1), newer_than=now() - timedelta(days=2))


def test_the_live_webhook_and_the_recovery_never_answer_one_update_both(
    start: Callable[..., DialogueEngine], store: SqlChatStore
) -> None:
    left = update("xin chào", minutes_ago=6)
    start().accept(left)
    accepted_while_recovering: list[bool] = []
    live = start(chat_store=HookedStore(
        store, conversation=lambda: accepted_while_recovering.append(live.accept(left))
    ))  # fmt: skip
    backlog = update("xin chào", ChatChannel.ZALO, minutes_ago=10)  # redelivered after an outage
    assert live.accept(backlog)  # the webhook took it first: its worker answers it
    send = Sender()
    assert live.recover(send) == 1
    assert [incoming for incoming, _ in send.sent] == [left]
    assert accepted_while_recovering == [False]  # delivered again mid-recovery: not queued


def test_replies_the_platform_refuses_go_to_the_outbox(
    start: Callable[..., DialogueEngine], store: SqlChatStore
) -> None:
    incoming = update("xin chào", ChatChannel.ZALO)
    start().accept(incoming)
    send = Sender(error=MessagingWindowClosed("the Zalo user last wrote 8 days ago"))
    assert start().recover(send) == 1
    due = store.due_notifications(now() + timedelta(seconds=1))
    assert [(n.channel, n.user_id) for n in due] == [(ChatChannel.ZALO, incoming.user_id)]
    assert due[0].text.startswith(say("greeting"))
    assert store.unanswered(now()) == []


def test_an_update_the_engine_fails_on_gets_the_apology_and_is_not_retried(
    start: Callable[..., DialogueEngine], store: SqlChatStore
) -> None:
    incoming = update("Cống bị nghẹt ở đường số 8")
    start().accept(incoming)
    buggy = HookedStore(store, conversation=raising(RuntimeError("bug in a flow")))
    send = Sender()
    assert start(chat_store=buggy).recover(send) == 1
    assert [text_of(replies) for _, replies in send.sent] == [say("error.generic")]
    assert start().recover(send) == 0 and len(send.sent) == 1


def test_an_update_that_cannot_be_answered_now_waits_for_the_next_start(
    start: Callable[..., DialogueEngine], store: SqlChatStore
) -> None:
    incoming = update("xin chào")
    start().accept(incoming)
    down = ExternalServiceError("database is locked", code="chat.database_failed")
    broken = HookedStore(store, record_update=raising(down), save_replies=raising(down))
    send = Sender()
    assert start(chat_store=broken).recover(send) == 0
    assert send.sent == [] and store.unanswered(now()) == [incoming]
    assert start().recover(send) == 1
    assert text_of(send.sent[0][1]) == say("greeting")


def test_accept_says_whether_the_channel_should_answer(
    start: Callable[..., DialogueEngine],
) -> None:
    incoming = update("Cho hỏi hồ sơ H29.01-241201-0001", minutes_ago=0)
    engine = start()
    assert engine.accept(incoming)  # new
    assert not engine.accept(incoming)  # delivered again while this process answers it
    restarted = start()
    assert restarted.accept(incoming)  # stored, never answered: the first process crashed
    restarted.handle(incoming)
    assert not start().accept(incoming)  # answered: its replies went out then


def test_claims_forget_the_oldest_beyond_their_size() -> None:
    claims = Claims(size=2)
    assert [claims.take(("zalo", k)) for k in ("m-1", "m-2", "m-1", "m-3")] == [
        True, True, False, True,
    ]  # fmt: skip
    assert claims.take(("zalo", "m-1"))  # forgotten when m-3 came
    assert claims.take(("telegram", "m-3"))  # another channel's update with the same id
