"""Keeping ``daily_aggregate`` in step with the feedback, and the periodic analytics job.

Annotation sets a report's category, ward and sentiment a moment after it is stored, so the
aggregates follow on a cheap schedule instead of inside the hot path: each pass reads the
feedback ids added since the last pass (a primary-key range), recounts the local days they
fall on (a report still being annotated holds the mark back, so it is counted once done),
recounts the days of reports staff recategorised since (the ``routing_correction`` rows, read
the same way), always recounts today, and then runs spike detection. ``refresh`` recounts
given days at once; ``rebuild`` recounts everything.

    >>> refresher = AggregateRefresher(SqlAnalyticsStore(db))
    >>> refresher.catch_up(today)        # days changed since the last pass, and today
    {datetime.date(2026, 11, 27)}
    >>> AnalyticsWorker(refresher, alerts.detect, interval=180).start()
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta

from core.analytics import Alert, local_day
from core.analytics_ports import AggregateStore
from services.periodic import PeriodicWorker

log = logging.getLogger(__name__)


class AggregateRefresher:
    """Recounts the days that changed; remembers how far it has read (per process)."""

    def __init__(self, store: AggregateStore, *, batch: int = 5000) -> None:
        self._store = store
        self._batch = batch
        self._watermark: int | None = None
        self._corrections: int | None = None
        self._lock = threading.Lock()

    def refresh(self, days: Iterable[date]) -> int:
        """Recount these local days now (e.g. after a staff recategorisation)."""
        chosen = set(days)
        written = self._store.refresh_days(chosen) if chosen else 0
        log.info("analytics.aggregates_refreshed days=%d rows=%d", len(chosen), written)
        return written

    def rebuild(self, since: date | None = None, until: date | None = None) -> int:
        """Recount every day from ``since`` (default: the first report) to the last report."""
        span = self._store.feedback_days()
        if span is None:
            return 0
        first, last = since or span[0], max(span[1], until or span[1])
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        return self.refresh(days)

    def catch_up(self, today: date) -> set[date]:
        """Recount today and the days of reports annotated since the last pass."""
        with self._lock:
            if self._watermark is None:
                self._watermark = self._start(today)
            days: set[date] = {today}
            while True:
                changed, mark = self._store.changed_days(self._watermark, self._batch)
                days |= changed
                if mark == self._watermark:
                    break
                self._watermark = mark
            days |= self._corrected()
            self._store.refresh_days(days)
        return days

    def _corrected(self) -> set[date]:
        days: set[date] = set()
        while True:
            changed, mark = self._store.corrected_days(self._corrections, self._batch)
            days |= changed
            if mark == self._corrections:
                return days
            self._corrections = mark

    def _start(self, today: date) -> int:
        """First pass of this process: an empty table is rebuilt whole; otherwise the last
        35 days are recounted (what a restart may have missed). Reading starts at the end."""
        mark = self._store.resume_point()
        if not self._store.has_aggregates():
            self.rebuild(until=today)
        else:
            self.refresh(today - timedelta(days=n) for n in range(35))
        return mark


class AnalyticsWorker(PeriodicWorker):
    """A background thread: every ``interval`` seconds, catch the aggregates up and detect
    spikes of today (``detect`` is ``AlertService.detect``)."""

    name = "analytics-worker"

    def __init__(
        self,
        refresher: AggregateRefresher,
        detect: Callable[[date], list[Alert]] | None = None,
        *,
        interval: float = 180.0,
        today: Callable[[], date] = lambda: local_day(datetime.now(UTC)),
    ) -> None:
        super().__init__(interval)
        self._refresher = refresher
        self._detect = detect
        self._today = today

    def run_once(self) -> list[Alert]:
        today = self._today()
        self._refresher.catch_up(today)
        return self._detect(today) if self._detect is not None else []
