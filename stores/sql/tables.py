"""SQLAlchemy table definitions. The schema itself is owned by the Alembic migrations."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: The cases still to be handled, not merged into another (partial indexes of the feedback).
OPEN_CASES = (
    "status IN ('received', 'routed', 'needs_triage', 'in_progress') AND duplicate_of IS NULL"
)

#: Indexes only PostgreSQL has (``ddl_if``): a trigram index has no SQLite counterpart.
POSTGRESQL_ONLY_INDEXES = frozenset({"ix_feedback_search_text_trgm"})

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets a bigint.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Stores UTC, returns timezone-aware datetimes on every database (SQLite included)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class FeedbackRow(Base):
    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("channel", "channel_message_id", name="uq_feedback_channel_message"),
        Index("ix_feedback_status_received", "status", "received_at"),
        Index("ix_feedback_category_received", "category", "received_at"),
        Index("ix_feedback_ward_received", "ward", "received_at"),
        Index("ix_feedback_annotation_state", "annotation_state", "id"),
        Index("ix_feedback_status_due", "status", "due_at"),
        Index("ix_feedback_department_status", "department", "status"),
        # Open cases only (~4 % of a large table): queue counts, overdue lists (migration 0008).
        Index("ix_feedback_open_due", "due_at", "id", postgresql_include=["category", "department"],
              postgresql_where=text(OPEN_CASES), sqlite_where=text(OPEN_CASES)),
        Index("ix_feedback_open_status", "status", "category", "ward",
              postgresql_where=text(OPEN_CASES), sqlite_where=text(OPEN_CASES)),
        # Text search over the whole history, PostgreSQL only (pg_trgm; migration 0009).
        Index("ix_feedback_search_text_trgm", "search_text", postgresql_using="gin",
              postgresql_ops={"search_text": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    channel_message_id: Mapped[str] = mapped_column(String(128))
    sender_id: Mapped[str | None] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    location_text: Mapped[str | None] = mapped_column(String(500))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    status: Mapped[str] = mapped_column(String(20))
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("feedback.id"))
    category: Mapped[str | None] = mapped_column(String(40))
    department: Mapped[str | None] = mapped_column(String(60))
    ward: Mapped[str | None] = mapped_column(String(60))
    confidence: Mapped[float | None] = mapped_column(Float)
    redacted_text: Mapped[str | None] = mapped_column(Text)
    # core.text.fold(redacted_text): lower case, no diacritics; what text search matches.
    search_text: Mapped[str | None] = mapped_column(Text)
    street: Mapped[str | None] = mapped_column(String(120))
    sentiment: Mapped[str | None] = mapped_column(String(10))
    toxicity: Mapped[str | None] = mapped_column(String(10))
    urgency: Mapped[str | None] = mapped_column(String(10))
    is_spam: Mapped[bool | None] = mapped_column(Boolean)
    is_relevant: Mapped[bool | None] = mapped_column(Boolean)
    annotation_state: Mapped[str] = mapped_column(String(10))
    annotation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    annotation_error: Mapped[str | None] = mapped_column(Text)
    annotated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=lambda: datetime.now(UTC))
    # Triage: staff's priority (null: the urgency stands), assignee, service-level due date.
    priority: Mapped[str | None] = mapped_column(String(10))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ContactRow(Base):
    """Contact details, kept apart from the feedback so they can be protected and purged."""

    __tablename__ = "feedback_contact"

    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))


class EventRow(Base):
    __tablename__ = "feedback_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(100))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)


class VectorRow(Base):
    """The sentence embedding of a feedback (float16), for duplicates and similar cases."""

    __tablename__ = "feedback_vector"

    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), primary_key=True)
    model: Mapped[str] = mapped_column(String(100))  # the embedder and the text it reads
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class DuplicateCandidateRow(Base):
    """A proposed link "this feedback may report the same incident as that one"."""

    __tablename__ = "duplicate_candidate"
    __table_args__ = (UniqueConstraint("feedback_id", "candidate_id", name="uq_duplicate_pair"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ReferenceCounterRow(Base):
    """The last human reference number given out per year (PA-2026-000123)."""

    __tablename__ = "reference_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class DossierRow(Base):
    """An administrative dossier as the one-stop-shop system knows it; no applicant data at all."""

    __tablename__ = "dossier"
    __table_args__ = (Index("ix_dossier_status_due", "status", "due_at"),)

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    procedure: Mapped[str] = mapped_column(Text)
    procedure_key: Mapped[str | None] = mapped_column(String(60))
    receiving_unit: Mapped[str] = mapped_column(Text)
    handling_unit: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(24))
    current_step: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    source_hash: Mapped[str] = mapped_column(String(64))


class DossierStepRow(Base):
    """One step of a dossier's handling history; replaced as a whole when the dossier changes."""

    __tablename__ = "dossier_step"

    dossier_code: Mapped[str] = mapped_column(ForeignKey("dossier.code"), primary_key=True)
    ordinal: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    note: Mapped[str] = mapped_column(Text)


