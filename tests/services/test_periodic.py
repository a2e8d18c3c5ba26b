"""A periodic worker keeps running after a failed step and stops when asked."""

from __future__ import annotations

import threading

import pytest

from services.periodic import PeriodicWorker


class Flaky(PeriodicWorker):
    name = "flaky-worker"

    def __init__(self) -> None:
        super().__init__(interval=0.01)
        self.calls = 0
        self.recovered = threading.Event()

    def run_once(self) -> None:
        self.calls += 1
        if self.calls == 1:
            raise RuntimeError("database away")
        self.recovered.set()


def test_a_failed_step_is_logged_and_the_next_one_runs(caplog: pytest.LogCaptureFixture) -> None:
    worker = Flaky()
    worker.start()
    worker.start()  # idempotent: still one thread
    try:
        assert worker.recovered.wait(5)
    finally:
        worker.stop()
        worker.stop()
    assert worker.calls >= 2
    assert "worker.step_failed worker=flaky-worker" in caplog.text
    assert not any(t.name == "flaky-worker" for t in threading.enumerate())
