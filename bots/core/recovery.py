"""Answering, after a restart, the updates a crash left accepted but unanswered.

A webhook stores each update (``DialogueEngine.accept``) before it answers the platform 200;
from then on the platform will not deliver it again, so a crash before the reply was stored
would lose the message. At start the server answers such updates itself, oldest first (one
user's messages stay in order), and hands the replies to a per-channel ``send``.

The live webhooks and the recovery share one ``Claims``: a platform that comes back after an
outage delivers its backlog while the recovery runs, with the old timestamps, and whichever
takes an update first answers it alone.

Each update is tried once per start. One that fails with a bug is answered with the generic
apology (stored like any answer, so it is not retried at every start); one that fails because
the database is down stays unanswered for the next start. Replies the platform refuses go to
the notification outbox, which retries them.

    >>> recover_unanswered(engine.handle, chat_store, send, claims,
    ...                    received=(now - timedelta(days=1), now - timedelta(seconds=30)))
    3
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime

from bots.core.messages_vi import say
from core.chat import Incoming, Reply
from core.chat_ports import ChatStore
from core.errors import LangngheError

log = logging.getLogger(__name__)

#: Delivers replies outside a webhook call, on the update's channel (e.g. a ``ChannelSender``).
Send = Callable[[Incoming, list[Reply]], None]
Handle = Callable[[Incoming], list[Reply]]
Key = tuple[str, str]


class Claims:
    """The updates this process has taken on (channel, update id); the last ``size`` are kept.

    >>> claims = Claims()
    >>> claims.take(("zalo", "m-1")), claims.take(("zalo", "m-1"))
    (True, False)
    """

    def __init__(self, size: int = 10_000) -> None:
        self._keys: OrderedDict[Key, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def take(self, key: Key) -> bool:
        """Whether ``key`` was free; it is taken either way."""
        with self._lock:
            if key in self._keys:
                return False
            self._keys[key] = None
            if len(self._keys) > self._size:
                self._keys.popitem(last=False)
            return True


def key_of(incoming: Incoming) -> Key:
    return incoming.channel.value, incoming.update_id


def recover_unanswered(
    handle: Handle,
    store: ChatStore,
    send: Send,
    claims: Claims,
    *,
    received: tuple[datetime, datetime],
    batch: int = 100,
) -> int:
    """Answer and send the unanswered updates received between the two times; how many.

    Only updates this process has not taken on yet (``claims``) are answered, each once.
    """
    after, before = received
    answered = failed = 0
    while todo := [i for i in store.unanswered(before, batch, newer_than=after)
                   if claims.take(key_of(i))]:  # fmt: skip
        for incoming in todo:
            replies = _answer(handle, store, incoming)
            if replies is None:
                failed += 1
                continue
            _deliver(store, send, incoming, replies)
            answered += 1
    log.info("chat.recovered answered=%d failed=%d", answered, failed)
    return answered


def _answer(handle: Handle, store: ChatStore, incoming: Incoming) -> list[Reply] | None:
    """The engine's answer, stored; an apology when it fails; None when nothing could be stored."""
    try:
        return handle(incoming)
    except Exception:
        log.exception("chat.recover_failed channel=%s update=%s", *key_of(incoming))
    apology = [Reply(say("error.generic"))]
    try:
        store.save_replies(incoming.channel, incoming.update_id, apology)
    except LangngheError as exc:  # the database is down: the next start tries again
        log.warning("chat.recover_unsaved code=%s update=%s", exc.code, incoming.update_id)
        return None
    return apology


def _deliver(store: ChatStore, send: Send, incoming: Incoming, replies: list[Reply]) -> None:
    """Send; what the platform refuses goes to the outbox (retried by the notification worker)."""
    try:
        send(incoming, replies)
    except LangngheError as exc:
        log.warning("chat.recover_queued code=%s channel=%s", exc.code, incoming.channel)
        texts = [t for t in (r.as_plain_text().strip() for r in replies) if t]
        for text in texts:
            store.enqueue(incoming.channel, incoming.user_id, text, None)
    except Exception:  # the answer is stored: a redelivery (or the web page's retry) gets it
        log.exception("chat.recover_send_failed channel=%s update=%s", *key_of(incoming))
