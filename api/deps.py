"""Typed dependencies: handlers get services, never the container or settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from core.reference import ReferenceData
from services.intake import FeedbackService
from services.search import SearchService


def _feedback(request: Request) -> FeedbackService:
    service: FeedbackService = request.app.state.feedback
    return service


def _reference(request: Request) -> ReferenceData:
    ref: ReferenceData = request.app.state.reference
    return ref


def _search(request: Request) -> SearchService:
    service: SearchService = request.app.state.search
    return service


FeedbackDep = Annotated[FeedbackService, Depends(_feedback)]
ReferenceDep = Annotated[ReferenceData, Depends(_reference)]
SearchDep = Annotated[SearchService, Depends(_search)]
