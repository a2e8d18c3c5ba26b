"""Plain types shared by every layer. No behaviour beyond small invariants."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_TEXT_CHARS = 4000
T = TypeVar("T")


class Channel(enum.StrEnum):
    """Where a feedback came from."""

    TELEGRAM = "telegram"
    ZALO = "zalo"
    WEB = "web"
    API = "api"
    IMPORT = "import"
    SOCIAL = "social"


class FeedbackStatus(enum.StrEnum):
    """Workflow states of a feedback (phản ánh)."""

    RECEIVED = "received"
    ROUTED = "routed"
    NEEDS_TRIAGE = "needs_triage"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    REJECTED = "rejected"


#: Allowed status changes. ``received`` is left by the annotation worker; staff move the rest.
TRANSITIONS: dict[FeedbackStatus, frozenset[FeedbackStatus]] = {
    FeedbackStatus.RECEIVED: frozenset(
        {FeedbackStatus.ROUTED, FeedbackStatus.NEEDS_TRIAGE, FeedbackStatus.REJECTED}
    ),
    FeedbackStatus.ROUTED: frozenset(
        {FeedbackStatus.IN_PROGRESS, FeedbackStatus.NEEDS_TRIAGE, FeedbackStatus.REJECTED}
    ),
    FeedbackStatus.NEEDS_TRIAGE: frozenset(
        {FeedbackStatus.ROUTED, FeedbackStatus.IN_PROGRESS, FeedbackStatus.REJECTED}
    ),
    FeedbackStatus.IN_PROGRESS: frozenset(
        {FeedbackStatus.RESOLVED, FeedbackStatus.REJECTED, FeedbackStatus.NEEDS_TRIAGE}
    ),
    FeedbackStatus.RESOLVED: frozenset({FeedbackStatus.IN_PROGRESS}),
    FeedbackStatus.REJECTED: frozenset({FeedbackStatus.NEEDS_TRIAGE}),
}


class AnnotationState(enum.StrEnum):
    """Whether the NLP step has run on a stored feedback."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Contact:
    """Contact details a citizen chose to give; stored apart from the feedback."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None

    def is_empty(self) -> bool:
        return not (self.name or self.phone or self.email)


@dataclass(frozen=True, slots=True)
class FeedbackIn:
    """A validated incoming feedback, ready to be stored."""

    text: str
    channel: Channel
    channel_message_id: str
    received_at: datetime
    sender_id: str | None = None
    contact: Contact | None = None
    location_text: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    redacted_text: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TextInput:
    """What the annotation pipeline reads for one message."""

    text: str
    location_text: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True, slots=True)
class ScoredLabel:
    """A label with its probability."""

    label: str
    score: float


@dataclass(frozen=True, slots=True)
class Routing:
    """What the router decided for one text."""

    category: str
    confidence: float
    alternatives: tuple[ScoredLabel, ...]
    department: str | None
    explanation: tuple[str, ...]
    model_version: str


@dataclass(frozen=True, slots=True)
class Label:
    """A classifier's answer: the label, its calibrated probability, and all probabilities."""

    label: str
    score: float
    scores: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "score": round(self.score, 4)}


@dataclass(frozen=True, slots=True)
class Urgency:
    """How urgent a report is, and why: the rules that fired and what the model alone said."""

    level: str
    score: float
    rules: tuple[str, ...] = ()
    model_level: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "score": round(self.score, 4), "rules": list(self.rules),
                "model_level": self.model_level}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Place:
    """Where a report is about; ``ward`` is a current ward's canonical name or None (no guess)."""

    ward: str | None = None
    ward_source: str | None = None
    street: str | None = None
    house_number: str | None = None
    alley: str | None = None
    landmark: str | None = None
    district_hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__}  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class PiiSpan:
    """Personal data found in a text (character offsets into the text that was searched)."""

    kind: str
    start: int
    end: int
    text: str
    source: str = "rule"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "start": self.start, "end": self.end, "source": self.source}


@dataclass(frozen=True, slots=True)
class SimilarCase:
    """A past feedback that reads like this one, and how it was categorised."""

    reference: str
    category: str | None
    score: float


