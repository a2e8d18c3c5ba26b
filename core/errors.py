"""The one error tree of langnghe.

Adapters translate vendor exceptions into these (``raise InvalidInput(...) from exc``);
the API maps them to HTTP status codes in one handler, the bots to an apology.

    LangngheError
    ├── InvalidInput          bad text, unknown channel, malformed file row   → 422
    ├── NotFound              no such feedback, reference or resource         → 404
    ├── Conflict              illegal workflow transition, duplicate key      → 409
    ├── Unauthenticated       no valid session or API key                     → 401
    ├── Forbidden             the caller's role may not do this               → 403
    ├── Throttled             too many attempts (logins); retry later         → 429
    ├── ModelUnavailable      a model file is missing or corrupt              → 503
    └── ExternalServiceError  a database, Qdrant or HTTP peer failed          → 502

Each error carries a short stable ``code`` (``feedback.text_empty``) so logs, tests and
clients can match on it instead of on the English message.
"""

from __future__ import annotations


class LangngheError(Exception):
    """Base of every error langnghe raises on purpose."""

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class InvalidInput(LangngheError):
    """The caller sent something we refuse; nothing was stored."""

    code = "invalid_input"


class NotFound(LangngheError):
    """The thing asked for does not exist."""

    code = "not_found"


class Conflict(LangngheError):
    """The request contradicts the current state (e.g. an illegal status change)."""

    code = "conflict"


class Unauthenticated(LangngheError):
    """No valid session or API key came with the request (or the credentials were wrong)."""

    code = "auth.unauthenticated"


class Forbidden(LangngheError):
    """The caller is known, but their role may not see or change this."""

    code = "auth.forbidden"


class Throttled(LangngheError):
    """Too many attempts in a short time; ``retry_after`` seconds until the next one counts."""

    code = "auth.throttled"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class ModelUnavailable(LangngheError):
    """A model file is missing or corrupt; the message names the command that rebuilds it."""

    code = "model_unavailable"


class ExternalServiceError(LangngheError):
    """A system outside our process failed (database, vector store, HTTP peer)."""

    code = "external_service"
