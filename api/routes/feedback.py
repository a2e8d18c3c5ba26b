"""/api/v1/feedback: intake, lookup and listing of feedback (phản ánh), and its photos."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from pydantic import BaseModel, Field

from api.auth import ViewCases
from api.deps import FeedbackDep, ReferenceDep
from api.schemas import (
    DuplicateCandidateOut,
    ErrorResponse,
    FeedbackCreate,
    FeedbackOut,
    FeedbackPage,
)
from core.accounts import Principal, Role, sees_department
from core.attachments import MAX_PHOTOS_PER_FEEDBACK, Attachment
from core.errors import Forbidden, NotFound
from core.types import LOCAL_TZ, Feedback, FeedbackQuery, FeedbackStatus
from services.attachments import AttachmentService
from services.intake import Submission
from services.validation import parse_channel

router = APIRouter(prefix="/api/v1/feedback", tags=["feedback"])
_ERRORS: dict[int | str, dict[str, object]] = {
    422: {"model": ErrorResponse}, 404: {"model": ErrorResponse}, 413: {"model": ErrorResponse},
}  # fmt: skip


@router.post("", status_code=status.HTTP_201_CREATED, response_model=FeedbackOut, responses=_ERRORS)
def create_feedback(body: FeedbackCreate, response: Response, service: FeedbackDep) -> FeedbackOut:
    """Store a feedback (201), or return the earlier one for a repeated delivery (200)."""
    result = service.submit(Submission(**body.model_dump()))
    if not result.created:
        response.status_code = status.HTTP_200_OK
    return FeedbackOut.of(result.feedback)


@router.get("/{key}", response_model=FeedbackOut, responses=_ERRORS)
def get_feedback(key: str, service: FeedbackDep) -> FeedbackOut:
    """One feedback by numeric id or by reference (PA-2026-000123)."""
    return FeedbackOut.of(service.get(key))


@router.get("/{key}/duplicates", response_model=list[DuplicateCandidateOut], responses=_ERRORS)
def duplicate_candidates(
    key: str, principal: ViewCases, service: FeedbackDep
) -> list[DuplicateCandidateOut]:
    """Open earlier reports that may describe the same incident, with their similarity."""
    _visible(principal, service.get(key))
    return [
        DuplicateCandidateOut(
            candidate_id=c.candidate_id,
            candidate_reference=c.candidate_reference,
            score=c.score,
            state=c.state,
        )
        for c in service.duplicate_candidates(key)
    ]


@router.get("", response_model=FeedbackPage, responses=_ERRORS)
def list_feedback(
    principal: ViewCases,
    service: FeedbackDep,
    reference: ReferenceDep,
    status_: Annotated[FeedbackStatus | None, Query(alias="status")] = None,
    category: str | None = None,
    ward: str | None = None,
    channel: str | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> FeedbackPage:
    """Newest first; dates are local (Asia/Ho_Chi_Minh) days, ``received_to`` inclusive."""
    if principal.role is Role.DEPARTMENT:  # no department filter here yet: see the triage queue
        raise Forbidden("department accounts list their cases in the triage queue",
                        code="auth.department_scope")  # fmt: skip
    query = FeedbackQuery(
        status=status_,
        category=reference.category(category).code if category else None,
        ward=reference.ward(ward).name if ward else None,
        channel=parse_channel(channel) if channel else None,
        received_from=_start_of(received_from),
        received_to=_start_of(received_to + timedelta(days=1)) if received_to else None,
        limit=limit,
        offset=offset,
    )
    page = service.find(query)
    return FeedbackPage(
        items=[FeedbackOut.of(f) for f in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


class AttachmentOut(BaseModel):
    """A photo's metadata; its bytes are at ``href`` once stored (``state`` "stored")."""

    ordinal: int
    state: str = Field(description="pending, stored, or failed (could not be fetched)")
    channel: str
    content_type: str | None
    size_bytes: int | None
    sha256: str | None
    error_code: str | None = Field(description="Why a failed photo could not be fetched.")
    created_at: datetime
    fetched_at: datetime | None
    href: str | None

    @classmethod
    def of(cls, a: Attachment) -> AttachmentOut:
        stored = a.sha256 is not None
        return cls(
            ordinal=a.ordinal, state=a.state.value, channel=a.channel,
            content_type=a.content_type, size_bytes=a.size_bytes, sha256=a.sha256,
            error_code=a.error.split(":", 1)[0] if a.error else None,
            created_at=a.created_at.astimezone(LOCAL_TZ),
            fetched_at=a.fetched_at.astimezone(LOCAL_TZ) if a.fetched_at else None,
            href=f"{router.prefix}/{a.feedback_id}/attachments/{a.ordinal}" if stored else None,
        )  # fmt: skip


def _attachments(request: Request) -> AttachmentService:
    """The composition root sets ``app.state.attachments``; without it no photo is kept."""
    service: AttachmentService | None = getattr(request.app.state, "attachments", None)
    if service is None:
        raise NotFound("photos are not kept by this server", code="attachment.unavailable")
    return service


AttachmentsDep = Annotated[AttachmentService, Depends(_attachments)]
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}
_IMAGE = {200: {"content": {t: {} for t in _EXTENSIONS}, "description": "The photo."}}


@router.get("/{key}/attachments", response_model=list[AttachmentOut], responses=_ERRORS)
def list_attachments(
    key: str, principal: ViewCases, service: FeedbackDep, attachments: AttachmentsDep
) -> list[AttachmentOut]:
    """The photos sent with a feedback, in the order sent: metadata only, no caption (the
    citizen's words are shown redacted, in the feedback itself)."""
    fb = _visible(principal, service.get(key))
    return [AttachmentOut.of(a) for a in attachments.list(fb.id)]


@router.get("/{key}/attachments/{ordinal}", response_class=Response,
            responses={**_ERRORS, **_IMAGE})  # fmt: skip
def attachment_image(
    key: str,
    ordinal: Annotated[int, Path(ge=1, le=MAX_PHOTOS_PER_FEEDBACK)],
    principal: ViewCases,
    service: FeedbackDep,
    attachments: AttachmentsDep,
) -> Response:
    """The photo's bytes with its content type (404 ``attachment.not_fetched`` if it failed)."""
    fb = _visible(principal, service.get(key))
    content = attachments.content(fb.id, ordinal)
    name = f"{fb.reference}-{ordinal}.{_EXTENSIONS.get(content.content_type, 'bin')}"
    headers = {
        "Content-Disposition": f'inline; filename="{name}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=3600",
    }
    return Response(content.data, media_type=content.content_type, headers=headers)


def _visible(principal: Principal, fb: Feedback) -> Feedback:
    """The feedback, unless a department account asks for another department's (404)."""
    if not sees_department(principal, fb.department):
        raise NotFound(f"feedback {fb.reference} not found", code="feedback.not_found")
    return fb


def _start_of(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time.min, tzinfo=LOCAL_TZ)
