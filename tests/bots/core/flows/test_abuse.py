"""Abusive messages get a calm reply and never become feedback; rude reports stay reports."""

from __future__ import annotations

import pytest

from bots.core.dialogue import BotServices
from bots.core.flows.context import FEEDBACK_SEND
from bots.core.messages_vi import say
from core.chat import ChatChannel
from core.types import FeedbackQuery
from tests.bots.support import Chat, payloads, text_of

CALM = say("abuse")


def reports_of(services: BotServices, chat: Chat) -> int:
    sender = services.feedback.pseudonym(chat.channel.value, chat.user_id)
    return services.feedback.find(FeedbackQuery(sender_id=sender)).total


@pytest.mark.parametrize(
    "message", ["thằng bot ngu như bò", "thang bot ngu nhu bo", "dm bọn mày", "đồ ngu", "vcl"]
)
def test_abuse_gets_a_calm_reply(chat: Chat, message: str) -> None:
    assert text_of(chat.say(message)) == CALM


def test_abuse_inside_the_report_flow_is_not_taken_as_the_problem(
    chat: Chat, services: BotServices
) -> None:
    chat.say("Tôi muốn phản ánh")
    assert text_of(chat.say("mày là đồ chó")) == CALM
    conv = services.chat_store.conversation(ChatChannel.WEB, chat.user_id)
    assert conv.flow == "feedback" and conv.data["text"] == ""
    assert text_of(chat.say("gửi")) == say("feedback.ask_place")  # "gửi" is now the problem
    assert reports_of(services, chat) == 0


@pytest.mark.parametrize(
    "report",
    [
        "Con chó hàng xóm sủa cả đêm ở hẻm 12 Đặng Văn Bi",
        "mấy thằng côn đồ đánh nhau ở chợ Thủ Đức",
    ],
)
def test_a_report_in_rude_words_is_still_a_report(
    chat: Chat, services: BotServices, report: str
) -> None:
    replies = chat.say(report)
    assert text_of(replies) != CALM
    assert FEEDBACK_SEND in payloads(replies) or text_of(replies) == say("feedback.ask_place")
