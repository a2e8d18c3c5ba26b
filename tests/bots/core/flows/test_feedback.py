"""Submitting feedback through the dialogue: questions, skipping, photos (stored with the
report), location, confirm."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import pytest

from app.container import Container
from bots.channels.telegram_render import TelegramPhotoFetcher
from bots.channels.zalo_api import ZaloPhotoFetcher
from bots.core.dialogue import BotServices, DialogueEngine
from bots.core.flows.context import CANCEL, FEEDBACK_EDIT, FEEDBACK_SEND
from bots.core.messages_vi import say
from core.attachments import MAX_PHOTOS_PER_FEEDBACK, AttachmentState
from core.chat import ChatChannel, IncomingKind, Photo
from core.errors import ExternalServiceError
from core.types import Channel, Feedback, FeedbackQuery, FeedbackStatus
from services.attachments import AttachmentService
from services.intake import FeedbackService
from stores.sql.attachment_store import SqlAttachmentStore
from tests.bots.channels.fake_photos import PhotoServer
from tests.bots.channels.fake_telegram import TOKEN
from tests.bots.support import Chat, payloads, text_of
from tests.images import jpeg, png

CONFIRM_BUTTONS = [FEEDBACK_SEND, FEEDBACK_EDIT, CANCEL]
ASK_PROBLEM = say("feedback.ask_problem")
ASK_PLACE = say("feedback.ask_place")


def reports_of(services: BotServices, chat: Chat) -> list[Feedback]:
    sender = services.feedback.pseudonym(chat.channel.value, chat.user_id)
    query = FeedbackQuery(sender_id=sender, channel=Channel(chat.channel.value))
    return list(services.feedback.find(query).items)


def sent_reference(replies: list[str] | str) -> str:
    text = replies if isinstance(replies, str) else "\n".join(replies)
    start = text.index("PA-")
    return text[start : start + len("PA-2026-000000")]


@pytest.mark.parametrize(
    ("opening", "problem", "place"),
    [
        ("Tôi muốn phản ánh", "Rác thải bốc mùi hôi thối mấy ngày nay", "hẻm 12 Đặng Văn Bi"),
        ("toi muon gui phan anh", "rac thai boc mui hoi thoi may ngay nay", "hem 12 dang van bi"),
    ],
)
def test_the_bot_asks_the_problem_then_the_place_then_files_the_report(
    chat: Chat, services: BotServices, opening: str, problem: str, place: str
) -> None:
    assert text_of(chat.say(opening)) == ASK_PROBLEM
    assert text_of(chat.say(problem)) == ASK_PLACE
    summary = chat.say(place)
    assert problem in summary[0].text and place in summary[0].text
    assert payloads(summary) == CONFIRM_BUTTONS
    sent = chat.press(FEEDBACK_SEND)
    confirming = chat.last
    assert confirming is not None
    [fb] = reports_of(services, chat)
    assert sent_reference(sent[0].text) == fb.reference
    assert (fb.text, fb.location_text, fb.channel) == (problem, place, Channel.WEB)
    assert fb.channel_message_id == confirming.update_id
    assert fb.sender_id == services.feedback.pseudonym("web", chat.user_id) != chat.user_id


@pytest.mark.parametrize(
    "message",
    [
        "Đường Võ Văn Ngân ngập sâu quá, xe chết máy hàng loạt",
        "duong vo van ngan ngap sau qua, xe chet may hang loat",
        "/phananh Đường Võ Văn Ngân ngập sâu quá, xe chết máy hàng loạt",
    ],
)
def test_a_message_with_the_problem_and_the_place_goes_straight_to_confirm(
    chat: Chat, services: BotServices, message: str
) -> None:
    summary = chat.say(message)
    assert payloads(summary) == CONFIRM_BUTTONS
    assert say("feedback.place_in_text") in summary[0].text
    sent = chat.say("gửi")
    [fb] = reports_of(services, chat)
    assert fb.text == message.removeprefix("/phananh ")
    assert fb.location_text is None
    assert fb.reference in sent[0].text


def test_a_routed_report_names_its_department(chat: Chat, services: BotServices) -> None:
    chat.say("Cống thoát nước đường Kha Vạn Cân bị nghẹt, mưa là ngập tới gối")
    sent = chat.press(FEEDBACK_SEND)[0].text
    [fb] = reports_of(services, chat)
    assert fb.status is FeedbackStatus.ROUTED and fb.department
    name = services.reference.department(fb.department).name
    assert sent == say("feedback.sent_routed", reference=fb.reference, department=name)


def test_a_report_not_yet_routed_is_being_classified(
    bot_container: Container, new_engine: Callable[..., DialogueEngine]
) -> None:
    c = bot_container
    at_once = FeedbackService(c.store, c.worker, sender_secret=c.settings.secret_key,
                              wait_seconds=0.0)  # fmt: skip
    chat = Chat(new_engine(feedback=at_once))
    chat.say("Cống thoát nước đường Kha Vạn Cân bị nghẹt, mưa là ngập tới gối")
    sent = chat.press(FEEDBACK_SEND)[0].text
    reference = sent_reference(sent)
    assert sent == say("feedback.sent_pending", reference=reference)
    c.worker.drain()


def test_a_shared_location_answers_where(chat: Chat, services: BotServices) -> None:
    chat.say("Rác thải bốc mùi hôi thối mấy ngày nay")
    summary = chat.share_location(10.8706, 106.7373)
    assert payloads(summary) == CONFIRM_BUTTONS
    assert "10.87060" in summary[0].text
    chat.say("gui")
    [fb] = reports_of(services, chat)
    assert (fb.latitude, fb.longitude) == (10.8706, 106.7373)


def test_a_location_shared_first_is_kept_and_the_problem_asked(
    chat: Chat, services: BotServices
) -> None:
    assert text_of(chat.share_location(10.8706, 106.7373)) == ASK_PROBLEM
    assert payloads(chat.say("Cây xanh ngã đè lên dây điện")) == CONFIRM_BUTTONS


def test_a_photo_alone_is_a_problem_and_its_file_id_is_kept(
    chat: Chat, services: BotServices
) -> None:
    replies = chat.photo("AgACAgUAAxkBAAIB")
    assert replies[0].text == say("feedback.photo_added", count=1)
    assert replies[-1].text == ASK_PLACE
    conv = services.chat_store.conversation(ChatChannel.WEB, chat.user_id)
    assert conv.flow == "feedback"
    assert conv.data["photos"] == [{"file_id": "AgACAgUAAxkBAAIB", "url": "", "caption": ""}]
    summary = chat.say("trước số 45 Lê Văn Việt")
    assert say("feedback.photo_count", count=1) in summary[0].text
    chat.press(FEEDBACK_SEND)
    [fb] = reports_of(services, chat)
    assert fb.text == say("feedback.photo_only_text")


def test_a_photo_caption_is_the_problem(chat: Chat) -> None:
    replies = chat.photo("file-1", caption="Ổ gà rất to giữa đường Kha Vạn Cân")
    assert payloads(replies) == CONFIRM_BUTTONS
    assert "Ổ gà rất to" in replies[-1].text


@pytest.mark.parametrize("edit", ["press", "sửa", "sua"])
def test_edit_asks_again(chat: Chat, edit: str) -> None:
    chat.say("Đường Võ Văn Ngân ngập sâu quá")
    replies = chat.press(FEEDBACK_EDIT) if edit == "press" else chat.say(edit)
    assert text_of(replies) == say("feedback.edit")
    summary = chat.say("Đèn đường hẻm 12 Đặng Văn Bi bị hư mấy tuần nay")
    assert "Đèn đường" in summary[0].text


def test_other_words_at_confirm_repeat_the_choice(chat: Chat, services: BotServices) -> None:
    chat.say("Đường Võ Văn Ngân ngập sâu quá")
    replies = chat.say("để em nghĩ đã")
    assert text_of(replies) == say("feedback.confirm_again")
    assert payloads(replies) == CONFIRM_BUTTONS
    assert reports_of(services, chat) == []


def test_a_refused_text_is_explained_and_asked_again(chat: Chat, services: BotServices) -> None:
    chat.say("Tôi muốn phản ánh")
    chat.say("Đường <b>Võ Văn Ngân</b> ngập")
    replies = chat.say("gửi")
    assert replies[0].text == say("error.invalid", problem=say("problem.feedback.text_markup"))
    assert replies[-1].text == ASK_PROBLEM
    assert reports_of(services, chat) == []


def test_a_dossier_code_in_the_middle_of_a_report_is_answered_as_a_dossier(
    chat: Chat, services: BotServices
) -> None:
    chat.say("Tôi muốn phản ánh")
    replies = chat.say("hồ sơ H29.202-250315-0012 tới đâu rồi")
    assert "Đăng ký khai sinh" in replies[0].text
    assert services.chat_store.conversation(ChatChannel.WEB, chat.user_id).flow is None


def test_an_old_send_button_after_edit_asks_again_instead_of_filing(
    chat: Chat, services: BotServices
) -> None:
    chat.say("Đường Võ Văn Ngân ngập sâu quá")
    chat.press(FEEDBACK_EDIT)
    assert text_of(chat.press(FEEDBACK_SEND)) == ASK_PROBLEM
    assert reports_of(services, chat) == []


# --- photos are stored with the report ---------------------------------------------------------


@pytest.fixture(scope="module")
def photo_server() -> Iterator[PhotoServer]:
    with PhotoServer() as server:
        yield server


@pytest.fixture
def zalo_fetcher() -> Iterator[ZaloPhotoFetcher]:
    fetcher = ZaloPhotoFetcher()
    yield fetcher
    fetcher.close()


@pytest.fixture
def attachments(
    bot_container: Container, photo_server: PhotoServer, zalo_fetcher: ZaloPhotoFetcher
) -> AttachmentService:
    telegram = TelegramPhotoFetcher(TOKEN, base_url=photo_server.bot_url)
    fetchers = {ChatChannel.TELEGRAM: telegram, ChatChannel.ZALO: zalo_fetcher}
    return AttachmentService(SqlAttachmentStore(bot_container.db), fetchers)


def _photo_chat(engine: DialogueEngine, channel: ChatChannel) -> Chat:
    return Chat(engine, channel=channel)


@pytest.mark.parametrize("caption", ["Ổ gà rất to giữa đường Kha Vạn Cân",
                                     "o ga rat to giua duong kha van can"])  # fmt: skip
def test_a_telegram_photo_is_stored_with_the_report(
    new_engine: Callable[..., DialogueEngine], services: BotServices,
    attachments: AttachmentService, photo_server: PhotoServer, caption: str,
) -> None:  # fmt: skip
    chat = _photo_chat(new_engine(attachments=attachments), ChatChannel.TELEGRAM)
    file_id = f"AgACAgUAAxkBAAIB-{chat.user_id}"
    photo_server.telegram_file(file_id, jpeg(11))
    assert payloads(chat.photo(file_id, caption=caption)) == CONFIRM_BUTTONS
    sent = chat.press(FEEDBACK_SEND)
    [fb] = reports_of(services, chat)
    assert fb.reference in sent[0].text and fb.text == caption
    [stored] = attachments.list(fb.id)
    assert (stored.state, stored.platform_file_id, stored.caption) == (
        AttachmentState.STORED, file_id, caption)  # fmt: skip
    assert attachments.content(fb.id, 1).data == jpeg(11)


def test_zalo_photos_with_a_place_are_stored_in_the_order_sent(
    new_engine: Callable[..., DialogueEngine], services: BotServices,
    attachments: AttachmentService, photo_server: PhotoServer,
) -> None:  # fmt: skip
    chat = _photo_chat(new_engine(attachments=attachments), ChatChannel.ZALO)
    for n in (1, 2):
        url = photo_server.image(f"{chat.user_id}-{n}.png", png(20 + n))
        incoming = chat.incoming(IncomingKind.PHOTO, "", photo=Photo(f"msg-{n}", url=url))
        chat.deliver(incoming)
    summary = chat.say("Rác thải ùn ứ trước chợ Thủ Đức")
    assert say("feedback.photo_count", count=2) in summary[0].text
    chat.say("gửi")
    [fb] = reports_of(services, chat)
    assert [attachments.content(fb.id, n).data for n in (1, 2)] == [png(21), png(22)]


def test_a_photo_that_cannot_be_fetched_never_costs_the_report(
    new_engine: Callable[..., DialogueEngine], services: BotServices,
    attachments: AttachmentService,
) -> None:  # fmt: skip
    chat = _photo_chat(new_engine(attachments=attachments), ChatChannel.TELEGRAM)
    chat.photo("AgAC-expired", caption="Đèn đường hẻm 12 Đặng Văn Bi bị hư mấy tuần nay")
    sent = chat.press(FEEDBACK_SEND)
    [fb] = reports_of(services, chat)
    assert fb.reference in sent[0].text
    [failed] = attachments.list(fb.id)
    assert failed.state is AttachmentState.FAILED
    assert failed.error is not None and failed.error.startswith("telegram.photo_fetch_failed")


class _CrashOnce(AttachmentService):
    """Stores the photos, then the process "dies" before the reply is saved, once."""

    crashed = False

    def attach(self, feedback_id: int, channel: str, photos: Sequence[Photo]) -> None:
        super().attach(feedback_id, channel, photos)
        if not self.crashed:
            self.crashed = True
            raise RuntimeError("worker killed")


def test_a_redelivered_submit_adds_no_second_photo(
    new_engine: Callable[..., DialogueEngine], services: BotServices,
    bot_container: Container, photo_server: PhotoServer, zalo_fetcher: ZaloPhotoFetcher,
) -> None:  # fmt: skip
    fetchers = {ChatChannel.ZALO: zalo_fetcher}
    crashing = _CrashOnce(SqlAttachmentStore(bot_container.db), fetchers)
    chat = _photo_chat(new_engine(attachments=crashing), ChatChannel.ZALO)
    url = photo_server.image(f"{chat.user_id}.png", png(30))
    chat.deliver(chat.incoming(IncomingKind.PHOTO, "Cống nghẹt đường Kha Vạn Cân, ngập tới gối",
                               photo=Photo("msg-30", url=url)))  # fmt: skip
    with pytest.raises(RuntimeError):
        chat.press(FEEDBACK_SEND)
    replies = chat.again()  # the platform delivers the confirmation once more
    [fb] = reports_of(services, chat)
    assert fb.reference in replies[0].text
    assert [(a.ordinal, a.state) for a in crashing.list(fb.id)] == [(1, AttachmentState.STORED)]


def test_a_report_keeps_at_most_five_photos(chat: Chat, services: BotServices) -> None:
    for n in range(7):
        replies = chat.photo(f"AgAC-{n}")
    assert replies[0].text == say("feedback.photo_added", count=MAX_PHOTOS_PER_FEEDBACK)
    conv = services.chat_store.conversation(ChatChannel.WEB, chat.user_id)
    assert [p["file_id"] for p in conv.data["photos"]] == [f"AgAC-{n}" for n in range(5)]


class _DatabaseDown(AttachmentService):
    def attach(self, feedback_id: int, channel: str, photos: Sequence[Photo]) -> None:
        raise ExternalServiceError("attachment write failed", code="attachment.database_failed")


def test_photos_that_cannot_be_recorded_never_cost_the_report(
    new_engine: Callable[..., DialogueEngine], services: BotServices, bot_container: Container
) -> None:
    down = _DatabaseDown(SqlAttachmentStore(bot_container.db), {})
    chat = _photo_chat(new_engine(attachments=down), ChatChannel.TELEGRAM)
    chat.photo("AgAC-1", caption="Cây xanh ngã đè lên dây điện đường Lê Văn Việt")
    sent = chat.press(FEEDBACK_SEND)
    [fb] = reports_of(services, chat)
    assert fb.reference in sent[0].text
    assert sent[0].text != say("error.generic")
