"""/open311/v2: Open311 GeoReport v2 (discovery, services, requests, tokens), JSON and XML.

Each resource answers at ``name.json``, ``name.xml`` and ``name`` (JSON). Errors use the spec's
own format (``[{"code": 400, "description": ...}]`` or ``<errors><error>``), not our REST one:
the routes of this router turn every ``LangngheError`` into it themselves (``Open311Route``).
Filing needs an API key (form field ``api_key`` or header ``X-API-Key``) of a client whose role
may submit; reading is public, and shows redacted text only.

    curl -d api_key=KEY -d service_code=thoat_nuoc -d lat=10.85 -d long=106.75 \\
         -d description="Cống nghẹt" http://127.0.0.1:8000/open311/v2/requests.json
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth import API_KEY_HEADER
from api.deps import served
from api.errors import status_of
from api.open311_format import (
    Format,
    definition_payload,
    discovery_payload,
    errors_payload,
    receipt_payload,
    render,
    requests_payload,
    services_payload,
    token_payload,
)
from api.open311_input import comma_list, first, form_fields, new_request, w3c_datetime
from core.accounts import Principal
from core.errors import Forbidden, InvalidInput, LangngheError, NotFound, Unauthenticated
from services.open311 import MAX_RESULTS, Open311Service, Receipt, RequestFilter

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
#: GeoReport v2 answers refused input with 400 and a missing or wrong api_key with 403.
_SPEC_STATUS = {InvalidInput: 400, Unauthenticated: 403}


class Open311Route(APIRoute):
    """A route whose errors are written in the GeoReport v2 format of the path's extension."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except (LangngheError, RequestValidationError, StarletteHTTPException) as exc:
                status, description = _describe(exc)
                payload = errors_payload(status, description)
                return render(payload, Format.of_path(request.url.path), "errors", status)

        return answer


router = APIRouter(prefix="/open311/v2", tags=["open311"], route_class=Open311Route)


def _describe(exc: Exception) -> tuple[int, str]:
    if isinstance(exc, LangngheError):
        return status_of(exc, _SPEC_STATUS), exc.message
    if isinstance(exc, RequestValidationError):
        problems = [f"{e.get('loc', ('?',))[-1]}: {e.get('msg')}" for e in exc.errors()]
        return 400, "; ".join(problems) or "invalid request"
    assert isinstance(exc, StarletteHTTPException)
    return exc.status_code, str(exc.detail)


