"""Procedure questions: the catalogue with the guide's citation, the documents, or "not found"."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bots.core.dialogue import DialogueEngine
from bots.core.flows.context import MENU_PROCEDURE
from bots.core.messages_vi import say
from core.chat import ChatChannel
from tests.bots.support import Chat, text_of

NOT_FOUND = say("procedure.not_found")


@pytest.mark.parametrize("question", ["làm giấy khai sinh cần gì?", "lam giay khai sinh can gi"])
def test_a_catalogue_procedure_is_answered_with_the_guide_cited(chat: Chat, question: str) -> None:
    text = text_of(chat.say(question))
    assert text.startswith("Dạ, thủ tục Đăng ký khai sinh:")
    assert "- Tờ khai đăng ký khai sinh theo mẫu" in text
    assert "Lệ phí: Miễn lệ phí khi đăng ký đúng hạn" in text
    assert "Nơi nộp: Trung tâm Phục vụ hành chính công" in text
    assert say("procedure.online") in text
    assert "Nguồn: Hướng dẫn 03/HD-UBND" in text


def test_without_an_index_the_catalogue_cites_its_legal_basis(
    new_engine: Callable[..., DialogueEngine],
) -> None:
    text = text_of(Chat(new_engine(search=None)).say("lệ phí chứng thực bản sao bao nhiêu"))
    assert text.startswith("Dạ, thủ tục Chứng thực bản sao")
    assert "Căn cứ: " in text and "Nguồn:" not in text


@pytest.mark.parametrize(
    "question",
    ["lịch tiếp công dân của chủ tịch phường Hiệp Bình", "lich tiep cong dan cua chu tich phuong"],
)
def test_other_questions_are_answered_from_the_documents_with_a_citation(
    chat: Chat, question: str
) -> None:
    text = text_of(chat.say(f"/thutuc {question}"))
    assert text.startswith("Dạ, theo Thông báo 12/TB-UBND")
    assert "tiếp công dân" in text


@pytest.mark.parametrize(
    "question", ["giá vé máy bay đi Hà Nội tết này bao nhiêu", "gia ve may bay di ha noi"]
)
def test_nothing_relevant_is_said_and_points_to_the_counter(chat: Chat, question: str) -> None:
    assert text_of(chat.say(f"/thutuc {question}")) == NOT_FOUND
    assert "Bộ phận Một cửa" in NOT_FOUND


def test_the_menu_asks_which_procedure_then_answers(chat: Chat) -> None:
    assert text_of(chat.press(MENU_PROCEDURE)) == say("procedure.ask")
    conv = chat.engine.services.chat_store.conversation(ChatChannel.WEB, chat.user_id)
    assert conv.flow == "procedure"
    text = text_of(chat.say("đăng ký kết hôn"))
    assert text.startswith("Dạ, thủ tục Đăng ký kết hôn:")
