"""Dossier status through the dialogue, on the demo dossiers (dates relative to today)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bots.core.messages_vi import CODE_EXAMPLE, say
from core.chat import ChatChannel
from tests.bots.support import Chat, now, text_of

ON_TIME = "H29.202-250315-0012"  # birth registration, due tomorrow, in progress
LATE = "H29.202-250310-0007"  # marriage registration, due yesterday, still in progress


def day(offset: int) -> str:
    return (now() + timedelta(days=offset)).strftime("%d/%m/%Y")


@pytest.mark.parametrize(
    "message",
    [
        f"hồ sơ {ON_TIME} của tôi tới đâu rồi?",
        f"ho so {ON_TIME.lower()} toi dau roi",
        f"hs {ON_TIME.replace('-', ' - ')} sao rồi ạ 🙏",
        f"/hoso {ON_TIME}",
    ],
)
def test_status_with_step_unit_dates_and_what_to_do(chat: Chat, message: str) -> None:
    text = text_of(chat.say(message))
    assert f"Dạ, hồ sơ {ON_TIME} — Đăng ký khai sinh" in text
    assert "Xác minh thông tin hộ tịch" in text and "UBND phường Hiệp Bình" in text
    assert f"Ngày tiếp nhận: {day(-2)}" in text and f"Ngày hẹn trả: {day(1)}" in text
    assert say("dossier.days_left", days=1) in text
    assert say("dossier.next.wait") in text
    assert "quá hạn" not in text


def test_the_answer_has_no_internal_note(chat: Chat) -> None:
    text = text_of(chat.say(f"hồ sơ {ON_TIME} tới đâu rồi"))
    assert "người mẹ" not in text  # the demo note "Cần xác minh nơi cư trú của người mẹ"


def test_a_late_dossier_says_so_and_points_to_the_unit(chat: Chat) -> None:
    text = text_of(chat.say(f"hồ sơ {LATE} sao lâu vậy"))
    assert say("dossier.late", days=1) in text
    assert say("dossier.next.contact_unit", unit="UBND phường Hiệp Bình") in text


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("G22.99-250101-0003", "dossier.next.supplement"),
        ("H29.205-250320-0015", "dossier.next.collect_result"),
        ("000.00.24.H29-240315-0012", "dossier.next.none"),
    ],
)
def test_next_action_follows_the_status(chat: Chat, code: str, expected: str) -> None:
    text = text_of(chat.say(f"tra cứu hồ sơ {code}"))
    assert code in text
    assert text.endswith(say(expected, unit=text.split("Đơn vị xử lý: ")[1].split("\n")[0]))


def test_a_finished_dossier_gives_its_result_date(chat: Chat) -> None:
    text = text_of(chat.say("hồ sơ 000.00.24.H29-240315-0012"))
    assert say("dossier.finished_on", date=day(-5)) in text
    assert say("dossier.state.finished") in text


@pytest.mark.parametrize("code", ["H29.202-250315-9999", "h29.999-991231-0001"])
def test_an_unknown_code_is_said_with_the_expected_format(chat: Chat, code: str) -> None:
    text = text_of(chat.say(f"hồ sơ {code} của tôi đâu rồi"))
    assert text == say("dossier.not_found", code=code.upper())
    assert CODE_EXAMPLE in text


@pytest.mark.parametrize(
    ("opening", "answer"),
    [("Tôi muốn tra cứu hồ sơ", f"mã là {ON_TIME}"), ("tra cuu ho so", ON_TIME.lower())],
)
def test_without_a_code_the_bot_asks_for_it(chat: Chat, opening: str, answer: str) -> None:
    assert text_of(chat.say(opening)) == say("dossier.ask_code")
    reminder = chat.say("em không nhớ nữa")
    assert text_of(reminder) == say("dossier.no_code")
    assert f"Dạ, hồ sơ {ON_TIME}" in text_of(chat.say(answer))
    assert chat.engine.services.chat_store.conversation(ChatChannel.WEB, chat.user_id).flow is None


def test_a_clear_other_request_leaves_the_question(chat: Chat) -> None:
    chat.say("tra cứu hồ sơ")
    text = text_of(chat.say("làm giấy khai sinh cần giấy tờ gì?"))
    assert "Đăng ký khai sinh" in text and "Giấy tờ cần chuẩn bị" in text
