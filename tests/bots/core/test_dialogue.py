"""The engine: deduplication, state in the database, numbered answers, cancel, rate limit,
optimistic versions, errors as apologies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from bots.core.dialogue import BotServices, DialogueEngine
from bots.core.flows.context import CANCEL, FEEDBACK_SEND
from bots.core.messages_vi import say
from bots.core.ratelimit import RateLimiter
from core.chat import ChatChannel, IncomingKind
from core.chat_ports import ChatStore, Conversation
from core.errors import ExternalServiceError
from core.types import FeedbackQuery
from tests.bots.support import Chat, payloads, text_of

FLOOD = "Đường Võ Văn Ngân ngập sâu quá, xe chết máy hàng loạt"


def conversation(chat: Chat) -> Conversation:
    return chat.engine.services.chat_store.conversation(ChatChannel.WEB, chat.user_id)


def reports(services: BotServices, chat: Chat) -> int:
    sender = services.feedback.pseudonym("web", chat.user_id)
    return services.feedback.find(FeedbackQuery(sender_id=sender)).total


def test_a_repeated_delivery_gets_the_same_replies_and_files_nothing_twice(
    chat: Chat, services: BotServices
) -> None:
    chat.say(FLOOD)
    sent = chat.press(FEEDBACK_SEND)
    assert chat.again() == sent
    assert reports(services, chat) == 1
    assert conversation(chat).flow is None


def test_a_repeated_delivery_does_not_advance_the_flow(chat: Chat) -> None:
    asked = chat.say("Tôi muốn phản ánh")
    version = conversation(chat).version
    assert chat.again() == asked
    assert conversation(chat).version == version


def test_a_restart_in_the_middle_of_a_flow_continues_it(
    chat: Chat, new_engine: Callable[..., DialogueEngine]
) -> None:
    chat.say("Tôi muốn phản ánh")
    chat.say("Rác thải bốc mùi hôi thối mấy ngày nay")
    after_restart = chat.with_engine(new_engine())
    summary = after_restart.say("hẻm 12 Đặng Văn Bi")
    assert "Rác thải bốc mùi" in summary[0].text and "hẻm 12 Đặng Văn Bi" in summary[0].text
    assert FEEDBACK_SEND in payloads(summary)


@pytest.mark.parametrize("number", ["2", " 2. ", "2)"])
def test_a_number_picks_the_button_of_the_last_reply(chat: Chat, number: str) -> None:
    chat.say("xin chào")
    assert text_of(chat.say(number)) == say("feedback.ask_problem")
    chat.say(FLOOD)
    assert "PA-" in text_of(chat.say("1"))  # "1. Gửi"


def test_a_number_without_such_button_is_plain_text(chat: Chat) -> None:
    chat.say("xin chào")
    assert text_of(chat.say("9")) == say("fallback")
    assert conversation(chat).buttons == payloads(chat.say("xin chào"))
    chat.say("Tôi muốn phản ánh")  # a question without buttons forgets the old ones
    assert conversation(chat).buttons == []


@pytest.mark.parametrize("word", ["hủy", "huy", "Huỷ", "HỦY BỎ", "/cancel", "/huy"])
def test_cancel_leaves_any_flow(chat: Chat, word: str) -> None:
    chat.say("Tôi muốn phản ánh")
    replies = chat.say(word)
    assert text_of(replies) == say("cancelled")
    assert conversation(chat).flow is None
    assert text_of(chat.say(word)) == say("nothing_to_cancel")


def test_the_cancel_button_leaves_the_flow(chat: Chat, services: BotServices) -> None:
    chat.say(FLOOD)
    assert text_of(chat.press(CANCEL)) == say("cancelled")
    assert reports(services, chat) == 0


def test_a_command_leaves_the_open_flow(chat: Chat) -> None:
    chat.say("Tôi muốn phản ánh")
    assert text_of(chat.say("/start")) == say("greeting")
    assert conversation(chat).flow is None


def test_unfollowing_ends_the_flow_silently(chat: Chat) -> None:
    chat.say("tra cứu hồ sơ")
    assert chat.deliver(chat.incoming(IncomingKind.UNFOLLOW)) == []
    assert conversation(chat).flow is None


def test_a_flow_left_open_too_long_is_forgotten(
    new_engine: Callable[..., DialogueEngine],
) -> None:
    patient = Chat(new_engine())
    patient.say("tra cứu hồ sơ")
    assert text_of(patient.say("em không nhớ mã")) == say("dossier.no_code")
    forgetful = Chat(DialogueEngine(patient.engine.services, flow_ttl=timedelta(0)))
    forgetful.say("tra cứu hồ sơ")
    assert text_of(forgetful.say("em không nhớ mã")) != say("dossier.no_code")


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_over_the_rate_limit_one_warning_then_silence_until_it_refills(
    services: BotServices,
) -> None:
    clock = FakeClock()
    chat = Chat(DialogueEngine(services, limiter=RateLimiter(20, burst=3, clock=clock)))
    for _ in range(3):
        assert text_of(chat.say("xin chào")) == say("greeting")
    assert text_of(chat.say("xin chào")) == say("rate_limited")
    assert chat.say("xin chào") == []
    assert Chat(chat.engine).say("xin chào")[0].text == say("greeting")  # others are not slowed
    clock.t += 3.0  # 20 a minute: one message every 3 seconds
    assert text_of(chat.say("xin chào")) == say("greeting")


class RacingStore:
    """The real store; another worker saves the same conversation just before us (``races``
    times), as when two updates of one user are answered at once."""

    def __init__(self, inner: ChatStore, races: int) -> None:
        self.inner, self.races = inner, races

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def save_conversation(self, conv: Conversation) -> Conversation:
        if self.races > 0:
            self.races -= 1
            current = self.inner.conversation(conv.channel, conv.user_id)
            self.inner.save_conversation(replace(current, data={"other": "worker"}))
        return self.inner.save_conversation(conv)


def test_a_conflicting_save_reloads_and_runs_the_turn_again(
    services: BotServices, new_engine: Callable[..., DialogueEngine]
) -> None:
    chat = Chat(new_engine(chat_store=RacingStore(services.chat_store, races=1)))
    assert text_of(chat.say("Tôi muốn phản ánh")) == say("feedback.ask_problem")
    conv = conversation(chat)
    assert (conv.flow, conv.version) == ("feedback", 2)
    assert "other" not in conv.data


def test_a_second_conflict_answers_without_saving(
    services: BotServices, new_engine: Callable[..., DialogueEngine]
) -> None:
    chat = Chat(new_engine(chat_store=RacingStore(services.chat_store, races=2)))
    assert text_of(chat.say("Tôi muốn phản ánh")) == say("feedback.ask_problem")
    assert conversation(chat).data == {"other": "worker"}


class DownSearch:
    """The document index is unreachable (a Qdrant server that went away)."""

    def answer(self, *args: object, **kwargs: object) -> None:
        raise ExternalServiceError("qdrant is down", code="qdrant.unavailable")

    search = answer


def test_an_error_becomes_an_apology_and_keeps_the_state(
    new_engine: Callable[..., DialogueEngine],
) -> None:
    chat = Chat(new_engine(search=DownSearch()))
    chat.say("tra cứu hồ sơ")
    assert text_of(chat.say("/thutuc lịch tiếp công dân của phường")) == say("error.busy")
    assert conversation(chat).flow == "dossier"
