"""Open311 GeoReport v2 over our feedback: services are categories, requests are feedback.

A request filed through Open311 is an ordinary feedback of channel ``api``: it goes through the
same intake (validation, redaction, routing); a retry of the same request returns the same
record, because its message id is derived from the client and the request. What the outside
world reads back is public data only: the redacted text, never the contact.

    >>> service = Open311Service(feedback, reference, Open311Catalogue.load())
    >>> receipt = service.submit(client, NewRequest("thoat_nuoc", "Cống nghẹt", lat=10.85,
    ...                                             long=106.75))
    >>> service.get(receipt.service_request_id).status
    'open'
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from core.accounts import Permission, Principal, may
from core.errors import Forbidden, InvalidInput, NotFound
from core.open311 import Open311Catalogue, ServiceAttribute
from core.reference import Category, ReferenceData
from core.types import LOCAL_TZ, Channel, Feedback, FeedbackQuery, FeedbackStatus
from services import open311_texts_vi as texts
from services.intake import FeedbackService
from services.open311_intake import TOKEN_PREFIX, NewRequest, submission

log = logging.getLogger(__name__)

__all__ = ["NewRequest", "Open311Service", "Receipt", "RequestFilter", "ServiceInfo"]

MAX_RESULTS = 1000  # the spec's largest answer to GET requests
MAX_WINDOW = timedelta(days=90)  # the spec's default and largest date range
_FIND_PAGE = 500  # FeedbackService.find's largest page
STATUS_GROUPS: dict[str, tuple[FeedbackStatus, ...]] = {
    "open": (FeedbackStatus.RECEIVED, FeedbackStatus.ROUTED, FeedbackStatus.NEEDS_TRIAGE,
             FeedbackStatus.IN_PROGRESS),
    "closed": (FeedbackStatus.RESOLVED, FeedbackStatus.REJECTED),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    """One entry of the service list (a category)."""

    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: str
    keywords: tuple[str, ...]
    group: str | None


@dataclass(frozen=True, slots=True)
class Receipt:
    """What a client learns after ``POST requests``; ``created`` is False for a retry."""

    service_request_id: str
    token: str
    service_notice: str
    account_id: str | None
    created: bool


@dataclass(frozen=True, slots=True)
class ServiceRequest:
    """A feedback as GeoReport v2 shows it; times are in Asia/Ho_Chi_Minh."""

    service_request_id: str
    status: str
    status_notes: str
    service_name: str | None
    service_code: str | None
    description: str
    agency_responsible: str | None
    service_notice: str
    requested_datetime: datetime
    updated_datetime: datetime
    expected_datetime: datetime | None
    address: str | None
    address_id: str | None
    zipcode: str | None
    lat: float | None
    long: float | None
    media_url: str | None
    extended_attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RequestFilter:
    """``GET requests`` filters; ``end`` is inclusive, ``statuses`` are "open"/"closed"."""

    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()
    page: int = 1
    page_size: int = MAX_RESULTS


class Open311Service:
    """The GeoReport v2 use cases; see the module docstring."""

    def __init__(
        self,
        feedback: FeedbackService,
        reference: ReferenceData,
        catalogue: Open311Catalogue,
        redact: Callable[[str], str] | None = None,
    ) -> None:
        """``redact`` removes personal data from what staff and citizens wrote freely (the
        decision note, the address text) before the public GET shows it."""
        self._feedback = feedback
        self._redact = redact or (lambda text: text)
        self._reference = reference
        self.catalogue = catalogue
        self._service_names = {c.code: c.name for c in reference.categories}
        self._department_names = {d.code: d.name for d in reference.departments}

    def services(self) -> list[ServiceInfo]:
        return [self._info(c) for c in self._reference.categories]

    def definition(self, service_code: str) -> tuple[ServiceAttribute, ...]:
        """The attributes of a service, in order (none for services not tied to a place)."""
        code = self._category(service_code).code
        return tuple(sorted(self.catalogue.attributes_for(code), key=lambda a: a.order))

    def submit(self, client: Principal, request: NewRequest) -> Receipt:
        """File a request for an API client with the ``submit`` permission."""
        if not may(client, Permission.SUBMIT):
            raise Forbidden(f"the role {client.role} may not submit", code="open311.forbidden")
        category = self._category(request.service_code, InvalidInput)
        sub = submission(client.name, request, category, self.definition(category.code))
        result = self._feedback.submit(sub)
        ref = result.feedback.reference
        log.info("open311.request_filed ref=%s client=%s created=%s", ref, client.name,
                 result.created)  # fmt: skip
        return Receipt(
            service_request_id=ref,
            token=sub.channel_message_id or "",
            service_notice=self.catalogue.service_notice,
            account_id=request.account_id,
            created=result.created,
        )

    def get(self, service_request_id: str) -> ServiceRequest:
        """One request by its id (our reference, PA-2026-000123)."""
        if service_request_id.strip().isdigit():  # internal ids are not Open311 ids
            raise NotFound(f"no request {service_request_id}", code="open311.request_not_found")
        return self._view(self._feedback.get(service_request_id))

    def by_token(self, token: str) -> ServiceRequest:
        """The request a ``POST requests`` token stands for."""
        query = FeedbackQuery(channel=Channel.API, channel_message_id=token, limit=1)
        # Only our tokens: other API clients' own message ids are not Open311's to look up.
        found = self._feedback.find(query).items if token.startswith(TOKEN_PREFIX) else ()
        if not found:
            raise NotFound(f"no request for token {token}", code="open311.token_not_found")
        return self._view(found[0])

    def find(self, f: RequestFilter, now: datetime | None = None) -> list[ServiceRequest]:
        """Newest first; without ids and dates, the last 90 days (the spec's default)."""
        if f.page < 1 or not 1 <= f.page_size <= MAX_RESULTS:
            raise InvalidInput(f"page ≥ 1 and page_size 1-{MAX_RESULTS}", code="open311.bad_page")
        query = self._query(f, now or datetime.now(LOCAL_TZ))
        first = (f.page - 1) * f.page_size
        found: list[Feedback] = []
        while len(found) < f.page_size:
            limit = min(_FIND_PAGE, f.page_size - len(found))
            page = self._feedback.find(replace(query, limit=limit, offset=first + len(found)))
            found.extend(page.items)
            if len(page.items) < limit:
                break
        return [self._view(fb) for fb in found]

    def _query(self, f: RequestFilter, now: datetime) -> FeedbackQuery:
        if f.ids:  # the spec: with ids, the other filters are ignored
            return FeedbackQuery(references=tuple(i.strip().upper() for i in f.ids))
        unknown = sorted(set(f.statuses) - set(STATUS_GROUPS))
        if unknown:
            raise InvalidInput(f"status must be open or closed, not {unknown[0]}",
                               code="open311.bad_status")  # fmt: skip
        start, end = _window(f.start, f.end, now)
        return FeedbackQuery(
            statuses=tuple(s for name in f.statuses for s in STATUS_GROUPS[name]),
            categories=f.service_codes,
            received_from=start,
            received_to=end + timedelta(microseconds=1),
        )

    def _info(self, c: Category) -> ServiceInfo:
        department = self._reference.routing.default.get(c.code)
        return ServiceInfo(
            service_code=c.code,
            service_name=c.name,
            description=c.description,
            metadata=bool(self.catalogue.attributes_for(c.code)),
            type="realtime",
            keywords=self.catalogue.keywords.get(c.code, ()),
            group=self._department_name(department),
        )

    def _category(self, code: str, error: type[InvalidInput | NotFound] = NotFound) -> Category:
        try:
            return self._reference.category(code.strip())
        except InvalidInput:
            raise error(f"unknown service_code {code!r}", code="open311.unknown_service") from None

    def _department_name(self, code: str | None) -> str | None:
        return None if code is None else self._department_names.get(code, code)

    def _public(self, text: str | None) -> str | None:
        return None if text is None else self._redact(text)

    def _view(self, fb: Feedback) -> ServiceRequest:
        ours: dict[str, Any] = (fb.extra or {}).get("open311") or {}
        code = fb.category or ours.get("service_code")
        return ServiceRequest(
            service_request_id=fb.reference,
            status="closed" if fb.status in STATUS_GROUPS["closed"] else "open",
            status_notes=texts.status_notes(fb.status, self._public(_decision_note(fb))),
            service_name=self._service_names.get(code) if code else None,
            service_code=code,
            description=texts.WITHHELD_DESCRIPTION if fb.withheld else fb.public_text,
            agency_responsible=self._department_name(fb.department),
            service_notice=self.catalogue.service_notice,
            requested_datetime=fb.received_at.astimezone(LOCAL_TZ),
            updated_datetime=max([fb.received_at, *(e.at for e in fb.events)]).astimezone(LOCAL_TZ),
            expected_datetime=fb.due_at.astimezone(LOCAL_TZ) if fb.due_at else None,
            address=self._public(fb.location_text) or texts.place(fb.street, fb.ward),
            address_id=ours.get("address_id"),
            zipcode=None,
            lat=fb.latitude,
            long=fb.longitude,
            media_url=ours.get("media_url"),
            extended_attributes=_extended(fb),
        )


def _window(
    start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    """The spec's date range: 90 days at most, the last 90 days when none is given."""
    if start is None and end is None:
        return now - MAX_WINDOW, now
    if start is None:
        start = end - MAX_WINDOW  # type: ignore[operator]
    end = end if end is not None else start + MAX_WINDOW
    if end < start:
        raise InvalidInput("end_date is before start_date", code="open311.bad_dates")
    if end - start > MAX_WINDOW:
        raise InvalidInput("start_date to end_date may span 90 days at most",
                           code="open311.window_too_long")  # fmt: skip
    return start, end


def _decision_note(fb: Feedback) -> str | None:
    """The reason given with the change into the current state, if any."""
    moves = (e for e in reversed(fb.events) if e.from_status != e.to_status)
    last = next((e for e in moves if e.to_status == fb.status.value), None)
    return None if last is None else last.reason


def _extended(fb: Feedback) -> dict[str, Any]:
    """The ``extensions=true`` attributes: our own workflow state, place and priority."""
    return {
        "workflow_status": fb.status.value,
        "workflow_status_vi": texts.status_label(fb.status),
        "ward": fb.ward,
        "priority": fb.priority or fb.urgency,
        "channel": fb.channel.value,
        "duplicate": fb.duplicate_of is not None,
    }
