"""Greeting, help and the fallback: what the bot can do, as buttons."""

from __future__ import annotations

import pytest

from bots.core.flows.context import (
    MENU_DOSSIER,
    MENU_FEEDBACK,
    MENU_FEEDBACK_STATUS,
    MENU_PROCEDURE,
)
from bots.core.messages_vi import say
from core.chat import IncomingKind
from tests.bots.support import Chat, payloads, text_of

MENU = [MENU_DOSSIER, MENU_FEEDBACK, MENU_FEEDBACK_STATUS, MENU_PROCEDURE]


@pytest.mark.parametrize("message", ["Xin chào", "xin chao", "/start", "chào bot 👋", "alo"])
def test_a_greeting_says_what_the_bot_does(chat: Chat, message: str) -> None:
    replies = chat.say(message)
    assert text_of(replies) == say("greeting")
    assert payloads(replies) == MENU


def test_following_the_account_is_greeted(chat: Chat) -> None:
    replies = chat.deliver(chat.incoming(IncomingKind.FOLLOW))
    assert text_of(replies) == say("greeting")


@pytest.mark.parametrize("message", ["hôm nay trời đẹp quá", "asdfgh"])
def test_anything_else_gets_suggestions(chat: Chat, message: str) -> None:
    replies = chat.say(message)
    assert text_of(replies) == say("fallback")
    assert payloads(replies) == MENU


def test_buttons_render_as_numbered_lines_where_a_channel_has_none(chat: Chat) -> None:
    plain = chat.say("xin chào")[0].as_plain_text()
    assert plain.endswith("1. Tra cứu hồ sơ\n2. Gửi phản ánh\n3. Theo dõi phản ánh\n4. Hỏi thủ tục")
