"""The flows of the dialogue, one module each; ``context`` holds what they share.

A flow's ``start(turn)`` answers a fresh request; a multi-turn flow also has ``step(turn)``,
called while the user is in it, which returns None for a message that is not its business
(the engine then leaves the flow and treats the message as a fresh request).
"""
