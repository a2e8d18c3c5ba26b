"""The FastAPI application factory.

The app receives its services ready-made and two callables for start-up and shutdown, so it
knows nothing of settings or of which stores are behind the services.

    >>> app = create_app(feedback, reference, search, on_start=c.start, on_stop=c.close,
    ...                  routers=[WebChatChannel(engine).router])

``routers`` are mounted as they are: the chat channels bring their own webhook routes, and
this package must not import them (``api`` and ``bots`` are independent adapters).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import status_of
from api.routes import documents, feedback, reference
from core.errors import LangngheError, Throttled
from core.reference import ReferenceData
from services.intake import FeedbackService
from services.search import SearchService

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024


def create_app(
    feedback_service: FeedbackService,
    reference_data: ReferenceData,
    search_service: SearchService | None = None,
    on_start: Callable[[], None] | None = None,
    on_stop: Callable[[], None] | None = None,
    routers: Sequence[APIRouter] = (),
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if on_start is not None:
            await run_in_threadpool(on_start)
        yield
        if on_stop is not None:
            await run_in_threadpool(on_stop)

    app = FastAPI(title="langnghe", version="0.1.0", lifespan=lifespan)
    app.state.feedback = feedback_service
    app.state.reference = reference_data
    app.state.search = search_service
    app.include_router(feedback.router)
    app.include_router(reference.router)
    if search_service is not None:
        app.include_router(documents.router)
    for extra in routers:
        app.include_router(extra)
    app.add_exception_handler(LangngheError, _langnghe_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def _error(status: int, code: str, message: str, details: list[dict[str, object]] | None = None
           ) -> JSONResponse:  # fmt: skip
    body: dict[str, object] = {"code": code, "message": message}
    if details:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status)


async def _langnghe_error(_request: Request, exc: LangngheError) -> JSONResponse:
    status = status_of(exc)
    if status >= 500:
        log.error("api.error code=%s %s", exc.code, exc.message)
    response = _error(status, exc.code, exc.message)
    if isinstance(exc, Throttled):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return _error(400, "request.malformed_json", "the body is not valid JSON (UTF-8)")
    details = [{"field": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg")}
               for e in errors]  # fmt: skip
    return _error(422, "request.invalid", "the request does not match the schema", details)


async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 400 and "parsing the body" in str(exc.detail):
        return _error(400, "request.malformed_json", "the body is not valid JSON (UTF-8)")
    code = {404: "request.not_found", 405: "request.method_not_allowed"}.get(
        exc.status_code, f"request.http_{exc.status_code}"
    )
    return _error(exc.status_code, code, str(exc.detail))


class BodyLimit:
    """Refuses request bodies over ``max_bytes`` with 413, by header and while streaming.

    Pure ASGI (no ``BaseHTTPMiddleware``), so it costs nothing on the intake hot path.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = _error(413, "request.too_large", f"the body is over {self.max_bytes} bytes")
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass
