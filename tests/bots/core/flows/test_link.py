"""An official links their chat with a one-time code, then counts as an official."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from argon2 import PasswordHasher

from app.container import Container
from bots.core.dialogue import DialogueEngine
from bots.core.messages_vi import say
from core.accounts import SYSTEM, Account, Role
from core.chat import ChatChannel, IncomingKind
from services.accounts import AccountService
from stores.sql.account_store import SqlAccountStore
from stores.sql.audit_store import SqlAuditLog
from tests.bots.support import Chat, text_of

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="module")
def accounts(bot_container: Container) -> AccountService:
    c = bot_container
    return AccountService(SqlAccountStore(c.db), SqlAuditLog(c.db), c.reference, hasher=FAST)


@pytest.fixture
def engine(new_engine: Callable[..., DialogueEngine], accounts: AccountService) -> DialogueEngine:
    return new_engine(officials=accounts, linker=accounts)


@pytest.fixture
def official(accounts: AccountService, request: pytest.FixtureRequest) -> Account:
    name = f"lanhdao-{abs(hash(request.node.name)) % 10**8}"
    return accounts.create_account(SYSTEM, name, "mat-khau-du-dai", Role.OFFICIAL,
                                   display_name="Anh Tuấn")  # fmt: skip


@pytest.mark.parametrize(
    "message",
    ["/lienket {code}", "liên kết {code}", "lien ket {code}", "Liên kết tài khoản: {c1} {c2}",
     "/link {code}"],
)  # fmt: skip
def test_a_code_links_the_chat_and_makes_it_an_official(
    engine: DialogueEngine, accounts: AccountService, official: Account, message: str
) -> None:
    chat = Chat(engine, channel=ChatChannel.TELEGRAM)
    assert text_of(chat.say("thống kê phản ánh tháng này")) == say("analytics.not_linked")
    code = accounts.new_link_code(official.id)
    reply = chat.say(message.format(code=code, c1=code[:3], c2=code[3:]))
    assert text_of(reply) == say("link.done", name="Anh Tuấn")
    assert accounts.is_linked_official("telegram", chat.user_id)
    assert text_of(chat.say("thống kê phản ánh tháng này")) != say("analytics.not_linked")


def test_telegram_deep_link_start_with_a_code(
    engine: DialogueEngine, accounts: AccountService, official: Account
) -> None:
    chat = Chat(engine, channel=ChatChannel.TELEGRAM)
    code = accounts.new_link_code(official.id)
    reply = chat.deliver(chat.incoming(IncomingKind.FOLLOW, f"/start {code}"))
    assert text_of(reply) == say("link.done", name="Anh Tuấn")
    assert (ChatChannel.TELEGRAM.value, chat.user_id) in accounts.official_chats()
    greeting = chat.deliver(chat.incoming(IncomingKind.FOLLOW, "/start"))
    assert "Em có thể giúp" in text_of(greeting)


def test_wrong_codes_are_refused_then_throttled(
    engine: DialogueEngine, accounts: AccountService, official: Account
) -> None:
    chat = Chat(engine, channel=ChatChannel.ZALO)
    code = accounts.new_link_code(official.id)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert text_of(chat.say(f"/lienket {wrong}")) == say("link.wrong_code")
    assert text_of(chat.say(f"/lienket {code}")) == say("link.throttled", minutes=15)
    assert not accounts.is_linked_official("zalo", chat.user_id)


def test_without_a_code_the_bot_explains(engine: DialogueEngine) -> None:
    chat = Chat(engine)
    assert text_of(chat.say("/lienket")) == say("link.how")
    assert text_of(chat.say("liên kết")) == say("link.how")


def test_a_bare_number_or_a_sentence_is_not_a_link_request(engine: DialogueEngine) -> None:
    chat = Chat(engine)
    for text in ("123456", "liên kết với sở xây dựng để xử lý ngập"):
        assert text_of(chat.say(text)) not in (say("link.how"), say("link.wrong_code"))


def test_without_accounts_linking_is_off(new_engine: Callable[..., DialogueEngine]) -> None:
    chat = Chat(new_engine())  # BotServices.linker is None
    assert text_of(chat.say("/lienket 123456")) == say("link.unavailable")
