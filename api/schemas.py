"""Wire formats of the REST API (pydantic). Times are given in Asia/Ho_Chi_Minh."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.types import LOCAL_TZ, Feedback


class FeedbackCreate(BaseModel):
    """A feedback as a client sends it."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="What the citizen wrote (1–4,000 characters, plain text).")
    channel: str = Field(default="api", description="telegram, zalo, web, api, import or social")
    channel_message_id: str | None = Field(
        default=None, description="The channel's own message id; a repeat returns the same record."
    )
    sender: str | None = Field(default=None, description="The channel's user id (pseudonymised).")
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    location_text: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class EventOut(BaseModel):
    at: datetime
    actor: str
    from_status: str | None
    to_status: str
    reason: str | None


class FeedbackOut(BaseModel):
    id: int
    reference: str
    channel: str
    channel_message_id: str
    status: str
    text: str = Field(description="The citizen's text with personal data redacted.")
    received_at: datetime
    location_text: str | None
    latitude: float | None
    longitude: float | None
    category: str | None
    department: str | None
    ward: str | None
    confidence: float | None
    annotation_state: str
    annotation: dict[str, Any] | None
    sentiment: str | None = None
    urgency: str | None = None
    toxicity: str | None = None
    is_spam: bool | None = None
    is_relevant: bool | None = None
    withheld: str | None = Field(
        default=None, description="spam or abusive: a public view shows a notice, not the text"
    )
    duplicate_of: int | None
    events: list[EventOut]

    @classmethod
    def of(cls, fb: Feedback) -> FeedbackOut:
        return cls(
            id=fb.id,
            reference=fb.reference,
            channel=fb.channel.value,
            channel_message_id=fb.channel_message_id,
            status=fb.status.value,
            text=fb.public_text,
            received_at=fb.received_at.astimezone(LOCAL_TZ),
            location_text=fb.location_text,
            latitude=fb.latitude,
            longitude=fb.longitude,
            category=fb.category,
            department=fb.department,
            ward=fb.ward,
            confidence=fb.confidence,
            annotation_state=fb.annotation_state.value,
            annotation=fb.annotation,
            sentiment=fb.sentiment,
            urgency=fb.urgency,
            toxicity=fb.toxicity,
            is_spam=fb.is_spam,
            is_relevant=fb.is_relevant,
            withheld=fb.withheld,
            duplicate_of=fb.duplicate_of,
            events=[
                EventOut(
                    at=e.at.astimezone(LOCAL_TZ),
                    actor=e.actor,
                    from_status=e.from_status,
                    to_status=e.to_status,
                    reason=e.reason,
                )
                for e in fb.events
            ],
        )


class DuplicateCandidateOut(BaseModel):
    candidate_id: int
    candidate_reference: str
    score: float
    state: str


class FeedbackPage(BaseModel):
    items: list[FeedbackOut]
    total: int
    limit: int
    offset: int


class ErrorOut(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] | None = None


class ErrorResponse(BaseModel):
    error: ErrorOut
