"""The channel-neutral dialogue core: flows, the Vietnamese catalogue, rate limiting.

Channels (``bots.channels``) turn platform updates into ``core.chat.Incoming`` and call
``DialogueEngine.handle``; the engine gets every service injected through ``BotServices``.
"""

from bots.core.dialogue import BotServices, DialogueEngine, NoLinkedOfficials, OfficialDirectory

__all__ = ["BotServices", "DialogueEngine", "NoLinkedOfficials", "OfficialDirectory"]
