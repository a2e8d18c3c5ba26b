"""/api/v1/feedback: intake, lookup and listing of feedback (phản ánh)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from api.deps import FeedbackDep, ReferenceDep
from api.schemas import (
    DuplicateCandidateOut,
    ErrorResponse,
    FeedbackCreate,
    FeedbackOut,
    FeedbackPage,
)
from core.types import LOCAL_TZ, FeedbackQuery, FeedbackStatus
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
def duplicate_candidates(key: str, service: FeedbackDep) -> list[DuplicateCandidateOut]:
    """Open earlier reports that may describe the same incident, with their similarity."""
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


def _start_of(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time.min, tzinfo=LOCAL_TZ)
