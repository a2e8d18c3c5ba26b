"""Feedback status by reference, and "my reports" by the sender's pseudonym."""

from __future__ import annotations

import pytest

from bots.core.flows.context import FEEDBACK_SEND, MENU_FEEDBACK_STATUS
from bots.core.messages_vi import say
from tests.bots.support import Chat, text_of


def file_report(chat: Chat, text: str) -> str:
    chat.say(text)
    sent = chat.press(FEEDBACK_SEND)[0].text
    start = sent.index("PA-")
    return sent[start : start + len("PA-2026-000000")]


@pytest.mark.parametrize("template", ["{ref} xử lý tới đâu rồi?", "phan anh {ref} sao roi"])
def test_status_by_reference(chat: Chat, template: str) -> None:
    ref = file_report(chat, "Cống thoát nước đường Kha Vạn Cân bị nghẹt, mưa là ngập tới gối")
    text = text_of(chat.say(template.format(ref=ref.lower() if "sao" in template else ref)))
    assert text.startswith("Dạ, tình trạng phản ánh của anh/chị:")
    assert ref in text and say("feedback.state.routed") in text
    assert "Thoát nước" in text  # the department it was routed to


def test_an_unknown_reference_is_said(chat: Chat) -> None:
    text = text_of(chat.say("PA-2026-999999 xử lý chưa"))
    assert text == say("feedback.not_found", reference="PA-2026-999999")


@pytest.mark.parametrize("ask", ["phản ánh của tôi xử lý tới đâu rồi", "phan anh cua toi"])
def test_my_reports_lists_the_senders_own_newest_first(
    chat: Chat, engine: object, ask: str
) -> None:
    first = file_report(chat, "Cống thoát nước đường Kha Vạn Cân bị nghẹt, mưa là ngập tới gối")
    second = file_report(chat, "Đèn đường hẻm 12 Đặng Văn Bi bị hư mấy tuần nay, tối om")
    text = text_of(chat.say(ask))
    assert text.startswith("Dạ, các phản ánh gần đây của anh/chị:")
    assert text.index(second) < text.index(first)
    stranger = Chat(chat.engine)
    assert text_of(stranger.say(ask)) == say("feedback.none_yet")


def test_the_menu_button_lists_my_reports(chat: Chat) -> None:
    assert text_of(chat.press(MENU_FEEDBACK_STATUS)) == say("feedback.none_yet")