def _get(path: str, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Registers a GET handler at ``path.{fmt}`` and, answering JSON, at ``path``."""

    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        router.add_api_route(f"{path}.{{fmt}}", handler, methods=["GET"], name=name)
        router.add_api_route(path, handler, methods=["GET"], include_in_schema=False)
        return handler

    return register


def _service(request: Request, jurisdiction_id: str | None) -> Open311Service:
    """The service; a ``jurisdiction_id`` other than ours is an unknown jurisdiction."""
    service: Open311Service = served(request, "open311")
    ours = service.catalogue.jurisdiction_id
    if jurisdiction_id is not None and jurisdiction_id.strip() not in ("", ours):
        raise NotFound(f"unknown jurisdiction_id {jurisdiction_id!r}", code="open311.jurisdiction")
    return service


Jurisdiction = Annotated[str | None, Query(max_length=200)]


@_get("/discovery", "open311_discovery")
def discovery(request: Request, fmt: Format = Format.JSON) -> Response:
    """Where this endpoint is, which spec and formats it serves, whom to ask for a key."""
    service = _service(request, None)
    url = str(request.base_url).rstrip("/") + router.prefix
    return render(discovery_payload(service.catalogue, url), fmt, "discovery")


@_get("/services", "open311_services")
def services(
    request: Request, fmt: Format = Format.JSON, jurisdiction_id: Jurisdiction = None
) -> Response:
    """Our categories, each with the department that handles it by default as its group."""
    service = _service(request, jurisdiction_id)
    return render(services_payload(service.services()), fmt, "services")


@_get("/services/{service_code}", "open311_service_definition")
def service_definition(
    request: Request,
    service_code: str,
    fmt: Format = Format.JSON,
    jurisdiction_id: Jurisdiction = None,
) -> Response:
    """The attributes a service takes (optional house number and alley for places)."""
    attributes = _service(request, jurisdiction_id).definition(service_code)
    return render(definition_payload(service_code, attributes), fmt, "service_definition")


@router.post("/requests.{fmt}", name="open311_create_request")
@router.post("/requests", include_in_schema=False)
async def create_request(
    request: Request,
    fmt: Format = Format.JSON,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    """File a request (form-encoded as the spec says, or JSON): 201, or 200 for a retry."""
    fields = await form_fields(request)
    service = _service(request, first(fields, "jurisdiction_id"))
    receipt = await run_in_threadpool(_file, request, service, fields, idempotency_key)
    return render(receipt_payload(receipt), fmt, "service_requests",
                  201 if receipt.created else 200)  # fmt: skip


def _file(
    request: Request, service: Open311Service, fields: dict[str, list[str]], key: str | None
) -> Receipt:
    """The key is checked first: without one, nothing about the request is answered."""
    client = _client(request, first(fields, "api_key") or request.headers.get(API_KEY_HEADER))
    return service.submit(client, new_request(fields, key))


def _client(request: Request, key: str | None) -> Principal:
    """The API client of ``key``; the spec answers a missing or wrong key with 403."""
    accounts: Any = getattr(request.app.state, "accounts", None)
    principal: Principal | None = None
    if accounts is not None and key and key.strip():
        principal = accounts.api_key_principal(key.strip())
    if principal is None:
        raise Forbidden("a valid api_key is required to file a request", code="open311.api_key")
    return principal


@_get("/requests", "open311_requests")
def list_requests(
    request: Request,
    fmt: Format = Format.JSON,
    jurisdiction_id: Jurisdiction = None,
    service_request_id: Annotated[str | None, Query(max_length=20_000)] = None,
    service_code: Annotated[str | None, Query(max_length=2_000)] = None,
    start_date: str | None = None,
    end_date: str | None = None,
    status: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_RESULTS)] = MAX_RESULTS,
    extensions: bool = False,
) -> Response:
    """The spec's filters (comma lists; with ids the rest is ignored), newest first; the last
    90 days by default; ``page``/``page_size`` page beyond the spec's 1,000."""
    service = _service(request, jurisdiction_id)
    found = service.find(
        RequestFilter(
            ids=comma_list(service_request_id),
            service_codes=comma_list(service_code),
            start=w3c_datetime(start_date, "start_date"),
            end=w3c_datetime(end_date, "end_date", end_of_day=True),
            statuses=tuple(s.lower() for s in comma_list(status)),
            page=page,
            page_size=page_size,
        )
    )
    return render(requests_payload(found, extensions), fmt, "service_requests")


@_get("/requests/{service_request_id}", "open311_request")
def get_request(
    request: Request,
    service_request_id: str,
    fmt: Format = Format.JSON,
    jurisdiction_id: Jurisdiction = None,
    extensions: bool = False,
) -> Response:
    """One request, as a list of one (the spec's shape)."""
    found = _service(request, jurisdiction_id).get(service_request_id)
    return render(requests_payload([found], extensions), fmt, "service_requests")


@_get("/tokens/{token}", "open311_token")
def get_token(
    request: Request, token: str, fmt: Format = Format.JSON, jurisdiction_id: Jurisdiction = None
) -> Response:
    """The request a token of ``POST requests`` stands for (we answer with ids at once)."""
    found = _service(request, jurisdiction_id).by_token(token)
    return render(token_payload(found, token), fmt, "service_requests")


@router.api_route("/{rest:path}", methods=["GET", "POST"], include_in_schema=False)
def unknown(rest: str) -> Response:
    """Anything else under /open311/v2 is a 404 in the spec's format."""
    raise NotFound(f"no Open311 resource {rest!r}", code="open311.no_resource")
