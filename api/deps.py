"""Typed dependencies: handlers get services, never the container or settings.

Every router (REST and pages alike) takes its services from here, so a service the
composition root did not set answers one clear 404 wherever it is asked for.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from core.errors import NotFound
from core.reference import ReferenceData
from services.accounts import AccountService
from services.analytics import AnalyticsService
from services.intake import FeedbackService
from services.search import SearchService
from services.triage import TriageService


def _feedback(request: Request) -> FeedbackService:
    service: FeedbackService = request.app.state.feedback
    return service


def _reference(request: Request) -> ReferenceData:
    ref: ReferenceData = request.app.state.reference
    return ref


def _search(request: Request) -> SearchService:
    service: SearchService = request.app.state.search
    return service


def served(request: Request, name: str) -> Any:
    """``app.state.<name>``, or 404 when this app was built without that service."""
    service = getattr(request.app.state, name, None)
    if service is None:
        raise NotFound(f"{name} is not served here", code=f"{name}.unavailable")
    return service


def _triage(request: Request) -> TriageService:
    service: TriageService = served(request, "triage")
    return service


def _analytics(request: Request) -> AnalyticsService:
    service: AnalyticsService = served(request, "analytics")
    return service


def _accounts(request: Request) -> AccountService:
    service: AccountService = served(request, "accounts")
    return service


FeedbackDep = Annotated[FeedbackService, Depends(_feedback)]
ReferenceDep = Annotated[ReferenceData, Depends(_reference)]
SearchDep = Annotated[SearchService, Depends(_search)]
TriageDep = Annotated[TriageService, Depends(_triage)]
AnalyticsDep = Annotated[AnalyticsService, Depends(_analytics)]
AccountsDep = Annotated[AccountService, Depends(_accounts)]
