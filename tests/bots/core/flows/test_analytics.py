"""Officials' statistics: refused politely until issue 6 links accounts."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bots.core.dialogue import DialogueEngine
from bots.core.messages_vi import say
from tests.bots.support import Chat, text_of


@pytest.mark.parametrize(
    "question",
    ["tuần này có bao nhiêu phản ánh ngập nước?", "thong ke phan anh thang nay", "/thongke"],
)
def test_an_unlinked_user_is_refused_politely(chat: Chat, question: str) -> None:
    assert text_of(chat.say(question)) == say("analytics.not_linked")


class LinkedOfficials:
    """The interface issue 6 implements: this test's user is a linked official."""

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id

    def is_linked_official(self, channel: str, user_id: str) -> bool:
        return user_id == self.user_id


def test_a_linked_official_passes_the_check(new_engine: Callable[..., DialogueEngine]) -> None:
    chat = Chat(new_engine(officials=LinkedOfficials("official-1")), user_id="official-1")
    assert text_of(chat.say("thống kê phản ánh tháng này")) == say("analytics.unavailable")
