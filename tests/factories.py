"""Builders of test objects by hand (no model needed)."""

from __future__ import annotations

from datetime import datetime

from core.types import (
    LOCAL_TZ,
    Annotation,
    Channel,
    Contact,
    FeedbackIn,
    Label,
    Place,
    Routing,
    ScoredLabel,
    Urgency,
)


def feedback_in(
    message_id: str = "m-1",
    text: str = "Đường Võ Văn Ngân ngập sâu sau cơn mưa chiều nay",
    channel: Channel = Channel.API,
    received_at: datetime | None = None,
    contact: Contact | None = None,
) -> FeedbackIn:
    return FeedbackIn(
        text=text,
        channel=channel,
        channel_message_id=message_id,
        received_at=received_at or datetime(2026, 11, 20, 8, 30, tzinfo=LOCAL_TZ),
        contact=contact,
    )


def annotation(category: str = "thoat_nuoc", confidence: float = 0.9, ward: str | None = None
               ) -> Annotation:  # fmt: skip
    return Annotation(
        normalized_text="x",
        model_text="x",
        routing=Routing(
            category=category,
            confidence=confidence,
            alternatives=(ScoredLabel("moi_truong", 0.05),),
            department="ubnd_hiep_binh",
            explanation=("ngập",),
            model_version="test",
        ),
        place=Place(ward=ward, ward_source="text" if ward else None),
        redacted_text="Đường ngập, gọi [số điện thoại]",
        urgency=Urgency("high", 0.8, ("deep_flood",), "normal"),
        sentiment=Label("negative", 0.9),
        toxicity=Label("clean", 0.95),
        spam=Label("not_spam", 0.99),
        relevance=Label("relevant", 0.97),
    )


class IdleQueue:
    """An annotation queue nobody drains: tests annotate or move statuses by hand."""

    def submit(self, feedback_id: int) -> None: ...

    def backlog(self) -> int:
        return 0

    def wait(self, feedback_id: int, timeout: float) -> bool:
        return False