class ChatUpdateRow(Base):
    """One update from a chat user, as received, with the replies we gave (null until answered).

    The key is the platform's own id, so a delivery repeated by the platform finds this row.
    """

    __tablename__ = "chat_update"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    update_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    replies: Mapped[list[Any] | None] = mapped_column(JSON)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ChatConversationRow(Base):
    """Where a chat user is in a dialogue; ``version`` guards concurrent writers."""

    __tablename__ = "chat_conversation"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    flow: Mapped[str | None] = mapped_column(String(60))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    buttons: Mapped[list[str]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ChatNotificationRow(Base):
    """The outbox of messages to chat users that are not replies (a feedback's status changed)."""

    __tablename__ = "chat_notification"
    __table_args__ = (
        Index("ix_chat_notification_due", "state", "next_attempt_at"),
        Index("ix_chat_notification_held", "channel", "user_id", "state"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    feedback_id: Mapped[int | None] = mapped_column(ForeignKey("feedback.id"), index=True)
    state: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_error: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ChatFeedbackLinkRow(Base):
    """Which chat user filed which feedback, so a status change can be told back to them.

    The feedback itself keeps only a pseudonym of its sender: this link is what lets the city
    answer on the platform, and it is the one place to purge when a user asks to be forgotten.
    """

    __tablename__ = "chat_feedback_link"
    __table_args__ = (Index("ix_chat_feedback_link_user", "channel", "user_id"),)

    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ZaloTokenRow(Base):
    """The Zalo OA's rotating OAuth tokens; ``version`` and ``lease_until`` make one refresher.

    Zalo hands out a new refresh token on every refresh and the old one stops working, so two
    processes refreshing with the same token would lock the account out: a refresher first
    claims the row (compare-and-set on ``version``, lease until ``lease_until``).
    """

    __tablename__ = "zalo_token"

    app_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    rotated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)


class FeedbackAttachmentRow(Base):
    """A photo sent with a feedback: the platform's reference, then its bytes once fetched.

    ``data`` and ``sha256`` stay null while the photo is pending or when it could not be
    fetched (``error`` says why), so staff still see that one was sent. ``ordinal`` numbers the
    photos of a feedback from 1: a redelivered submit finds them and adds none.
    """

    __tablename__ = "feedback_attachment"
    __table_args__ = (
        UniqueConstraint("feedback_id", "ordinal", name="uq_feedback_attachment_ordinal"),
        UniqueConstraint("feedback_id", "sha256", name="uq_feedback_attachment_sha256"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"))
    ordinal: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16))
    platform_file_id: Mapped[str] = mapped_column(String(256))
    url: Mapped[str] = mapped_column(Text)
    caption: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str | None] = mapped_column(String(40))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    fetched_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AccountRow(Base):
    """A staff account; ``password_hash`` is argon2id and never leaves the store."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    department: Mapped[str | None] = mapped_column(String(60))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    password_changed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class WebSessionRow(Base):
    """A logged-in browser; the cookie holds the token, the database only its SHA-256."""

    __tablename__ = "web_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ip: Mapped[str | None] = mapped_column(String(64))


class ApiClientRow(Base):
    """A machine client; found by the key's public prefix, checked against the key's hash."""

    __tablename__ = "api_client"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    key_prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LoginFailureRow(Base):
    """A failed login, counted per username and per address to throttle guessing."""

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_username_at", "username", "at"),
        Index("ix_login_failure_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(60))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class AuditRow(Base):
    """Append-only record of every change and every view of unredacted text."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_target", "target_type", "target", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str | None] = mapped_column(String(30))
    target: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(64))


class OfficialLinkRow(Base):
    """A Telegram or Zalo user known to be an official's account (linked with a one-time code)."""

    __tablename__ = "official_link"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    linked_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LinkCodeRow(Base):
    """A one-time code an account types in the bot to link its chat; stored as a hash."""

    __tablename__ = "link_code"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class RoutingCorrectionRow(Base):
    """A staff correction of a routing decision, kept as a training label (redacted text)."""

    __tablename__ = "routing_correction"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    old_category: Mapped[str | None] = mapped_column(String(40))
    new_category: Mapped[str] = mapped_column(String(40))
    old_department: Mapped[str | None] = mapped_column(String(60))
    new_department: Mapped[str | None] = mapped_column(String(60))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class DailyAggregateRow(Base):
    """Counts of one local day per category × ward × channel ('' where unknown), with sentiment."""

    __tablename__ = "daily_aggregate"
    __table_args__ = (
        Index("ix_daily_aggregate_category_day", "category", "day"),
        Index("ix_daily_aggregate_ward_day", "ward", "day"),
    )

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    category: Mapped[str] = mapped_column(String(40), primary_key=True)
    ward: Mapped[str] = mapped_column(String(60), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    total: Mapped[int] = mapped_column(Integer)
    negative: Mapped[int] = mapped_column(Integer)
    neutral: Mapped[int] = mapped_column(Integer)
    positive: Mapped[int] = mapped_column(Integer)


class AlertRow(Base):
    """A detected spike; the unique key keeps the same spike from being alerted twice."""

    __tablename__ = "alert"
    __table_args__ = (UniqueConstraint("kind", "category", "ward", "day", name="uq_alert_spike"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(40))
    ward: Mapped[str] = mapped_column(String(60))
    day: Mapped[date] = mapped_column(Date)
    observed: Mapped[float] = mapped_column(Float)
    expected: Mapped[float] = mapped_column(Float)
    p_value: Mapped[float] = mapped_column(Float)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
