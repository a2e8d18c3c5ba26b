"""The Vietnamese texts Open311 shows (``status_notes``, addresses): one catalogue.

Open311's ``status`` is only open/closed; ``status_notes`` tells the citizen-facing workflow
state in Vietnamese, and the staff's note only with a final decision, as the chat
notifications do (``services.notification_texts_vi``).

    >>> status_label(FeedbackStatus.NEEDS_TRIAGE)
    'Đang chờ phân loại'
"""

from __future__ import annotations

from core.types import FeedbackStatus
from services.notification_texts_vi import MAX_NOTE_CHARS, NOTE, NOTE_STATUSES

STATUS_LABELS: dict[FeedbackStatus, str] = {
    FeedbackStatus.RECEIVED: "Đã tiếp nhận",
    FeedbackStatus.ROUTED: "Đã chuyển đến đơn vị xử lý",
    FeedbackStatus.NEEDS_TRIAGE: "Đang chờ phân loại",
    FeedbackStatus.IN_PROGRESS: "Đang xử lý",
    FeedbackStatus.RESOLVED: "Đã xử lý xong",
    FeedbackStatus.REJECTED: "Không được tiếp nhận xử lý",
}
#: The description of a request whose text is spam or abusive (staff or the models said so).
WITHHELD_DESCRIPTION = "Nội dung không hiển thị công khai (tin rác hoặc lời lẽ không phù hợp)."
#: An address made of what the router read from the text, when the citizen gave none.
STREET_IN_WARD = "{street}, phường {ward}"
WARD_ONLY = "Phường {ward}"


def status_label(status: FeedbackStatus) -> str:
    return STATUS_LABELS[status]


def status_notes(status: FeedbackStatus, note: str | None) -> str:
    """The state's label, and the staff's note when the state is a final decision."""
    label = status_label(status)
    clean = " ".join((note or "").split())
    if not clean or status not in NOTE_STATUSES:
        return label
    if len(clean) > MAX_NOTE_CHARS:
        clean = clean[: MAX_NOTE_CHARS - 1].rstrip() + "…"
    return f"{label}. {NOTE.format(note=clean)}"


def place(street: str | None, ward: str | None) -> str | None:
    """Street and ward as an address line; the street alone is too vague to show."""
    if ward is None:
        return None
    return (
        STREET_IN_WARD.format(street=street, ward=ward) if street else WARD_ONLY.format(ward=ward)
    )
