"""A background thread that runs one step every few seconds and survives its failures.

The notification outbox and the analytics job both poll the database; a database that is away
for a while must not kill them, so a failed step is logged and tried again next time.

    >>> class OutboxWorker(PeriodicWorker):
    ...     name = "notification-worker"
    ...     def run_once(self) -> None:
    ...         service.deliver_due()
    >>> worker = OutboxWorker(interval=3.0); worker.start(); ...; worker.stop()
"""

from __future__ import annotations

import logging
import threading
from typing import Any

log = logging.getLogger(__name__)


class PeriodicWorker:
    """Subclasses set ``name`` and implement ``run_once``; ``start``/``stop`` are idempotent."""

    name = "periodic-worker"

    def __init__(self, interval: float) -> None:
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> Any:
        raise NotImplementedError

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(timeout)
        self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # the database may be away for a while: keep the job alive
                log.exception("worker.step_failed worker=%s", self.name)
            self._stop.wait(self._interval)
