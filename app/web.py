"""Builds the ASGI app from a container (used by ``langnghe serve`` and by tests)."""

from __future__ import annotations

from fastapi import FastAPI

from api.app import create_app
from api.routes import accounts as accounts_routes
from api.routes import ask as ask_routes
from api.routes import cases as cases_routes
from api.routes import open311 as open311_routes
from api.web import install as install_pages
from app.container import Container
from bots.channels.web import WebChatChannel
from core.chat import Incoming, Reply


def build_app(container: Container) -> FastAPI:
    def chat(incoming: Incoming) -> list[Reply]:
        return container.dialogue.handle(incoming)  # the engine is built at the first message

    zalo = container.zalo_channel()  # None unless LANGNGHE_ZALO_* are set
    telegram = container.telegram_channel()  # None unless a token and a webhook secret are set
    channels = [c.router for c in (zalo, telegram) if c is not None]
    app = create_app(
        container.feedback,
        container.reference,
        container.document_search(),
        on_start=container.start,
        on_stop=container.close,
        routers=[
            WebChatChannel(chat).router,
            *channels,
            accounts_routes.router,
            open311_routes.router,
            cases_routes.router,
            ask_routes.router,
        ],
    )
    app.state.attachments = container.attachments
    app.state.accounts = container.accounts
    app.state.open311 = container.open311
    app.state.triage = container.triage
    app.state.analytics = container.analytics
    app.state.cookie_secure = container.settings.cookie_secure
    install_pages(app)  # the staff pages (/login, /staff/...) and /static
    return app
