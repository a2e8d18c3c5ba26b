"""Builds the ASGI app from a container (used by ``langnghe serve`` and by tests)."""

from __future__ import annotations

from fastapi import FastAPI

from api.app import create_app
from app.container import Container


def build_app(container: Container) -> FastAPI:
    return create_app(
        container.feedback,
        container.reference,
        container.document_search(),
        on_start=container.start,
        on_stop=container.close,
    )
