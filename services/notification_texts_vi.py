"""The Vietnamese texts of notifications to citizens: one catalogue, nothing inline elsewhere.

Only decisions a citizen can act on or wants to hear about are told: a report taken up,
handed to a department, solved, or refused. Internal moves (back to triage) are not.

    >>> notification_text(FeedbackStatus.RESOLVED, reference="PA-2026-000123", note="Đã vét cống")
    'Dạ, phản ánh PA-2026-000123 của anh/chị đã được xử lý xong. …'
"""

from __future__ import annotations

from core.types import FeedbackStatus

#: Templates by the status the feedback moved to; a status missing here is not told.
STATUS_TEXTS: dict[FeedbackStatus, str] = {
    FeedbackStatus.ROUTED: (
        "Dạ, phản ánh {reference} của anh/chị đã được chuyển đến {department} để xử lý."
    ),
    FeedbackStatus.IN_PROGRESS: (
        "Dạ, phản ánh {reference} của anh/chị đang được {department} xử lý. Khi có kết quả, "
        "em sẽ báo anh/chị ngay ạ."
    ),
    FeedbackStatus.RESOLVED: (
        "Dạ, phản ánh {reference} của anh/chị đã được xử lý xong. Cảm ơn anh/chị đã đồng hành "
        "cùng thành phố!"
    ),
    FeedbackStatus.REJECTED: (
        "Dạ, em rất tiếc: phản ánh {reference} của anh/chị không được tiếp nhận xử lý."
    ),
}
#: A solved report opened again (``resolved`` → ``in_progress``).
REOPENED = (
    "Dạ, phản ánh {reference} của anh/chị đã được mở lại và đang được {department} xử lý tiếp."
)
#: The staff's note is told only with a final decision (why it was refused, what was done).
NOTE = "Ghi chú của cán bộ: {note}"
NOTE_STATUSES = frozenset({FeedbackStatus.RESOLVED, FeedbackStatus.REJECTED})
#: Said instead of a department's name when none is known.
SOME_DEPARTMENT = "đơn vị có thẩm quyền"
LOOKUP_HINT = 'Anh/chị có thể nhắn "phản ánh {reference} sao rồi" để xem tình trạng bất cứ lúc nào.'
MAX_NOTE_CHARS = 500


def notification_text(
    to: FeedbackStatus,
    *,
    reference: str,
    department: str | None = None,
    note: str | None = None,
    reopened: bool = False,
) -> str | None:
    """The message for a feedback that moved to ``to``; None when that move is not told."""
    template = REOPENED if reopened else STATUS_TEXTS.get(to)
    if template is None:
        return None
    lines = [template.format(reference=reference, department=department or SOME_DEPARTMENT)]
    clean = " ".join((note or "").split())
    if clean and to in NOTE_STATUSES:
        if len(clean) > MAX_NOTE_CHARS:
            clean = clean[: MAX_NOTE_CHARS - 1].rstrip() + "…"
        lines.append(NOTE.format(note=clean))
    lines.append(LOOKUP_HINT.format(reference=reference))
    return "\n".join(lines)