@dataclass(frozen=True, slots=True)
class Annotation:
    """Everything the NLP pipeline says about one text.

    ``to_dict`` never includes the personal data itself (only kinds and offsets) nor the
    embedding, which is stored apart.
    """

    normalized_text: str
    model_text: str
    routing: Routing
    place: Place = field(default_factory=Place)
    redacted_text: str | None = None
    pii: tuple[PiiSpan, ...] = ()
    urgency: Urgency | None = None
    sentiment: Label | None = None
    toxicity: Label | None = None
    spam: Label | None = None
    relevance: Label | None = None
    embedding: Any = None  # numpy float32 vector, L2-normalised
    embedding_model: str | None = None
    similar: tuple[SimilarCase, ...] = ()

    @property
    def ward(self) -> str | None:
        return self.place.ward

    def to_dict(self) -> dict[str, Any]:
        r = self.routing
        out: dict[str, Any] = {
            "category": r.category,
            "confidence": round(r.confidence, 4),
            "alternatives": [
                {"category": a.label, "confidence": round(a.score, 4)} for a in r.alternatives
            ],
            "department": r.department,
            "explanation": list(r.explanation),
            "model_version": r.model_version,
            "ward": self.place.ward,
            "place": self.place.to_dict(),
            "pii": [p.to_dict() for p in self.pii],
            "similar_cases": [
                {"reference": c.reference, "category": c.category, "score": round(c.score, 4)}
                for c in self.similar
            ],
        }
        for name in ("urgency", "sentiment", "toxicity", "spam", "relevance"):
            value = getattr(self, name)
            out[name] = None if value is None else value.to_dict()
        return out


@dataclass(frozen=True, slots=True)
class FeedbackEvent:
    """One recorded change of a feedback."""

    at: datetime
    actor: str
    from_status: str | None
    to_status: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class Feedback:
    """A stored feedback with its annotations and history."""

    id: int
    reference: str
    channel: Channel
    channel_message_id: str
    sender_id: str | None
    text: str
    received_at: datetime
    status: FeedbackStatus
    location_text: str | None
    latitude: float | None
    longitude: float | None
    annotation_state: AnnotationState
    annotation: dict[str, Any] | None
    annotation_error: str | None
    category: str | None
    department: str | None
    ward: str | None
    confidence: float | None
    duplicate_of: int | None
    has_contact: bool
    events: tuple[FeedbackEvent, ...] = ()
    redacted_text: str | None = None
    street: str | None = None
    sentiment: str | None = None
    toxicity: str | None = None
    urgency: str | None = None
    is_spam: bool | None = None
    is_relevant: bool | None = None
    priority: str | None = None
    due_at: datetime | None = None
    # What a channel kept beside the text (Open311: requested service, address id, media URL).
    extra: dict[str, Any] | None = None

    @property
    def public_text(self) -> str:
        """What staff views, exports and outside services may show: never the raw text."""
        return self.redacted_text if self.redacted_text is not None else "[…]"

    @property
    def withheld(self) -> str | None:
        """Why the text is kept out of sight (``spam`` or ``abusive``), or None: public views
        show a notice instead, staff pages fold it away, so no one has to read it twice."""
        if self.is_spam:
            return "spam"
        return "abusive" if self.toxicity in WITHHELD_TOXICITY else None


#: Toxicity labels whose text is withheld from public views and folded on staff pages.
WITHHELD_TOXICITY = frozenset({"offensive", "hate"})
#: What staff may say a text is (``TriageService.set_content``): shown, abusive or spam.
CONTENT_FLAGS = ("ok", "abusive", "spam")


@dataclass(frozen=True, slots=True)
class FeedbackQuery:
    """Filters and page of a feedback listing."""

    status: FeedbackStatus | None = None
    category: str | None = None
    ward: str | None = None
    channel: Channel | None = None
    # As stored on the feedback (intake keeps a pseudonym there): a chat user's own reports.
    sender_id: str | None = None
    received_from: datetime | None = None
    received_to: datetime | None = None
    limit: int = 50
    offset: int = 0
    # Any of these (empty: no filter); ``status``/``category`` above still work alone.
    statuses: tuple[FeedbackStatus, ...] = ()
    categories: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    channel_message_id: str | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """A slice of a longer list.

    ``total_capped``: counting stopped early, there are *more than* ``total`` (a list over the
    whole history is not counted to its end: "more than 10,000")."""

    items: tuple[T, ...]
    total: int
    limit: int
    offset: int
    total_capped: bool = False


@dataclass(frozen=True, slots=True)
class StoredVector:
    """A stored feedback embedding with what duplicate search needs to know about it."""

    feedback_id: int
    reference: str
    ward: str | None
    street: str | None
    received_at: datetime
    vector: Any  # numpy float32, L2-normalised
    category: str | None = None
    text: str | None = None  # the redacted text folded (``core.text.fold``): names to look for
    confidence: float | None = None  # the router's, for ``category``


@dataclass(frozen=True, slots=True)
class DuplicateCandidate:
    """A possible earlier report of the same incident, for staff to confirm."""

    feedback_id: int
    candidate_id: int
    candidate_reference: str
    score: float
    state: str


@dataclass(frozen=True, slots=True)
class StoreResult:
    """Outcome of storing a feedback: the record and whether it was new."""

    feedback: Feedback
    created: bool
