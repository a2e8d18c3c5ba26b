"""The container's cached_property builds each part once, whichever threads ask first."""

from __future__ import annotations

import threading
import time

from app.lazy import cached_property


class Parts:
    def __init__(self) -> None:
        self.built = 0

    @cached_property
    def engine(self) -> object:
        """Slow to build, so racing threads overlap."""
        self.built += 1
        time.sleep(0.05)
        return object()

    @cached_property
    def wrapper(self) -> tuple[object]:
        return (self.engine,)  # building one part may need another (the lock is re-entrant)


def test_racing_threads_get_one_and_the_same_value() -> None:
    parts = Parts()
    start = threading.Barrier(8)
    seen: list[object] = []

    def ask() -> None:
        start.wait()
        seen.append(parts.engine)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert parts.built == 1
    assert len(seen) == 8 and all(v is seen[0] for v in seen)


def test_a_part_may_be_built_from_another_and_is_kept_on_the_object() -> None:
    parts = Parts()
    assert parts.wrapper == (parts.engine,)
    assert "engine" in parts.__dict__ and "wrapper" in parts.__dict__
    assert Parts.engine.__doc__ == "Slow to build, so racing threads overlap."
