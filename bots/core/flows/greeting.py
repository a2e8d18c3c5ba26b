"""Greeting and help, and the fallback: what the bot can do, as buttons."""

from __future__ import annotations

from bots.core.flows.context import Turn, menu_buttons
from bots.core.messages_vi import say
from core.chat import Reply


def start(turn: Turn) -> list[Reply]:
    """Say what the bot can do; a greeting also ends whatever flow was open."""
    turn.state.leave()
    return [Reply(say("greeting"), menu_buttons())]


def fallback(turn: Turn) -> list[Reply]:
    """A message the bot did not understand: suggestions instead of a dead end."""
    turn.state.leave()
    return [Reply(say("fallback"), menu_buttons())]
