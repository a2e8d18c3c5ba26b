"""The Vietnamese catalogue: every template the code names exists and fills in."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

import bots.core
from bots.core.messages_vi import LABELS, MESSAGES, label, say, vn_date
from core.dossiers import DossierStatus
from core.types import FeedbackStatus
from services.dossiers import NextAction

SOURCES = sorted(Path(bots.core.__file__).parent.rglob("*.py"))
_NAMED = re.compile(r"""\b(say|label|button)\(\s*"([a-z_.]+)\"""")


def test_every_literal_name_in_the_code_is_in_the_catalogue() -> None:
    named = [(fn, name) for path in SOURCES for fn, name in _NAMED.findall(path.read_text())]
    assert len(named) > 40
    missing = [name for fn, name in named if name not in (MESSAGES if fn == "say" else LABELS)]
    assert missing == []


@pytest.mark.parametrize(
    "name",
    [f"dossier.state.{s.value}" for s in DossierStatus]
    + [f"feedback.state.{s.value}" for s in FeedbackStatus]
    + [f"dossier.next.{a.value}" for a in NextAction],
)
def test_every_status_and_next_action_has_words(name: str) -> None:
    text = say(name, unit="UBND phường Hiệp Bình")
    assert text.strip() and "{" not in text


def test_templates_are_polite_and_fill_in() -> None:
    text = say("dossier.not_found", code="H29.202-250315-0099")
    assert text.startswith("Dạ, ") and "H29.202-250315-0099" in text and "ạ." in text
    with pytest.raises(KeyError):
        say("dossier.not_found")
    with pytest.raises(KeyError):
        say("no.such.message")
    assert label("cancel") == "Hủy"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 3, 14, 17, 30, tzinfo=UTC), "15/03/2026"),  # 00:30 in Vietnam
        (datetime(2026, 3, 14, 16, 59, tzinfo=UTC), "14/03/2026"),
        (None, "chưa có"),
    ],
)
def test_dates_are_dd_mm_yyyy_on_vietnams_calendar(moment: datetime | None, expected: str) -> None:
    assert vn_date(moment, missing="chưa có") == expected
