"""The staff web pages: server-rendered HTML, assets served from here (no CDN, works offline).

The pages call the same services as the REST API (``request.app.state.accounts``, ``triage``,
``analytics``), so a role cannot see or change more in a browser than over the API.

    >>> app = create_app(...)
    >>> install(app)          # /login, /staff/..., /static/...
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.web.analytics_pages import router as analytics_router
from api.web.auth_pages import router as auth_router
from api.web.case_pages import router as case_router
from api.web.dashboard_pages import router as dashboard_router
from api.web.render import STATIC_DIR
from api.web.triage_pages import router as triage_router

ROUTERS = (auth_router, triage_router, case_router, analytics_router, dashboard_router)


def install(app: FastAPI) -> None:
    """Mount the pages and their static files on ``app``."""
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
