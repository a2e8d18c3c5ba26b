"""Feedback status: by reference ("PA-2026-000123 xử lý tới đâu rồi") or "phản ánh của tôi".

Without a reference the bot lists the sender's recent reports, found by the same pseudonym
intake stored (``FeedbackService.pseudonym(channel, user_id)``), so the platform's user id is
never written next to a complaint.

    >>> start(turn)   # "phản ánh PA-2026-000123 sao rồi"
    [Reply(text='Dạ, tình trạng phản ánh của anh/chị:\\n• PA-2026-000123 (20/11/2026): …')]
"""

from __future__ import annotations

from bots.core.flows.context import Turn, department_name
from bots.core.messages_vi import say, vn_date
from core.chat import Reply
from core.errors import NotFound
from core.types import Channel, Feedback, FeedbackQuery

#: How many of a sender's reports "phản ánh của tôi" lists, newest first.
RECENT = 5


def start(turn: Turn) -> list[Reply]:
    turn.state.leave()
    reference = turn.understand().slots.get("feedback_ref")
    if reference:
        return [Reply(_one(turn, reference))]
    recent = recent_feedback(turn)
    if not recent:
        return [Reply(say("feedback.none_yet"))]
    lines = "\n".join(line(turn, fb) for fb in recent)
    return [Reply(say("feedback.status_many", lines=lines))]


def _one(turn: Turn, reference: str) -> str:
    try:
        fb = turn.services.feedback.get(reference)
    except NotFound:
        return say("feedback.not_found", reference=reference)
    return say("feedback.status_one", lines=line(turn, fb))


def line(turn: Turn, fb: Feedback) -> str:
    """ "• PA-2026-000123 (20/11/2026): Đã chuyển đơn vị xử lý — UBND phường Hiệp Bình"."""
    department = ""
    if fb.department:
        name = department_name(turn, fb.department)
        department = say("feedback.status_department", department=name)
    return say(
        "feedback.status",
        reference=fb.reference,
        received=vn_date(fb.received_at),
        status=say(f"feedback.state.{fb.status.value}"),
        department=department,
    )


def recent_feedback(turn: Turn) -> list[Feedback]:
    """The sender's latest reports on this channel, by the pseudonym intake stored."""
    service = turn.services.feedback
    sender = service.pseudonym(turn.channel, turn.incoming.user_id)
    query = FeedbackQuery(sender_id=sender, channel=Channel(turn.channel), limit=RECENT)
    return list(service.find(query).items)
