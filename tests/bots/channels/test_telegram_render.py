"""Parsing Telegram updates and rendering replies, without a network (``telegram_render``)."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from bots.channels.telegram_render import (
    MAX_CALLBACK_BYTES,
    callback_data,
    keyboard,
    split_text,
    to_incoming,
    utf16_units,
)
from core.chat import Button, ChatChannel, Incoming, IncomingKind
from tests.bots.channels.fake_telegram import (
    callback_update,
    message_update,
    new_chat,
    photo_sizes,
)


def parse(update: dict[str, Any]) -> Incoming | None:
    return to_incoming(Update.de_json(update, None))


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("Đường Võ Văn Ngân ngập sâu", IncomingKind.TEXT, "Đường Võ Văn Ngân ngập sâu"),
        ("duong vo van ngan ngap sau", IncomingKind.TEXT, "duong vo van ngan ngap sau"),
        ("  hồ sơ H29.202-250315-0012 tới đâu rồi  ", IncomingKind.TEXT,
         "hồ sơ H29.202-250315-0012 tới đâu rồi"),
        ("/start", IncomingKind.FOLLOW, "/start"),
        ("/start tu-website", IncomingKind.FOLLOW, "/start tu-website"),
        ("/help", IncomingKind.COMMAND, "/help"),
        ("/hoso H29.202-250315-0012", IncomingKind.COMMAND, "/hoso H29.202-250315-0012"),
        ("/hoso@ThuDucTestBot H29.202-250315-0012", IncomingKind.COMMAND,
         "/hoso H29.202-250315-0012"),
        ("/phananh", IncomingKind.COMMAND, "/phananh"),
    ],
)  # fmt: skip
def test_a_text_message_keeps_its_whole_text(text: str, kind: IncomingKind, expected: str) -> None:
    chat = new_chat()
    update = message_update(chat, text=text)
    incoming = parse(update)
    assert incoming is not None
    assert (incoming.kind, incoming.text) == (kind, expected)
    assert incoming.channel is ChatChannel.TELEGRAM
    assert incoming.user_id == str(chat)
    assert incoming.update_id == str(update["update_id"])
    assert incoming.received_at.utcoffset() is not None


@pytest.mark.parametrize("caption", ["Ổ gà lớn trước số 12 Lê Văn Việt",
                                     "O ga lon truoc so 12 Le Van Viet", ""])  # fmt: skip
def test_a_photo_carries_its_largest_size_and_caption(caption: str) -> None:
    content: dict[str, Any] = {"photo": photo_sizes("AgACAgUAAxkBAAIB")}
    if caption:
        content["caption"] = caption
    incoming = parse(message_update(new_chat(), **content))
    assert incoming is not None and incoming.photo is not None
    assert incoming.kind is IncomingKind.PHOTO
    assert incoming.photo.platform_file_id == "AgACAgUAAxkBAAIB-1280"
    assert incoming.text == incoming.photo.caption == caption


@pytest.mark.parametrize(
    ("content", "address"),
    [
        ({"location": {"latitude": 10.8505, "longitude": 106.7719}}, ""),
        ({"location": {"latitude": 10.8505, "longitude": 106.7719},
          "venue": {"location": {"latitude": 10.8505, "longitude": 106.7719},
                    "title": "Chợ Thủ Đức", "address": "Đường Võ Văn Ngân, Linh Chiểu"}},
         "Đường Võ Văn Ngân, Linh Chiểu"),
    ],
)  # fmt: skip
def test_a_shared_location_becomes_a_location(content: dict[str, Any], address: str) -> None:
    incoming = parse(message_update(new_chat(), **content))
    assert incoming is not None and incoming.location is not None
    assert incoming.kind is IncomingKind.LOCATION
    assert (incoming.location.latitude, incoming.location.longitude) == (10.8505, 106.7719)
    assert incoming.location.address == address


def test_a_pressed_button_sends_its_payload() -> None:
    chat = new_chat()
    incoming = parse(callback_update(chat, "menu:dossier"))
    assert incoming is not None
    assert (incoming.kind, incoming.text, incoming.user_id) == (
        IncomingKind.BUTTON, "menu:dossier", str(chat))  # fmt: skip


def test_a_sticker_is_an_empty_text_for_the_core_to_explain() -> None:
    sticker = {"file_id": "CAACAgIAAxkBAAIC", "file_unique_id": "AgAD", "type": "regular",
               "width": 512, "height": 512, "is_animated": False, "is_video": False}  # fmt: skip
    incoming = parse(message_update(new_chat(), sticker=sticker))
    assert incoming is not None
    assert (incoming.kind, incoming.text) == (IncomingKind.TEXT, "")


@pytest.mark.parametrize(
    "update",
    [
        message_update(new_chat(), chat_type="supergroup", text="Cho hỏi hồ sơ của tôi"),
        message_update(new_chat(), edited=True, text="Sửa lại: đường Kha Vạn Cân"),
    ],
    ids=["group chat", "edited message"],
)
def test_what_the_bot_does_not_answer_is_none(update: dict[str, Any]) -> None:
    assert parse(update) is None


@pytest.mark.parametrize(
    "payload",
    [
        "menu:dossier",
        "x" * MAX_CALLBACK_BYTES,
        "procedure:" + "a" * 80,
        "thu-tuc:đăng-ký-khai-sinh-cho-trẻ-em-có-yếu-tố-nước-ngoài-tại-phường",
        "ý" * 40,
        "ế" * 30,
    ],
)
def test_callback_data_fits_64_bytes_without_splitting_a_letter(payload: str) -> None:
    data = callback_data(payload)
    raw = data.encode("utf-8")
    assert len(raw) <= MAX_CALLBACK_BYTES
    assert payload.startswith(data)
    if len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES:
        assert data == payload
    else:
        assert len(raw) > MAX_CALLBACK_BYTES - 4  # cut at the last letter that fits


def test_the_keyboard_has_one_button_a_row() -> None:
    buttons = (Button("Tra cứu hồ sơ", "menu:dossier"), Button("Gửi phản ánh", "menu:feedback"))
    markup = keyboard(buttons)
    assert markup is not None
    rows = [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]
    assert rows == [[("Tra cứu hồ sơ", "menu:dossier")], [("Gửi phản ánh", "menu:feedback")]]
    assert keyboard(()) is None


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Dạ, em chào anh/chị!", 4096, ["Dạ, em chào anh/chị!"]),
        ("Giấy tờ:\n- Tờ khai\n- CCCD", 12, ["Giấy tờ:", "- Tờ khai", "- CCCD"]),
        ("abcdefghij", 4, ["abcd", "efgh", "ij"]),
        ("📄📄📄", 4, ["📄📄", "📄"]),
        ("", 4096, []),
    ],
)
def test_long_texts_are_split_within_the_limit(text: str, limit: int, expected: list[str]) -> None:
    pieces = split_text(text, limit)
    assert pieces == expected
    assert all(utf16_units(p) <= limit for p in pieces)
