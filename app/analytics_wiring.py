"""The analytics part of the composition root: aggregates, alerts, answers and the periodic job.

``Container`` inherits it; it uses the container's settings, database, reference data, chat
store (the notification outbox) and account service (who the linked officials are).
"""

from __future__ import annotations

from pathlib import Path

from app.lazy import cached_property
from app.settings import Settings
from core.reference import ReferenceData
from services.accounts import AccountService
from services.aggregates import AnalyticsWorker
from services.alerts import AlertService
from services.analytics import AnalyticsService
from stores.sql.alert_store import SqlAlertStore
from stores.sql.analytics_store import SqlAnalyticsStore
from stores.sql.chat_store import SqlChatStore
from stores.sql.db import Database

#: Seconds between two passes of the analytics job (aggregates caught up, spikes detected).
ANALYTICS_INTERVAL_SECONDS = 180.0


class AnalyticsWiring:
    """Mixin of ``Container``: everything officials' analytics needs, built lazily."""

    settings: Settings
    db: Database
    reference: ReferenceData
    accounts: AccountService
    chat_store: SqlChatStore

    @cached_property
    def analytics_store(self) -> SqlAnalyticsStore:
        return SqlAnalyticsStore(self.db)

    @cached_property
    def alert_service(self) -> AlertService:
        """Spikes stored once and queued for linked officials' chats (the chat outbox)."""
        return AlertService(
            self.analytics_store, self.analytics_store, SqlAlertStore(self.db), self.reference,
            officials=self.accounts, outbox=self.chat_store,
        )  # fmt: skip

    @cached_property
    def analytics(self) -> AnalyticsService:
        own = self.settings.refdata_dir
        polygons: Path | None = own / "wards.geojson" if own else None
        if polygons is not None and not polygons.exists():
            polygons = None
        return AnalyticsService(
            self.analytics_store, self.alert_service, self.reference, ward_polygons=polygons
        )

    @cached_property
    def analytics_worker(self) -> AnalyticsWorker:
        return AnalyticsWorker(
            self.analytics.refresher, self.alert_service.detect,
            interval=ANALYTICS_INTERVAL_SECONDS,
        )  # fmt: skip

    def stop_analytics(self) -> None:
        if "analytics_worker" in self.__dict__:
            self.analytics_worker.stop()
