"""An official on Telegram, end to end: link the chat with a one-time code, then ask a
statistics question and get the answer as a chart photo.

Everything is real but Telegram: the app is ``build_app`` over a ``Container`` on a SQLite file
(trained NLU, account and analytics services), served on a socket; updates are posted to its
webhook the way Telegram posts them, and what the bot says is read back from the fake Bot API.
The feedback is written straight into the table (already annotated) and aggregated once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from app.container import Container
from app.settings import Settings
from app.web import build_app
from bots.channels.telegram import SECRET_HEADER, WEBHOOK_PATH
from bots.core.messages_vi import say
from core.accounts import SYSTEM, Role
from core.types import LOCAL_TZ
from services.accounts import AccountService
from tests.analytics_factories import add_reports, report
from tests.api.auth_support import PASSWORD, fast_accounts
from tests.bots.channels.fake_telegram import TOKEN, Call, FakeTelegram, message_update, new_chat
from tests.http_servers import serve

SECRET = "e2e_Official-Thu-Duc-2026"
QUESTION = "tuần này có bao nhiêu phản ánh về ngập nước?"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
#: The first answer builds the dialogue engine (NLU and toxicity models): allow for it.
REPLY_TIMEOUT = 20.0
#: Flooding reports of this week, and the ones the answer must not count.
THIS_WEEK = ("PA-2026-000901", "PA-2026-000902", "PA-2026-000903")
LAST_WEEK, OTHER_CATEGORY = "PA-2026-000904", "PA-2026-000905"


@dataclass(frozen=True)
class World:
    """The served app, its container's account service and the fake Bot API."""

    webhook_url: str
    accounts: AccountService
    telegram: FakeTelegram


def seed(container: Container) -> None:
    """Three flooding reports this week, one last week, one of another category; aggregated."""
    now = datetime.now(LOCAL_TZ)
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    this_week = [report(max(today, now - timedelta(minutes=n)), reference=ref)
                 for n, ref in enumerate(THIS_WEEK)]  # fmt: skip
    add_reports(container.db, [
        *this_week,
        report(now - timedelta(days=8), reference=LAST_WEEK),
        report(now, reference=OTHER_CATEGORY, category="moi_truong"),
    ])  # fmt: skip
    container.analytics.rebuild_aggregates()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with FakeTelegram() as telegram:
        home: Path = tmp_path_factory.mktemp("official_e2e")
        settings = Settings(
            home=home, environment="test", telegram_token=TOKEN,
            telegram_webhook_secret=SECRET, telegram_base_url=telegram.base_url,
        )  # fmt: skip
        container = Container(settings)
        try:
            accounts = fast_accounts(container)  # before build_app: the bot uses this one
            container.db.migrate()
            seed(container)
            with serve(build_app(container)) as url:
                yield World(url + WEBHOOK_PATH, accounts, telegram)
        finally:
            container.close()


class TelegramChat:
    """One Telegram user writing to the bot: ``say`` posts a message to our webhook and returns
    what the bot sent to this chat since the previous message (sendMessage / sendPhoto)."""

    def __init__(self, world: World) -> None:
        self.world, self.id = world, new_chat()
        self._seen = 0

    def say(self, text: str, replies: int = 1) -> list[Call]:
        update = message_update(self.id, text=text)
        headers = {SECRET_HEADER: SECRET}
        response = httpx.post(self.world.webhook_url, json=update, headers=headers, timeout=10)
        assert response.status_code == 200, response.text
        deadline = time.monotonic() + REPLY_TIMEOUT
        while len(sent := self.sent()) < self._seen + replies:
            assert time.monotonic() < deadline, f"no reply to {text!r}: {sent}"
            time.sleep(0.02)
        new, self._seen = sent[self._seen :], len(sent)
        return new

    def sent(self) -> list[Call]:
        telegram = self.world.telegram
        calls = telegram.calls("sendMessage") + telegram.calls("sendPhoto")
        return [c for c in calls if c.params["chat_id"] == str(self.id)]

    def text(self, text: str) -> str:
        """The one text message the bot answers ``text`` with."""
        [sent] = self.say(text)
        assert sent.method == "sendMessage", sent
        return sent.params["text"]


def official(accounts: AccountService, username: str) -> tuple[str, str]:
    """A new official account: its display name and a fresh link code."""
    name = f"Chủ tịch UBND phường ({username})"
    account = accounts.create_account(SYSTEM, username, PASSWORD, Role.OFFICIAL,
                                      display_name=name)  # fmt: skip
    return name, accounts.new_link_code(account.id)


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


@pytest.mark.parametrize(("username", "ask_link"), [("chu_tich_lk", "/lienket {code}"),
                                                    ("chu_tich_dl", "/start {code}")])  # fmt: skip
def test_an_official_links_the_chat_then_gets_the_answer_as_a_chart(
    world: World, username: str, ask_link: str
) -> None:
    chat = TelegramChat(world)
    name, code = official(world.accounts, username)
    assert chat.text(QUESTION) == say("analytics.not_linked")
    assert chat.text(ask_link.format(code=other_code(code))) == say("link.wrong_code")
    assert chat.text(ask_link.format(code=code)) == say("link.done", name=name)
    [answer] = chat.say(QUESTION)
    assert answer.method == "sendPhoto"
    assert answer.files["photo"].startswith(PNG_MAGIC)
    caption = answer.params["caption"]
    assert caption.startswith("Dạ, số phản ánh về Ngập nước, thoát nước, tuần này ("), caption
    assert "\nCó 3 phản ánh.\n" in caption
    assert any(f"• {ref}: Đường ngập sâu" in caption for ref in THIS_WEEK)
    assert LAST_WEEK not in caption and OTHER_CATEGORY not in caption
    assert [c.method for c in chat.sent()] == ["sendMessage"] * 3 + ["sendPhoto"]


def test_a_citizen_is_refused_and_cannot_reuse_an_officials_code(world: World) -> None:
    name, code = official(world.accounts, "pho_chu_tich")
    official_chat, citizen = TelegramChat(world), TelegramChat(world)
    assert official_chat.text(f"/lienket {code}") == say("link.done", name=name)
    assert citizen.text(f"/lienket {code}") == say("link.wrong_code")  # used once already
    assert citizen.text(QUESTION) == say("analytics.not_linked")
    assert [c.method for c in citizen.sent()] == ["sendMessage", "sendMessage"]
    assert world.accounts.is_linked_official("telegram", str(official_chat.id))
    assert not world.accounts.is_linked_official("telegram", str(citizen.id))
