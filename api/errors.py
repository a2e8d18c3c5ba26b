"""Which HTTP status each of our errors answers with: one table for every router.

GeoReport v2 (``api/routes/open311.py``) names two differently — refused input is 400, a missing
or wrong ``api_key`` 403 — and passes them as ``overrides``.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.errors import (
    Conflict,
    ExternalServiceError,
    Forbidden,
    InvalidInput,
    LangngheError,
    ModelUnavailable,
    NotFound,
    Throttled,
    Unauthenticated,
)

ERROR_STATUS: dict[type[LangngheError], int] = {
    InvalidInput: 422, NotFound: 404, Conflict: 409, ModelUnavailable: 503,
    ExternalServiceError: 502, Unauthenticated: 401, Forbidden: 403, Throttled: 429,
}  # fmt: skip


def status_of(
    exc: LangngheError, overrides: Mapping[type[LangngheError], int] | None = None
) -> int:
    """The status of ``exc`` (its most specific listed class; 500 when none is listed)."""
    overrides = overrides or {}
    for cls in type(exc).__mro__:
        if cls in overrides:
            return overrides[cls]
        if cls in ERROR_STATUS:
            return ERROR_STATUS[cls]
    return 500
